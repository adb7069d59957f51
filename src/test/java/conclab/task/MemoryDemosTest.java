package conclab.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class MemoryDemosTest {

    @Test
    void a_volatile_flag_is_always_seen() throws Exception {
        var v = MemoryDemos.visibility(MemoryDemos.Field.VOLATILE, Duration.ofMillis(50), Duration.ofSeconds(10));
        assertTrue(v.seen(), v.toString());
        assertTrue(v.toString().startsWith("volatile flag: seen"));
    }

    @Test
    void a_plain_flag_reader_ends_either_way() throws Exception {
        // the JMM allows both outcomes; what the library promises is that the reader never spins forever
        var v = MemoryDemos.visibility(MemoryDemos.Field.PLAIN, Duration.ofMillis(50), Duration.ofMillis(200));
        assertEquals(MemoryDemos.Field.PLAIN, v.field());
        assertTrue(v.afterNanos() >= 0);
    }

    @Test
    void false_sharing_counts_every_increment_in_both_layouts() throws Exception {
        for (var layout : MemoryDemos.Layout.values()) {
            var s = MemoryDemos.falseSharing(layout, 200_000);
            assertEquals(layout, s.layout());
            assertTrue(s.nanos() > 0);
        }
    }
}
