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

    static Trace trace() {
        List<Span> spans = new ArrayList<>();
        List<CounterSample> counters = new ArrayList<>();
        SpanState[] states = SpanState.values();
        long ms = 1_000_000L;
        for (int i = 0; i < 400; i++) {
            int lane = i % 4;
            long start = (i / 4) * ms;
            spans.add(new Span("t" + i, i, "warm-up-" + lane, lane, null, start, start + ms * 3 / 4, states[i % states.length]));
            counters.add(new CounterSample("queue depth", start, i % 7));
        }
        return new Trace("warm-up", 0, 100 * ms, spans, List.of(new Marker("GC", null, 50 * ms, ms, "")), counters, Map.of());
    }
}
