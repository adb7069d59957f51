package conclab.bench;

import conclab.task.Cpu;
import conclab.task.Strategy;
import conclab.task.Work;
import conclab.trace.Recorder;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Figures of the helper library against the targets of DESIGN.md, each with a baseline measured in the
 * same run: {@code ./lab bench lib [--quick] [recorder|overhead|speedup|spawn ...]} (all parts by default;
 * {@code ./lab bench recorder} and {@code ./lab bench spawn} run one part through {@link RecorderBench}
 * and {@link SpawnBench}).
 *
 * <ol>
 *   <li>recorder cost per span (JMH: 1 fork, 3 × 200 ms warm-up, 5 × 200 ms measurement; baseline: an
 *       empty benchmark), target ≤ 100 ns;
 *   <li>the same cost per span in this thread's CPU time (1,000,000 spans, median of 7 rounds), which a
 *       loaded machine disturbs less;
 *   <li>traced vs untraced 1 ms CPU tasks (200 tasks per round, sequential, rounds alternated, median of
 *       11 rounds each), in CPU time and in wall time, target within 2 %;
 *   <li>CPU speedup of {@code platform(2)} against {@code sequential} (16 × {@code cpu(20 ms)}, a fixed
 *       amount of work, median of 7 interleaved runs), target ≥ 1.9× on 2 cores (the limit is
 *       min(2, cores)); beside it the same with {@code cpuTime(20 ms)}, whose speedup only says how much
 *       CPU time the threads were granted;
 *   <li>100,000 virtual threads spawned, traced and joined by {@code Strategy.virtual()} against plain
 *       virtual threads without tracing (median of 5), target ≤ 1 s.
 * </ol>
 * The machine is shared and noisy: medians, alternation and a baseline in the same run are how the
 * figures stay comparable. {@code --quick} shortens every part (for a smoke run).
 */
public final class LibBench {

    private LibBench() {}

    private record Row(String figure, String baseline, String measured, String ratio, String target, boolean ok) {}

    private static final List<Row> ROWS = new ArrayList<>();
    private static boolean quick;

