package conclab.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class CpuStepsTest {

    @Test
    void the_same_steps_run_on_platform_and_virtual_threads() throws Exception {
        Work w = Work.cpuSteps(Duration.ofMillis(2));
        assertTrue(w.name().startsWith("cpuSteps("), w.name());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (Thread t : new Thread[]{Thread.ofPlatform().unstarted(() -> run(w, failed)), Thread.ofVirtual().unstarted(() -> run(w, failed))}) {
            t.start();
            t.join();
        }
        assertNull(failed.get());
    }

    @Test
    void an_interrupted_thread_stops_at_the_next_slice() {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> Cpu.computeSteps(Duration.ofSeconds(30)));
        assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared");
    }

    private static void run(Work w, AtomicReference<Throwable> failed) {
        try {
            w.run(0);
        } catch (Throwable e) {
            failed.set(e);
        }
    }
}
