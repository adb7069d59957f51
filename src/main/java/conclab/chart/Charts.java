package conclab.chart;

import conclab.chart.internal.Render;
import conclab.trace.Trace;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.HdrHistogram.AbstractHistogram;

/**
 * The front door of the charts: one static method per chart kind, each returning a chart to fine-tune
 * with its setters, show in a notebook, print in JShell, or save.
 *
 * <pre>{@code
 * Charts.timeline(trace)                           // who ran when
 * Charts.concurrency(trace)                        // how many ran at once
 * Charts.speedup(pool, virtual)                    // speedup vs workers, Amdahl and USL fits
 * Charts.figure(Charts.timeline(t), Charts.concurrency(t)).columns(1).save(Path.of("run.png"))
 * }</pre>
 */
public final class Charts {

    private Charts() {}

    static {
        Render.headless();
    }

    /** A timeline (Gantt) of {@code trace}: one lane per thread, states coloured. */
    public static TimelineChart timeline(Trace trace) {
        return new TimelineChart(trace);
    }

    /** Tasks running and waiting over time in {@code trace}. */
    public static ConcurrencyChart concurrency(Trace trace) {
        return new ConcurrencyChart(trace);
    }

    /** Speedup against workers for each series, with the ideal line and Amdahl and USL fits. */
    public static SpeedupChart speedup(SpeedupSeries... series) {
        return new SpeedupChart(List.of(series));
    }

    /** Speedup against workers for each series, with the ideal line and Amdahl and USL fits. */
    public static SpeedupChart speedup(List<SpeedupSeries> series) {
        return new SpeedupChart(series);
    }

    /** A latency histogram of {@code h} (values in nanoseconds unless {@link HistogramChart#unit} says otherwise). */
    public static HistogramChart histogram(String label, AbstractHistogram h) {
        return new HistogramChart(label, h);
    }

    /** {@link #histogram(String, AbstractHistogram)} labelled "latency". */
    public static HistogramChart histogram(AbstractHistogram h) {
        return histogram("latency", h);
    }

    /** Latency by percentile (50, 90, 99, 99.9 … evenly spaced) of {@code h}. */
    public static PercentileChart percentiles(String label, AbstractHistogram h) {
        return new PercentileChart(label, h);
    }

    /** {@link #percentiles(String, AbstractHistogram)} labelled "latency". */
    public static PercentileChart percentiles(AbstractHistogram h) {
        return percentiles("latency", h);
    }

    /** Counters over time in {@code trace} (queue depth, heap used, …): the ones named, or all. */
    public static CounterChart counters(Trace trace, String... names) {
        return new CounterChart(trace).names(names);
    }

    /**
     * One counter of several runs on one axis, one series per run (named after the run's label), time
     * measured from each run's start: e.g. {@code overlay("jobs depth", unbounded, bounded)}.
     */
    public static CounterChart overlay(String counter, Trace... runs) {
        return CounterChart.overlay(counter, List.of(runs));
    }

    /** An empty box plot: add one box per strategy with {@link BoxPlotChart#add}. */
    public static BoxPlotChart boxPlot() {
        return new BoxPlotChart();
    }

    /** A box per entry: label → the values of its repeated runs (seconds). */
    public static BoxPlotChart boxPlot(Map<String, double[]> runs) {
        BoxPlotChart c = new BoxPlotChart();
        runs.forEach(c::add);
        return c;
    }

    /**
     * A value per iteration ({@code values[i]} for iteration {@code i + 1}) in {@code unit}, on a
     * logarithmic axis: the warm-up curve of new code. More series with {@link IterationChart#add}.
     */
    public static IterationChart iterations(String unit, double... values) {
        IterationChart c = new IterationChart(unit);
        return values.length == 0 ? c : c.add("per iteration", values);
    }

    /** An empty outcome chart: add outcomes with {@link OutcomeChart#add}. */
    public static OutcomeChart outcomes(Outcome... outcomes) {
        OutcomeChart c = new OutcomeChart();
        for (Outcome o : outcomes) c.add(o);
        return c;
    }

    /** Several charts in one image, two per row unless {@link Figure#columns} says otherwise. */
    public static Figure figure(LabChart<?>... charts) {
        return new Figure(List.of(charts));
    }

    /** A live timeline of whatever trace {@code trace} returns; show it, then refresh and finish it. */
    public static LiveChart live(Supplier<Trace> trace) {
        return LiveChart.timeline(trace);
    }

    /** A progress bar of {@code total} steps; show it, then advance and finish it. */
    public static Progress progress(String label, long total) {
        return Progress.of(label, total);
    }

    /** {@link TraceExport#perfettoJson}: open the result in ui.perfetto.dev. */
    public static String perfettoJson(Trace trace) {
        return TraceExport.perfettoJson(trace);
    }

    /**
     * Loads and exercises the rendering path (AWT, fonts, XChart, the PNG encoder, every chart kind) so the
     * first chart a user asks for is fast. Idempotent and thread-safe; the kernel calls it on a background
     * thread at start-up. It stops early when another thread draws a chart meanwhile: from then on the
     * user's own charts warm the rendering path, and the warm-up would only take their CPU. Returns how
     * long it took (zero when already done).
     */
    public static Duration warmUp() {
        synchronized (WARM) {
            if (WARM[0]) return Duration.ZERO;
            long t0 = System.nanoTime();
            warming = Thread.currentThread();
            try {
                WarmUp.run(() -> userDrew);
            } finally {
                warming = null;
            }
            WARM[0] = true;
            return Duration.ofNanos(System.nanoTime() - t0);
        }
    }

    /* the thread running warmUp(), or null; set true when another thread draws a chart meanwhile */
    private static volatile Thread warming;
    private static volatile boolean userDrew;

    /** Called as a chart is drawn: a chart drawn by a thread other than the warm-up's stops the warm-up. */
    static void drawing() {
        Thread w = warming;
        if (w != null && w != Thread.currentThread()) userDrew = true;
    }

    /**
     * Runs {@link #warmUp()} on a new low-priority daemon thread and returns at once; the future
     * completes with the time taken. For the kernel to call at start-up.
     */
    public static java.util.concurrent.CompletableFuture<Duration> warmUpInBackground() {
        var done = new java.util.concurrent.CompletableFuture<Duration>();
        Thread t = new Thread(() -> {
            try {
                done.complete(warmUp());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "conclab-chart-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return done;
    }

    /* guarded by itself: true once warmUp() completed */
    private static final boolean[] WARM = {false};
}
