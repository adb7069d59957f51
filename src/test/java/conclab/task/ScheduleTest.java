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
    void evenlyAcceptsAWrittenScheduleOnly() {
        assertTrue(Schedule.evenly(new long[]{10 * MS, 15 * MS, 5 * MS}, 5 * MS));
        assertFalse(Schedule.evenly(new long[]{5 * MS, 10 * MS, 30 * MS}, 5 * MS));
        assertFalse(Schedule.evenly(new long[0], 5 * MS));
    }

    @Test
    void sendsAtOrAfterTheirDueTimeAreNotAhead() {
        long[] dues = new long[100];
        List<Long> sends = new ArrayList<>();
        for (int i = 0; i < dues.length; i++) {
            dues[i] = i * 10 * MS;
            sends.add(dues[i] + (i % 7) * 30 * MS);      // late, some later than the next ones are due
        }
        assertEquals(0, Schedule.ahead(sends, dues));
    }

    @Test
    void aFloodIsAheadOfTheSchedule() {
        long[] dues = new long[100];
        List<Long> sends = new ArrayList<>();
        for (int i = 0; i < dues.length; i++) {
            dues[i] = i * 10 * MS;
            sends.add(MS / 2);                              // every request sent at once
        }
        assertEquals(99, Schedule.ahead(sends, dues));
    }

    @Test
    void missingSendsCount() {
        assertEquals(2, Schedule.ahead(List.of(0L), new long[]{0, 10 * MS, 20 * MS}));
    }
}
