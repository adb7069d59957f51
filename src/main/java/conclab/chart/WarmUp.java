package conclab.chart;

import conclab.trace.CounterSample;
import conclab.trace.Marker;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small made-up trace that exercises every code path of the charts, for {@link Charts#warmUp()}. */
final class WarmUp {

    private WarmUp() {}

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
