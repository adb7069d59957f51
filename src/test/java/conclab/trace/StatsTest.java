package conclab.trace;

import conclab.spi.Displayable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class StatsTest {

    private static final long MS = 1_000_000;

    private static Span span(String task, long id, String lane, long from, long to, SpanState s) {
        return new Span(task, id, lane, 1, null, from * MS, to * MS, s);
    }

    @Test
    void busy_idle_utilisation_and_imbalance_follow_their_definitions() {
        List<Span> spans = List.of(
                span("a", 0, "A", 0, 60, SpanState.RUNNING),
                span("a", 0, "A", 60, 100, SpanState.WAITING),
                span("b", 1, "B", 0, 30, SpanState.RUNNING),
                span("b", 1, "B", 30, 50, SpanState.BLOCKED),
                span("", -1, "B", 50, 100, SpanState.RUNNING)); // no task: not busy
        Trace t = new Trace("x", 0, 100 * MS, spans, List.of(), List.of(), Map.of());
        Stats s = Stats.of(t, 2);
        assertEquals(2, s.tasks());
        assertEquals(150 * MS, s.busyNanos());
        assertEquals(90 * MS, s.runningNanos());
        assertEquals(20 * MS, s.blockedNanos());
        assertEquals(40 * MS, s.waitingNanos());
        assertEquals(0.75, s.utilisation(), 1e-9);
        assertEquals(50 * MS, s.idleNanos());
        assertEquals(100.0 / 75 - 1, s.imbalance(), 1e-9);
        assertEquals(Map.of("A", 1.0, "B", 0.5), s.utilisationPerLane());
        assertEquals(20.0, s.throughput(), 1e-9);
        Stats slower = Stats.of(new Trace("y", 0, 300 * MS, spans, List.of(), List.of(), Map.of()), 1);
        assertEquals(3.0, s.speedupOver(slower), 1e-9);
        assertEquals(1.5, s.efficiencyOver(slower), 1e-9);
    }

    @Test
    void latency_percentiles_match_a_known_uniform_distribution() {
        List<Span> spans = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) spans.add(span("t" + i, i, "L", 0, i, SpanState.RUNNING));
        Stats s = Stats.of(new Trace("u", 0, 1000 * MS, spans, List.of(), List.of(), Map.of()), 1);
        assertEquals(1000, s.latency().count());
        assertEquals(500 * MS, s.latency().p50(), 500 * MS * 0.002);
        assertEquals(900 * MS, s.latency().p90(), 900 * MS * 0.002);
        assertEquals(990 * MS, s.latency().p99(), 990 * MS * 0.002);
        assertEquals(1000 * MS, s.latency().max(), 1000 * MS * 0.002);
        assertEquals(500.5 * MS, s.latency().mean(), 500 * MS * 0.002);
    }

    @Test
    void a_task_latency_spans_from_its_first_to_its_last_span() {
        List<Span> spans = List.of(span("t", 7, "A", 10, 20, SpanState.RUNNING),
                span("t", 7, "B", 40, 50, SpanState.RUNNING));
        Stats s = Stats.of(new Trace("m", 0, 60 * MS, spans, List.of(), List.of(), Map.of()), 2);
        assertEquals(1, s.tasks());
        assertEquals(40 * MS, s.latency().max(), 40 * MS * 0.002);
    }

    @Test
    void displays_as_html_and_text() {
        Trace t = new Trace("platform(2)", 0, 10 * MS, List.of(span("a", 0, "A", 0, 10, SpanState.RUNNING)),
                List.of(), List.of(), Map.of());
        Map<String, Object> b = Stats.of(t, 2).mimeBundle(Set.of(Displayable.HTML, Displayable.PLAIN));
        assertTrue(((String) b.get(Displayable.HTML)).contains("<td style=\"text-align:left\">platform(2)</td>"));
        assertTrue(((String) b.get(Displayable.PLAIN)).contains("makespan"));
        assertFalse(Stats.of(t, 2).mimeBundle(Set.of(Displayable.PLAIN)).containsKey(Displayable.HTML));
    }
}
