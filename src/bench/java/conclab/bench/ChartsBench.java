package conclab.bench;

import conclab.chart.Charts;
import conclab.chart.SpeedupSeries;
import conclab.kernel.Main;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Chart rendering speed against the figures of DESIGN.md. Not a test: run it with
 * {@code ./lab bench charts} (or {@code java -cp <test class path> conclab.bench.ChartsBench}).
 *
 * <p>Everything runs in JVMs started with the kernel's own options ({@link Main#jvmOptions()}: the
 * serial collector among them), so the figures are those of charts in a notebook. What it measures:
 * <ul>
 * <li>first chart in a fresh JVM, without and with {@link Charts#warmUp()} having run first (child JVMs,
 *     3 each; the warm-up's own time reported apart: the kernel runs it on a background thread);
 * <li>later charts as a session makes them: right after the warm-up, timeline, concurrency and speedup
 *     charts of 10,000 spans to PNG at 2×, interleaved, charts 2 to {@value #SESSION} of each kind
 *     (target ≤ 50 ms): the JIT compiler is still at work then, on the same two cores;
 * <li>the same charts once the JIT has settled (steady state);
 * <li>a million spans to a timeline PNG by per-pixel aggregation (target ≤ 1 s), and the text form.
 * </ul>
 * Two noisy cores make single figures jumpy: medians and 90th percentiles, compared within one run.
 */
public final class ChartsBench {

    private ChartsBench() {}

    /** Charts of each kind timed in the fresh-session phase. */
    static final int SESSION = 30;
    private static final String IN_KERNEL_JVM = "conclab.bench.kernelJvm";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args.length > 1 && args[1].equals("warm"));
            return;
        }
        if (System.getProperty(IN_KERNEL_JVM) == null) {   // run again in a JVM set up as the kernel's
            List<String> cmd = new ArrayList<>(kernelJava());
            cmd.add("-D" + IN_KERNEL_JVM + "=true");
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChartsBench.class.getName()));
            cmd.addAll(List.of(args));
            int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
            if (rc != 0) throw new IllegalStateException("the benchmark's JVM exited with status " + rc);
            return;
        }
        System.setProperty("java.awt.headless", "true");
        List<String[]> rows = new ArrayList<>();

        double[] cold = children(false, 3), warm = children(true, 3);
        rows.add(row("first chart in a JVM, no warm-up (timeline 10k spans, PNG 2x)",
                new double[]{median(col(cold, 0)), median(col(cold, 2))}, "— (what the kernel's warm-up saves)"));
        rows.add(row("Charts.warmUp() in a fresh JVM (background at kernel start)", median(col(warm, 1)), "off the critical path"));
        rows.add(row("first chart after warm-up (timeline 10k spans, PNG 2x)",
                new double[]{median(col(warm, 0)), median(col(warm, 2))}, "≤ 250 ms"));

        Charts.warmUp();
        Trace t10k = spans(10_000, 16, 1);
        Trace t1m = spans(1_000_000, 32, 2);
        SpeedupSeries sp = SpeedupSeries.of("pool");
        for (int n : new int[]{1, 2, 4, 8, 16}) sp = sp.with(n, 0.1 + 0.9 / n, (0.1 + 0.9 / n) * 1.03, (0.1 + 0.9 / n) * 0.98);
        SpeedupSeries speed = sp;

        Map<String, Supplier<?>> kinds = new java.util.LinkedHashMap<>();
        kinds.put("timeline 10k spans", () -> Charts.timeline(t10k).png());
        kinds.put("concurrency 10k spans", () -> Charts.concurrency(t10k).png());
        kinds.put("speedup + Amdahl/USL fits", () -> Charts.speedup(speed).png());
        // a fresh session: each kind SESSION times, interleaved; the first of each is the first-chart row's
        Map<String, double[][]> session = interleaved(kinds, SESSION);
        for (var e : session.entrySet()) {
            double[][] wc = e.getValue();
            double[] wall = Arrays.copyOfRange(wc[0], 1, SESSION), cpu = Arrays.copyOfRange(wc[1], 1, SESSION);
            rows.add(new String[]{"later charts 2–" + SESSION + " of a session: " + e.getKey() + ", PNG 2x",
                    String.format(Locale.ROOT, "%.1f ms", median(wall)), String.format(Locale.ROOT, "%.1f ms", median(cpu)),
                    String.format(Locale.ROOT, "≤ 50 ms (90th percentile %.1f ms)", percentile(wall, 0.9))});
        }
        // steady state: go on until the JIT compiler has been idle for a round of all kinds (at most 30 s)
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long until = System.nanoTime() + 30_000_000_000L, before;
        int rounds = 0;
        do {
            before = jit.getTotalCompilationTime();
            interleaved(kinds, 10);
            rounds += 10;
        } while (jit.getTotalCompilationTime() - before > 20 && System.nanoTime() < until);
        for (var e : interleaved(kinds, 20).entrySet()) {
            rows.add(row("steady state (after " + (SESSION + rounds) + " of each): " + e.getKey(),
                    new double[]{median(e.getValue()[0]), median(e.getValue()[1])}, "≤ 50 ms"));
        }
        rows.add(row("later chart: timeline 10k spans, text", time(20, () -> Charts.timeline(t10k).text()), "—"));
        rows.add(row("later chart: timeline 10k spans, SVG", time(10, () -> Charts.timeline(t10k).svg()), "—"));
        rows.add(row("1,000,000 spans: timeline PNG 2x (aggregated per pixel)", time(5, () -> Charts.timeline(t1m).png()), "≤ 1 s"));
        rows.add(row("1,000,000 spans: concurrency PNG 2x (resampled)", time(5, () -> Charts.concurrency(t1m).png()), "≤ 1 s"));
        rows.add(row("1,000,000 spans: timeline text", time(5, () -> Charts.timeline(t1m).text()), "—"));

        System.out.printf(Locale.ROOT, "Charts bench — JDK %d, %d cores, %s; JVM options of the kernel: %s%n",
                Runtime.version().feature(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                String.join(" ", Main.jvmOptions()));
        System.out.printf(Locale.ROOT, "load average %.1f at the end (a loaded machine inflates wall times; CPU is this thread's)%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-70s %10s %10s  %s%n", "what", "wall", "cpu", "target");
        System.out.println("-".repeat(120));
        for (String[] r : rows) System.out.printf(Locale.ROOT, "%-70s %10s %10s  %s%n", r[0], r[1], r[2], r[3]);
    }

    /** {@code java} and the kernel's JVM options. */
    private static List<String> kernelJava() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Main.jvmOptions());
        return cmd;
    }

    /** Each kind {@code n} times, interleaved; per kind the wall and CPU times (ms) in order. */
    private static Map<String, double[][]> interleaved(Map<String, Supplier<?>> kinds, int n) {
        Map<String, double[][]> out = new java.util.LinkedHashMap<>();
        kinds.keySet().forEach(k -> out.put(k, new double[2][n]));
        for (int i = 0; i < n; i++) {
            for (var e : kinds.entrySet()) {
                long c = THREADS.getCurrentThreadCpuTime();
                long a = System.nanoTime();
                if (e.getValue().get() == null) throw new AssertionError();
                out.get(e.getKey())[0][i] = (System.nanoTime() - a) / 1e6;
                out.get(e.getKey())[1][i] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
            }
        }
        return out;
    }

    private static double percentile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
    }

    /** In a child JVM: optionally warm up, then time the first timeline; prints "first warmUp" in ms. */
    private static void child(boolean warmUp) {
        System.setProperty("java.awt.headless", "true");
        Trace t = spans(10_000, 16, 1);
        double w = 0;
        if (warmUp) {
            long a = System.nanoTime();
            Charts.warmUp();
            w = (System.nanoTime() - a) / 1e6;
        }
        long c = THREADS.getCurrentThreadCpuTime();
        long a = System.nanoTime();
        byte[] png = Charts.timeline(t).png();
        double first = (System.nanoTime() - a) / 1e6;
        double cpu = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
        if (png.length == 0) throw new AssertionError();
        System.out.printf(Locale.ROOT, "RESULT %.3f %.3f %.3f%n", first, w, cpu);
    }

    private static double[] children(boolean warm, int n) throws Exception {
        double[] out = new double[3 * n];
        for (int i = 0; i < n; i++) {
            List<String> cmd = new ArrayList<>(kernelJava());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChartsBench.class.getName(), "--child", warm ? "warm" : "cold"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String result = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) if (line.startsWith("RESULT ")) result = line;
            }
            if (p.waitFor() != 0 || result == null) throw new IllegalStateException("child JVM failed");
            String[] f = result.split(" ");
            out[3 * i] = Double.parseDouble(f[1]);
            out[3 * i + 1] = Double.parseDouble(f[2]);
            out[3 * i + 2] = Double.parseDouble(f[3]);
        }
        return out;
    }

    private static double[] col(double[] triples, int c) {
        double[] out = new double[triples.length / 3];
        for (int i = 0; i < out.length; i++) out[i] = triples[3 * i + c];
        return out;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** Median wall time and median CPU time of this thread, in ms, after 3 unmeasured runs. */
    private static double[] time(int reps, Supplier<?> work) {
        interleaved(Map.of("", work), 3);
        double[][] wallCpu = interleaved(Map.of("", work), reps).get("");
        return new double[]{median(wallCpu[0]), median(wallCpu[1])};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String[] row(String what, double ms, String target) {
        return new String[]{what, String.format(Locale.ROOT, "%.1f ms", ms), "", target};
    }

    private static String[] row(String what, double[] wallCpu, String target) {
        return new String[]{what, String.format(Locale.ROOT, "%.1f ms", wallCpu[0]),
                String.format(Locale.ROOT, "%.1f ms", wallCpu[1]), target};
    }

    /** {@code n} spans over {@code lanes} lanes, 20–200 µs each with small gaps, states cycling; seeded. */
    static Trace spans(int n, int lanes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Span> spans = new ArrayList<>(n);
        long[] t = new long[lanes];
        SpanState[] states = SpanState.values();
        for (int i = 0; i < n; i++) {
            int lane = i % lanes;
            long start = t[lane] + r.nextLong(0, 50_000), dur = r.nextLong(20_000, 200_000);
            spans.add(new Span("task " + i, i, "worker-" + lane, lane, null, start, start + dur, states[r.nextInt(4)]));
            t[lane] = start + dur;
        }
        long end = Arrays.stream(t).max().orElse(0);
        return new Trace("bench", 0, end, spans, List.of(), List.of(), Map.of());
    }
}
