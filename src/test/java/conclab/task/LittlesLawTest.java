package conclab.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Little's law against the server's own in-flight count (lesson 06b). */
class LittlesLawTest {

    @Test
    void littles_law_integrates_the_counter_as_a_step_function() {
        var rec = conclab.trace.Recorder.start("t");
        rec.counter("c", 2);
        var t = rec.stop();
        double sum = LittlesLaw.integral(t, "c");
        long from = t.counters().getFirst().atNanos();
        assertEquals(2.0 * (t.endNanos() - from), sum, 1e-6);
    }

    @Test
    void littles_law_holds_against_the_servers_own_count() throws Exception {
        try (var db = LoopbackServer.start(Duration.ofMillis(50))) {
            Load.open(Work.io(db), 100, Duration.ofMillis(300)).workers(6).run();   // warm-up: connections, classes
            var counted = conclab.trace.Recorder.start("db");
            db.recordInto(counted);
            var r = Load.open(Work.io(db), 100, Duration.ofMillis(500)).workers(6).run();
            db.recordInto(null);
            var l = LittlesLaw.of(r, counted.stop(), "requests in flight");
            System.out.println(l);
            // the server's interval of each request lies inside the worker's: the ratio is at most 1
            assertTrue(l.ratio() > 0.7 && l.ratio() <= 1.0, "ratio " + l.ratio() + " of " + l);
            assertTrue(l.predicted() > 3 && l.predicted() < 8, "λW " + l.predicted());
        }
    }
}