    public static void main(String[] args) throws Exception {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        quick = a.remove("--quick");
        List<String> parts = a.isEmpty() ? List.of("recorder", "overhead", "speedup", "spawn") : a;
        System.out.printf(Locale.ROOT, "LibBench %s: JDK %s, %d cores%s%n", parts, Runtime.version(),
                Runtime.getRuntime().availableProcessors(), quick ? ", quick" : "");
        System.out.printf(Locale.ROOT, "cpu calibration: %.3f steps/ns; load average at start: %.2f%n", Cpu.stepsPerNano(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (String p : parts) {
            switch (p) {
                case "recorder" -> recorderPerSpan();
                case "overhead" -> tracedVsUntraced();
                case "speedup" -> cpuSpeedup();
                case "spawn" -> virtualThreads();
                default -> throw new IllegalArgumentException("unknown part '" + p + "' (recorder, overhead, speedup, spawn)");
            }
        }
        print();
        System.out.printf(Locale.ROOT, "load average at end: %.2f (figures below the targets on a loaded machine say"
                + " more about the machine than the library; compare ratios)%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    // ------------------------------------------------------------------ 1. recorder cost per span

    private static void recorderPerSpan() throws Exception {
        Options opt = new OptionsBuilder()
                .include(RecorderJmh.class.getName() + "\\.")
                .forks(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.milliseconds(200))
                .jvmArgsAppend("-Xmx2g")
                .shouldDoGC(true)
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        double base = score(results, "baseline"), span = score(results, "span"), state = score(results, "stateChange");
        double clock = score(results, "clock");
        ROWS.add(new Row("reference: one System.nanoTime()", ns(base), ns(clock), ns(clock - base) + " over", "—", true));
        ROWS.add(new Row("recorder: one span (begin+end), JMH wall", ns(base), ns(span), ns(span - base) + " over",
                "≤ 100 ns", span - base <= 100));
        spanCpuTime();
        ROWS.add(new Row("recorder: one state change", ns(base), ns(state), ns(state - base) + " over",
                "≤ 100 ns", state - base <= 100));
    }

    /**
     * The same span cost in CPU time of this thread (time the OS gave the thread to other processes is
     * not counted, so a loaded machine disturbs it less): median of 7 rounds of 1,000,000 spans on a
     * fresh recorder, minus a loop that only hands the task over.
     */
    private static void spanCpuTime() {
        int n = 1_000_000, rounds = quick ? 3 : 7;
        long[] spans = new long[rounds], loops = new long[rounds], clocks = new long[rounds];
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            Recorder rec = Recorder.start("cpu");
            Recorder.Task t = rec.task("t");
            long c0 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                rec.begin(t);
                rec.end();
            }
            long c1 = MX.getCurrentThreadCpuTime();
            long sum = 0;
            for (int i = 0; i < n; i++) sum += System.identityHashCode(t) ^ i;
            long c2 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) sum += System.nanoTime();
            long c3 = MX.getCurrentThreadCpuTime();
            if (sum == 42) System.out.print("");
            if (r >= 0) {
                spans[r] = c1 - c0;
                loops[r] = c2 - c1;
                clocks[r] = c3 - c2;
            }
        }
        double base = median(loops) / n, span = median(spans) / n, clock = median(clocks) / n;
        ROWS.add(new Row("recorder: one span, CPU time", ns(base), ns(span), ns(span - base) + " over", "≤ 100 ns",
                span - base <= 100));
        ROWS.add(new Row("reference: one System.nanoTime(), CPU time", ns(base), ns(clock), ns(clock - base) + " over",
                "—", true));
    }

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    private static double score(Collection<RunResult> results, String method) {
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith("." + method)) return r.getPrimaryResult().getScore();
        }
        throw new IllegalStateException("no JMH result for " + method);
    }

    // ------------------------------------------------------------------ 2. traced vs untraced 1 ms tasks

    private static void tracedVsUntraced() throws Exception {
        int tasks = quick ? 50 : 200, rounds = quick ? 3 : 11;
        Work w = Work.cpu(Duration.ofMillis(1));
        long[] plain = new long[rounds], traced = new long[rounds], plainCpu = new long[rounds], tracedCpu = new long[rounds];
        runPlain(w, tasks);
        runTraced(w, tasks); // warm-up of both paths
        for (int r = 0; r < rounds; r++) {
            long[] a, b;
            if (r % 2 == 0) {
                a = runPlain(w, tasks);
                b = runTraced(w, tasks);
            } else {
                b = runTraced(w, tasks);
                a = runPlain(w, tasks);
            }
            plain[r] = a[0];
            plainCpu[r] = a[1];
            traced[r] = b[0];
            tracedCpu[r] = b[1];
        }
        double p = median(plain), t = median(traced), ratio = t / p;
        double pc = median(plainCpu), tc = median(tracedCpu), cpuRatio = tc / pc;
        ROWS.add(new Row(tasks + " × 1 ms tasks, traced vs untraced, CPU time", ms(pc), ms(tc), pct(cpuRatio - 1),
                "within 2 %", Math.abs(cpuRatio - 1) <= 0.02));
        ROWS.add(new Row(tasks + " × 1 ms tasks, traced vs untraced, wall", ms(p), ms(t), pct(ratio - 1),
                "within 2 %", Math.abs(ratio - 1) <= 0.02));
    }

    /** {wall, CPU} nanoseconds of the untraced loop. */
    private static long[] runPlain(Work w, int tasks) throws Exception {
        long c0 = MX.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        for (int i = 0; i < tasks; i++) w.run(i);
        return new long[] {System.nanoTime() - t0, MX.getCurrentThreadCpuTime() - c0};
    }

    /** {wall, CPU} nanoseconds of the same through the sequential strategy, traced. */
    private static long[] runTraced(Work w, int tasks) throws Exception {
        Recorder rec = Recorder.start("traced");
        long c0 = MX.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        Strategy.sequential().run(w, tasks, rec);
        long[] r = {System.nanoTime() - t0, MX.getCurrentThreadCpuTime() - c0};
        rec.stop();
        return r;
    }

    // ------------------------------------------------------------------ 3. CPU speedup on 2 threads

    private static void cpuSpeedup() throws Exception {
        int runs = quick ? 3 : 7;
        // cpu(d): a fixed amount of work, so the speedup counts work done; cpuTime(d), for contrast: a
        // CPU-time budget per task, whose speedup cannot show what a shared core or a lower clock costs
        Work w = Work.cpu(Duration.ofMillis(20)), budget = Work.cpuTime(Duration.ofMillis(20));
        Strategy seq = Strategy.sequential(), par = Strategy.platform(2);
        once(seq, w);
        once(par, w);
        once(seq, budget);
        once(par, budget);
        long[] s = new long[runs], p = new long[runs], sb = new long[runs], pb = new long[runs];
        double[] cores = new double[runs];
        for (int r = 0; r < runs; r++) {
            s[r] = once(seq, w);
            Recorder rec = Recorder.start(par.name());
            long t0 = System.nanoTime();
            par.run(w, 16, rec);
            p[r] = System.nanoTime() - t0;
            cores[r] = conclab.trace.Stats.of(rec.stop(), 2).parallelism();
            sb[r] = once(seq, budget);
            pb[r] = once(par, budget);
        }
        double ms = median(s), mp = median(p), speedup = ms / mp;
        int n = Runtime.getRuntime().availableProcessors();
        ROWS.add(new Row("CPU speedup, platform(2) vs sequential, 16 × cpu(20 ms)", ms(ms), ms(mp), times(speedup),
                "≥ 1.9× (cores: " + n + ")", speedup >= 1.9));
        double[] c = cores.clone();
        Arrays.sort(c);
        ROWS.add(new Row("  cores platform(2) obtained (CPU time / wall)", "", String.format(Locale.ROOT, "%.2f", c[c.length / 2]),
                "", "2.00 on an idle machine", true));
        double bs = median(sb), bp = median(pb);
        ROWS.add(new Row("  the same with 16 × cpuTime(20 ms), a CPU-time budget", ms(bs), ms(bp), times(bs / bp),
                "—", true));
    }

    private static long once(Strategy s, Work w) throws InterruptedException {
        Recorder rec = Recorder.start(s.name());
        long t0 = System.nanoTime();
        s.run(w, 16, rec);
        long t = System.nanoTime() - t0;
        rec.stop();
        return t;
    }

    // ------------------------------------------------------------------ 4. 100,000 virtual threads

    private static void virtualThreads() throws Exception {
        int n = quick ? 20_000 : 100_000, runs = quick ? 3 : 5;
        Work noop = Work.named("noop", i -> {});
        plainVirtual(n);
        tracedVirtual(n, noop);
        long[] plain = new long[runs], traced = new long[runs];
        long spans = 0;
        for (int r = 0; r < runs; r++) {
            plain[r] = plainVirtual(n);
            long[] t = tracedVirtual(n, noop);
            traced[r] = t[0];
            spans = t[1];
        }
        double p = median(plain), t = median(traced);
        if (spans != n) throw new IllegalStateException("traced " + spans + " spans of " + n);
        ROWS.add(new Row(String.format(Locale.ROOT, "%,d virtual threads spawned, traced, joined", n), ms(p), ms(t),
                times(t / p), "≤ 1 s", t <= 1e9));
    }

    private static long plainVirtual(int n) throws InterruptedException {
        long t0 = System.nanoTime();
        Thread[] ts = new Thread[n];
        var f = Thread.ofVirtual().name("virtual-", 0).factory();
        for (int i = 0; i < n; i++) {
            ts[i] = f.newThread(() -> {});
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        return System.nanoTime() - t0;
    }

    private static long[] tracedVirtual(int n, Work w) throws InterruptedException {
        Recorder rec = Recorder.start("virtual");
        long t0 = System.nanoTime();
        Strategy.virtual().run(w, n, rec);
        long t = System.nanoTime() - t0;
        return new long[] {t, rec.stop().spans().size()};
    }

    // ------------------------------------------------------------------ output

    private static double median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    private static String ns(double v) { return String.format(Locale.ROOT, "%.1f ns", v); }
    private static String ms(double nanos) { return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6); }
    private static String times(double r) { return String.format(Locale.ROOT, "%.2f×", r); }
    private static String pct(double r) { return String.format(Locale.ROOT, "%+.2f %%", r * 100); }

    private static void print() {
        String[] h = {"figure", "baseline", "measured", "ratio / overhead", "target", ""};
        int[] w = new int[h.length];
        List<String[]> cells = new ArrayList<>();
        cells.add(h);
        for (Row r : ROWS) cells.add(new String[] {r.figure(), r.baseline(), r.measured(), r.ratio(), r.target(),
                r.ok() ? "met" : "NOT MET"});
        for (String[] c : cells) for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
        System.out.println();
        for (String[] c : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                b.append(i == 0 ? String.format("%-" + w[i] + "s", c[i]) : "  " + String.format("%" + w[i] + "s", c[i]));
            }
            System.out.println(b.toString().stripTrailing());
        }
    }
}
