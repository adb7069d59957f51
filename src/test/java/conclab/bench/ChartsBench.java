package conclab.bench;

import conclab.chart.Charts;
import conclab.chart.SpeedupSeries;
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
 * <p>What it measures, each as the median of several repetitions:
 * <ul>
 * <li>first chart in a fresh JVM, without and with {@link Charts#warmUp()} having run first (child JVMs
 *     on the same class path, 3 each; warm-up time itself reported apart: the kernel runs it on a
 *     background thread at start-up);
 * <li>later charts in a warm JVM: timeline, concurrency, speedup of 10,000 spans to PNG at 2× (target ≤ 50 ms);
 * <li>a million spans to a timeline PNG by per-pixel aggregation (target ≤ 1 s), and the text form.
 * </ul>
 * Two noisy cores make single figures jumpy: compare within one run.
 */
public final class ChartsBench {

    private ChartsBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args.length > 1 && args[1].equals("warm"));
            return;
        }
        System.setProperty("java.awt.headless", "true");
        List<String[]> rows = new ArrayList<>();

        double[] cold = children(false, 3), warm = children(true, 3);
        rows.add(row("first chart in a JVM, no warm-up (timeline 10k spans, PNG 2x)",
                new double[]{median(col(cold, 0)), median(col(cold, 2))}, "≤ 250 ms"));
        rows.add(row("Charts.warmUp() in a fresh JVM (background at kernel start)", median(col(warm, 1)), "off the critical path"));
        rows.add(row("first chart after warm-up (timeline 10k spans, PNG 2x)",
                new double[]{median(col(warm, 0)), median(col(warm, 2))}, "≤ 250 ms"));

        Charts.warmUp();
        Trace t10k = spans(10_000, 16, 1);
        Trace t1m = spans(1_000_000, 32, 2);
        SpeedupSeries sp = SpeedupSeries.of("pool");
        for (int n : new int[]{1, 2, 4, 8, 16}) sp = sp.with(n, 0.1 + 0.9 / n, (0.1 + 0.9 / n) * 1.03, (0.1 + 0.9 / n) * 0.98);
        SpeedupSeries speed = sp;

        rows.add(row("later chart: timeline 10k spans, PNG 2x", time(20, () -> Charts.timeline(t10k).png()), "≤ 50 ms"));
        rows.add(row("later chart: concurrency 10k spans, PNG 2x", time(20, () -> Charts.concurrency(t10k).png()), "≤ 50 ms"));
        rows.add(row("later chart: speedup + Amdahl/USL fits, PNG 2x", time(20, () -> Charts.speedup(speed).png()), "≤ 50 ms"));
        rows.add(row("later chart: timeline 10k spans, text", time(20, () -> Charts.timeline(t10k).text()), "—"));
        rows.add(row("later chart: timeline 10k spans, SVG", time(10, () -> Charts.timeline(t10k).svg()), "—"));
        rows.add(row("1,000,000 spans: timeline PNG 2x (aggregated per pixel)", time(5, () -> Charts.timeline(t1m).png()), "≤ 1 s"));
        rows.add(row("1,000,000 spans: concurrency PNG 2x (resampled)", time(5, () -> Charts.concurrency(t1m).png()), "≤ 1 s"));
        rows.add(row("1,000,000 spans: timeline text", time(5, () -> Charts.timeline(t1m).text()), "—"));

        System.out.printf(Locale.ROOT, "Charts bench — JDK %d, %d cores, %s%n", Runtime.version().feature(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "load average %.1f at the end (a loaded machine inflates wall times; CPU is this thread's)%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "%-62s %11s %11s  %s%n", "what", "wall", "cpu", "target");
        System.out.println("-".repeat(110));
        for (String[] r : rows) System.out.printf(Locale.ROOT, "%-62s %11s %11s  %s%n", r[0], r[1], r[2], r[3]);
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < n; i++) {
            Process p = new ProcessBuilder(java, "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                    ChartsBench.class.getName(), "--child", warm ? "warm" : "cold").redirectErrorStream(true).start();
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
        for (int i = 0; i < 3; i++) work.get();
        double[] ms = new double[reps], cpu = new double[reps];
        for (int i = 0; i < reps; i++) {
            long c = THREADS.getCurrentThreadCpuTime();
            long a = System.nanoTime();
            Object o = work.get();
            ms[i] = (System.nanoTime() - a) / 1e6;
            cpu[i] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
            if (o == null) throw new AssertionError();
        }
        return new double[]{median(ms), median(cpu)};
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
