package conclab.task;

import conclab.trace.JfrMarkers;
import conclab.trace.Marker;
import conclab.trace.Recorder;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class ClassInitTest {

    @Test
    void every_call_initialises_a_class_of_its_own_on_the_calling_thread() throws Exception {
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            ClassInit.sleepInInitializer(Duration.ofMillis(20));
            assertTrue(System.nanoTime() - t0 >= 20_000_000L, "call " + i + " slept in an initialiser of its own");
        }
    }

    @Test
    void an_interrupt_during_the_initialiser_is_thrown_by_the_caller() {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> ClassInit.sleepInInitializer(Duration.ofSeconds(10)));
        assertFalse(Thread.interrupted());
    }

    @Test
    void a_virtual_thread_blocking_in_a_class_initialiser_is_reported_pinned_on_its_lane() throws Exception {
        Recorder rec = Recorder.start("pin");
        try (var jfr = JfrMarkers.start(rec, Duration.ofMillis(5))) {
            Thread v = Thread.ofVirtual().name("initialiser").start(() -> {
                try {
                    ClassInit.sleepInInitializer(Duration.ofMillis(30));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            v.join();
            // an unnamed virtual thread is reported on the lane the recorder gives it
            Thread u = Thread.ofVirtual().unstarted(() -> {
                try {
                    ClassInit.sleepInInitializer(Duration.ofMillis(30));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            u.start();
            u.join();
            String unnamed = "virtual #" + u.threadId();
            Trace t = stopAfter(jfr, rec);
            Marker m = t.markers().stream().filter(x -> x.kind().equals("pinned") && "initialiser".equals(x.lane()))
                    .findFirst().orElseThrow(() -> new AssertionError("no pinned marker: " + t.markers()));
            assertTrue(m.detail().contains("clinit"), m.detail());
            assertTrue(m.durationNanos() >= 25_000_000L);
            assertTrue(t.markers().stream().anyMatch(x -> x.kind().equals("pinned") && unnamed.equals(x.lane())),
                    "unnamed: " + t.markers());
        }
    }

    private static Trace stopAfter(JfrMarkers jfr, Recorder rec) {
        jfr.close(); // delivers the events recorded so far
        return rec.stop();
    }

    @Test
    void sleeping_in_synchronized_does_not_pin_on_jdk_25() throws Exception {
        Recorder rec = Recorder.start("no pin");
        Trace t;
        try (var jfr = JfrMarkers.start(rec, Duration.ofMillis(5))) {
            Object lock = new Object();
            Thread v = Thread.ofVirtual().name("holder").start(() -> {
                synchronized (lock) {
                    try {
                        Thread.sleep(30);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            v.join();
            t = stopAfter(jfr, rec);
        }
        assertTrue(t.markers().stream().noneMatch(x -> x.kind().equals("pinned")), "JEP 491: " + t.markers());
    }

    @Test
    void an_experiment_with_jfr_marks_each_pinned_task_on_its_lane_and_leaves_out_other_threads() {
        var runs = Experiment.of(Work.sleepInClassInit(Duration.ofMillis(30))).tasks(2).on(Strategy.virtual())
                .repeat(1).warmup(0).withJfr(Duration.ofMillis(5)).run();
        Trace t = runs.trace("virtual");
        var lanes = t.spans().stream().map(conclab.trace.Span::lane).collect(java.util.stream.Collectors.toSet());
        assertEquals(2, t.markers().stream().filter(m -> m.kind().equals("pinned") && lanes.contains(m.lane())).count(),
                "one pinned wait per task: " + t.markers());
        assertTrue(t.markers().stream().allMatch(m -> m.lane() == null || lanes.contains(m.lane())), "only the run's threads: " + t.markers());
    }
}
