package conclab.chart;

import conclab.spi.Displayable;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class LiveTest {

    /** A trace that grows by one span per call of add(). */
    static final class Growing {
        final List<Span> spans = new ArrayList<>();
        void add() {
            int i = spans.size();
            spans.add(TestTraces.span("task " + i, i, "worker-" + (i % 3), i, i + 1, SpanState.RUNNING));
        }
        Trace snapshot() {
            return new Trace("growing", TestTraces.ORIGIN, TestTraces.ORIGIN + (spans.size() + 1) * TestTraces.MS,
                    spans, List.of(), List.of(), Map.of());
        }
    }

    @Test
    void liveChartUpdatesAtMostEvery250msAndAlwaysFinally() {
        FakeHost.FakeClock clock = new FakeHost.FakeClock();
        FakeHost host = new FakeHost(clock);
        Growing g = new Growing();
        LiveChart live = LiveChart.timeline(g::snapshot).clock(clock).show(host);
        assertEquals(1, host.events.size(), "shown once");
        int sent = 0;
        for (int i = 0; i < 200; i++) {          // 200 refreshes, 10 ms apart: 2 s of fake time
            g.add();
            clock.advanceMillis(10);
            if (live.refresh()) sent++;
        }
        List<FakeHost.Event> ups = host.updates();
        assertEquals(sent, ups.size());
        assertTrue(ups.size() <= 2000 / 250, "at most one update per 250 ms: " + ups.size());
        assertTrue(ups.size() >= 7, "but it does update: " + ups.size());
        long prev = host.events.get(0).atNanos();
        for (FakeHost.Event e : ups) {
            assertTrue(e.atNanos() - prev >= 250_000_000L, "gap " + (e.atNanos() - prev));
            prev = e.atNanos();
        }
        g.add();
        clock.advanceMillis(1);                   // well inside the interval: finish() still updates
        live.finish();
        List<FakeHost.Event> all = host.updates();
        assertEquals(ups.size() + 1, all.size(), "final update sent");
        TimelineChart last = (TimelineChart) all.getLast().value();
        assertEquals(201, last.trace().spans().size(), "final update is the finished chart");
        clock.advanceMillis(1000);
        assertFalse(live.refresh(), "nothing after finish");
        live.finish();
        assertEquals(all.size(), host.updates().size(), "finish is idempotent");
        // the displayed value renders like any chart
        assertTrue(((Displayable) last).mimeBundle(Set.of(Displayable.PLAIN)).get(Displayable.PLAIN).toString().contains("worker-1"));
    }

    @Test
    void progressThrottlesAndFinishes() {
        FakeHost.FakeClock clock = new FakeHost.FakeClock();
        FakeHost host = new FakeHost(clock);
        Progress p = Progress.of("runs", 100).clock(clock).show(host);
        for (int i = 0; i < 100; i++) {
            clock.advanceMillis(20);
            p.advance();
        }
        List<FakeHost.Event> ups = host.updates();
        assertTrue(ups.size() <= 2000 / 250, "throttled: " + ups.size());
        p.finish();
        assertEquals(ups.size() + 1, host.updates().size());
        String text = p.toString();
        assertTrue(text.startsWith("runs  ██████████████████████████████ 100%  100/100  2.0 s  done"), text);
        Map<String, Object> b = p.mimeBundle(Set.of(Displayable.HTML, Displayable.PLAIN));
        assertTrue(b.get(Displayable.HTML).toString().contains("<progress max=\"100\" value=\"100.0\""));
    }

    @Test
    void progressBarGrowsWithWork() {
        Progress p = Progress.of("x", 8).width(8);
        p.advance(4);
        assertTrue(p.text().startsWith("x  ████      50%  4/8"), p.text());
        p.note("platform(2) <warm-up>");
        assertTrue(p.text().endsWith("4/8  0.0 s  platform(2) <warm-up>"), p.text());
        String html = p.mimeBundle(Set.of(Displayable.HTML)).get(Displayable.HTML).toString();
        assertTrue(html.contains("platform(2) &lt;warm-up&gt;"), html);
    }
}
