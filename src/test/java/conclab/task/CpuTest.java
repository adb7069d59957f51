package conclab.task;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** cpu(d) is a fixed number of steps on every kind of thread; cpuTime(d) is bounded by the thread's CPU clock. */
class CpuTest {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    @Test
    void the_same_cpu_work_is_the_same_number_of_steps_on_platform_and_virtual_threads() throws Exception {
        Duration d = Duration.ofMillis(5);
        long expected = Cpu.steps(d);
        assertTrue(expected > 0, "calibrated steps for 5 ms: " + expected);
        long onPlatform = on(Thread.ofPlatform(), () -> Cpu.compute(d));
        long onVirtual = on(Thread.ofVirtual(), () -> Cpu.compute(d));
        assertEquals(expected, onPlatform, "steps on a platform thread");
        assertEquals(expected, onVirtual, "steps on a virtual thread");
        assertEquals(4 * expected, Cpu.steps(Duration.ofMillis(20)), 4, "steps grow with the duration");
        // the workload runs on both kinds of thread and is named as before
        Work w = Work.cpu(d);
        assertEquals("cpu(5.00 ms)", w.name());
        on(Thread.ofPlatform(), () -> { w.run(0); return 0L; });
        on(Thread.ofVirtual(), () -> { w.run(1); return 0L; });
    }

    @Test
    void cpu_time_is_bounded_by_the_threads_cpu_clock() throws Exception {
        Assumptions.assumeTrue(on(Thread.ofPlatform(), () -> Cpu.cpuTimeAvailable() ? 1L : 0L) == 1L, "no thread CPU time on this JVM");
        Cpu.stepsPerNano();
        Work w = Work.cpuTime(Duration.ofMillis(40));
        long used = on(Thread.ofPlatform(), () -> {
            long t0 = MX.getCurrentThreadCpuTime();
            w.run(0);
            return MX.getCurrentThreadCpuTime() - t0;
        });
        // at least the budget; at most one 100 µs slice beyond it (last slice sized to the rest), plus slack
        assertTrue(used >= 40_000_000 && used < 48_000_000, "40 ms of CPU time took " + used / 1e6 + " ms of CPU");
    }

    @Test
    void cpu_time_refuses_a_virtual_thread() throws Exception {
        var e = assertThrows(UnsupportedOperationException.class,
                () -> on(Thread.ofVirtual(), () -> { Work.cpuTime(Duration.ofMillis(1)).run(0); return 0L; }));
        assertTrue(e.getMessage().contains("virtual thread"), e.getMessage());
        assertFalse(on(Thread.ofVirtual(), () -> Cpu.cpuTimeAvailable() ? 1L : 0L) == 1L);
    }

    @Test
    void an_interrupted_thread_stops_at_the_next_slice() {
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> Cpu.compute(Duration.ofSeconds(30)));
        assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared");
        Thread.currentThread().interrupt();
        Assumptions.assumeTrue(Cpu.cpuTimeAvailable());
        assertThrows(InterruptedException.class, () -> Cpu.computeCpuTime(Duration.ofSeconds(30)));
        assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared");
    }

    @Test
    void cpu_time_workloads_travel_to_child_jvms_by_spec() {
        Work w = Work.cpuTime(Duration.ofMillis(3));
        assertEquals("cpuTime(3.00 ms)", w.name());
        assertEquals(w.name(), Work.parse(w.spec()).name());
    }

    /** Runs {@code body} on a new thread of {@code builder} and returns its result, rethrowing what it threw. */
    private static long on(Thread.Builder builder, Callable<Long> body) throws Exception {
        AtomicReference<Long> result = new AtomicReference<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread t = builder.start(() -> {
            try {
                result.set(body.call());
            } catch (Exception e) {
                failed.set(e);
            }
        });
        t.join();
        if (failed.get() != null) throw failed.get();
        return result.get();
    }
}
