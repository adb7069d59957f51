package conclab.chart;

import conclab.trace.CounterSample;
import conclab.trace.Marker;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What {@link Charts#warmUp()} draws: a made-up trace that exercises every code path of the charts. */
final class WarmUp {

    private WarmUp() {}

    /**
     * Draws the warm-up's charts one after the other until {@code stop} says so (checked before each):
     * first a timeline and a concurrency chart (AWT, fonts, XChart, the PNG encoder), then every other kind
     * once, then two more rounds of the first two so the JIT compiles their hot loops.
     *
     * @return how many charts were drawn
     */
    static int run(BooleanSupplier stop) {
        Trace t = trace();
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        for (int i = 1; i <= 1000; i++) h.recordValue(i * 1000L);
        List<Runnable> steps = new ArrayList<>(List.of(
                () -> Charts.timeline(t).png(),
                () -> Charts.concurrency(t).png(),
                () -> Charts.speedup(SpeedupSeries.of("warm-up").with(1, 1.0, 1.1).with(2, 0.55, 0.6).with(4, 0.3, 0.32)).png(),
                () -> Charts.histogram(h).png(),
                () -> Charts.percentiles(h).png(),
                () -> Charts.counters(t).png(),
                () -> Charts.boxPlot().add("a", 1, 2, 3).png(),
                () -> Charts.iterations("µs", 40, 9, 3, 1, 1).png(),
                () -> Charts.outcomes(Outcome.of("0", 3, Outcome.Verdict.ACCEPTABLE)).png(),
                () -> Charts.timeline(t).text()));
        for (int round = 0; round < 2; round++) {
            steps.add(() -> Charts.timeline(t).png());
            steps.add(() -> Charts.concurrency(t).png());
        }
        int done = 0;
        for (Runnable step : steps) {
            if (stop.getAsBoolean()) break;
            step.run();
            done++;
        }
        return done;
    }

    /** As dense as a real experiment's trace (several spans per pixel column), so the hot loops compile. */
    static Trace trace() {
        return trace(4000, 8);
    }

    /** {@code n} spans over {@code lanes} lanes, back to back with gaps, states cycling, 1 ms apart. */
    static Trace trace(int n, int lanes) {
        List<Span> spans = new ArrayList<>();
        List<CounterSample> counters = new ArrayList<>();
        SpanState[] states = SpanState.values();
        long us = 1_000L;
        long[] t = new long[lanes];
        for (int i = 0; i < n; i++) {
            int lane = i % lanes;
            long start = t[lane] + (i * 7919L % 13) * us, dur = (20 + i * 104_729L % 180) * us;
            spans.add(new Span("t" + i, i, "warm-up-" + lane, lane, null, start, start + dur, states[i % states.length]));
            if (i % 4 == 0) counters.add(new CounterSample("queue depth", start, i % 7));
            t[lane] = start + dur;
        }
        long end = 0;
        for (long e : t) end = Math.max(end, e);
        return new Trace("warm-up", 0, end, spans, List.of(new Marker("GC", null, end / 2, us * 500, "")), counters, Map.of());
    }
}
