package conclab.chart;

import conclab.chart.internal.Render;
import conclab.trace.Trace;

import java.util.List;

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
}
