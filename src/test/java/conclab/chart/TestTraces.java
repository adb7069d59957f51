package conclab.chart;

import conclab.trace.CounterSample;
import conclab.trace.Marker;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Deterministic synthetic traces for chart tests and benchmarks. */
final class TestTraces {

    private TestTraces() {}

    static final long ORIGIN = 1_000_000_000L;
    static final long MS = 1_000_000L;

    /**
     * Four workers over 100 ms: worker-1 runs 0–40 ms, waits 40–60, runs 60–100; worker-2 is blocked
     * 0–20 then holds a lock 20–50; worker-10 runs 50–100; worker-3 has no spans (absent).
     */
    static Trace small() {
        List<Span> spans = List.of(
                span("task 1", 1, "worker-1", 0, 40, SpanState.RUNNING),
                span("task 1", 1, "worker-1", 40, 60, SpanState.WAITING),
                span("task 1", 1, "worker-1", 60, 100, SpanState.RUNNING),
                span("task 2", 2, "worker-2", 0, 20, SpanState.BLOCKED),
                span("task 2", 2, "worker-2", 20, 50, SpanState.HOLDING_LOCK),
                span("task 3", 3, "worker-10", 50, 100, SpanState.RUNNING));
        List<Marker> markers = List.of(
                new Marker("GC", null, ORIGIN + 70 * MS, 3 * MS, "young pause"),
                new Marker("pinned", "worker-10", ORIGIN + 80 * MS, 5 * MS, "synchronized"));
        List<CounterSample> counters = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            counters.add(new CounterSample("queue depth", ORIGIN + i * 10 * MS, i < 5 ? i : 10 - i));
            counters.add(new CounterSample("heap used MB", ORIGIN + i * 10 * MS, 20 + 3 * i));
        }
        return new Trace("small \"demo\"", ORIGIN, ORIGIN + 100 * MS, spans, markers, counters,
                Map.of("jdk", "25", "cores", "2", "runs", "1"));
    }

    static Span span(String task, long id, String lane, long fromMs, long toMs, SpanState s) {
        return new Span(task, id, lane, id, null, ORIGIN + fromMs * MS, ORIGIN + toMs * MS, s);
    }

    /**
     * {@code n} spans over {@code lanes} lanes, alternating running/waiting/blocked/holding, each
     * 20–200 µs with gaps up to 50 µs; seeded.
     */
    static Trace many(int n, int lanes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Span> spans = new ArrayList<>(n);
        long[] t = new long[lanes];
        SpanState[] states = SpanState.values();
        for (int i = 0; i < n; i++) {
            int lane = i % lanes;
            long gap = r.nextLong(0, 50_000), dur = r.nextLong(20_000, 200_000);
            long start = t[lane] + gap;
            spans.add(new Span("task " + i, i, "worker-" + (lane + 1), lane + 1, null,
                    ORIGIN + start, ORIGIN + start + dur, states[(i / lanes) % 4 == 3 ? 0 : (i / lanes) % 4]));
            t[lane] = start + dur;
        }
        long end = 0;
        for (long x : t) end = Math.max(end, x);
        return new Trace("many", ORIGIN, ORIGIN + end, spans, List.of(), List.of(), Map.of());
    }
}
