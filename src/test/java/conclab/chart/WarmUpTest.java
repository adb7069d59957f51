package conclab.chart;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class WarmUpTest {

    @Test
    void drawsEveryKindThenStopsWhenAsked() {
        AtomicInteger asked = new AtomicInteger();
        int all = WarmUp.run(() -> { asked.incrementAndGet(); return false; });
        assertEquals(14, all, "two charts, every other kind once, two more rounds of the first two");
        assertEquals(all, asked.get(), "asked before each chart");
        // a user's chart arrives while the third is drawn: the warm-up draws no more
        AtomicInteger checks = new AtomicInteger();
        assertEquals(3, WarmUp.run(() -> checks.incrementAndGet() > 3));
    }

    @Test
    void theTraceIsAsDenseAsARealExperiments() {
        var t = WarmUp.trace();
        assertEquals(4000, t.spans().size());
        assertEquals(8, Charts.timeline(t).laneCount());
        // several spans per pixel column of a 2x timeline (about 1,500 columns): merging is exercised
        assertTrue(t.spans().size() / 8 > 1500 / 4, "spans per lane");
    }
}
