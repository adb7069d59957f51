package conclab.trace;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class JfrMarkersTest {

    @Test
    void gc_pauses_and_contended_monitors_become_markers_on_the_timeline() throws Exception {
        Recorder rec = Recorder.start("jfr");
        Object monitor = new Object();
        try (var jfr = JfrMarkers.start(rec, Duration.ofMillis(5))) {
            System.gc();
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            Thread holder;
            synchronized (monitor) {
                holder = Thread.ofPlatform().name("contender").start(() -> {
                    holding.countDown();
                    synchronized (monitor) {
                        monitor.hashCode();
                    }
                });
                holding.await();
                while (holder.getState() != Thread.State.BLOCKED) Thread.onSpinWait();
                Thread.sleep(20); // hold the monitor so the contended entry passes the 5 ms threshold
            }
            holder.join();
        }
        Trace t = rec.stop();
        assertTrue(t.markers().stream().anyMatch(m -> m.kind().equals("GC")), "GC marker: " + t.markers());
        assertTrue(t.markers().stream().noneMatch(x -> x.lane() != null && x.lane().startsWith("JFR ")));
        Marker m = t.markers().stream().filter(x -> x.kind().equals("monitor") && "contender".equals(x.lane()))
                .findFirst().orElseThrow(
                () -> new AssertionError("no monitor marker: " + t.markers()));
        assertTrue(m.durationNanos() >= 5_000_000L);
        assertTrue(m.atNanos() >= t.originNanos() - 50_000_000L && m.atNanos() <= t.endNanos(), "placed within the run");
    }
}
