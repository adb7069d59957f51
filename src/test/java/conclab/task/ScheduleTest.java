package conclab.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    static final long MS = 1_000_000;

    @Test
    void onTimeEventsAreNotLate() {
        List<Long> t = new ArrayList<>();
        for (int i = 0; i < 100; i++) t.add(1_000 * MS + i * 5 * MS + (i % 3) * 100_000);
        Schedule s = Schedule.of(t, 5 * MS);
        assertEquals(100, s.count());
        assertEquals(0, s.late(MS));
    }

    @Test
    void aClosedLoopFallsBehindDuringAStall() {
        List<Long> t = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 100; i++) {
            long due = i * 5 * MS;
            now = Math.max(now, due);
            t.add(now);
            now += i == 40 ? 150 * MS : MS;        // the answer to request 40 takes 150 ms
        }
        Schedule s = Schedule.of(t, 5 * MS);
        assertEquals(26, s.late(44 * MS));          // requests 41..66 went out 145 ms .. 45 ms late
    }

    @Test
    void eventsAheadOfTheGridShowAsLate() {
        List<Long> t = new ArrayList<>();
        for (int i = 0; i < 100; i++) t.add(7 * MS);   // all at once
        assertEquals(84, Schedule.of(t, 5 * MS).late(75 * MS));
    }

    @Test
    void evenlyAcceptsAWrittenScheduleOnly() {
        assertTrue(Schedule.evenly(new long[]{10 * MS, 15 * MS, 5 * MS}, 5 * MS));
        assertFalse(Schedule.evenly(new long[]{5 * MS, 10 * MS, 30 * MS}, 5 * MS));
        assertFalse(Schedule.evenly(new long[0], 5 * MS));
    }
}
