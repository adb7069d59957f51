package conclab.sync;

import conclab.task.Cpu;
import conclab.trace.Recorder;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class GilTest {

    /** Steps of work between checkpoints, like CPython bytecodes between eval-breaker checks. */
    private static void bytecodes() {
        long x = 1;
        for (int i = 0; i < 20_000; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        if (x == 42) System.out.print("");
    }

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void at_most_one_thread_holds_the_gil_and_it_is_handed_over(boolean fair) throws Exception {
        Gil gil = new Gil(Duration.ofMillis(1), fair);
        Recorder rec = Recorder.start("gil");
        int threads = 4;
        AtomicInteger inside = new AtomicInteger(), most = new AtomicInteger();
        java.util.Set<String> entered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            ts.add(Thread.ofPlatform().name("t" + k).start(() -> {
                try {
                    ready.countDown();
                    ready.await();
                    rec.begin(rec.task(Thread.currentThread().getName()));
                    gil.run(() -> {
                        long until = System.nanoTime() + 60_000_000;
                        // keep going until every thread had the GIL, however the OS schedules us
                        while (System.nanoTime() < until || entered.size() < threads) {
                            entered.add(Thread.currentThread().getName());
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            bytecodes();
                            inside.decrementAndGet();
                            Gil.checkpoint();
                        }
                    });
                    rec.end();
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        for (Thread t : ts) t.join(TimeUnit.SECONDS.toMillis(60));
        assertNull(failure.get());
        assertEquals(1, most.get(), "holders counted inside the GIL");
        assertEquals(threads, entered.size(), "every thread had the GIL");
        // the first holder kept computing until all had entered: it was asked to hand over
        assertTrue(gil.forcedSwitches() >= 1, "waiters asked for the GIL and got it: " + gil.forcedSwitches());
        Trace trace = rec.stop();
        long blocked = trace.spans().stream().filter(s -> s.state() == SpanState.BLOCKED).count();
        assertTrue(blocked >= threads - 1, "waits for the GIL are recorded as BLOCKED spans: " + blocked);
    }

    @Test
    void blocking_work_releases_the_gil() throws Exception {
        Gil gil = new Gil();
        CountDownLatch otherHadIt = new CountDownLatch(1), holding = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = Thread.ofPlatform().start(() -> {
            try {
                gil.run(() -> {
                    holding.countDown();
                    Gil.blocking(() -> assertTrue(otherHadIt.await(30, TimeUnit.SECONDS), "GIL not released"));
                    assertTrue(gil.heldByCurrentThread(), "taken back after blocking");
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        holding.await();
        gil.run(otherHadIt::countDown);
        a.join();
        assertNull(failure.get());
        assertFalse(gil.heldByCurrentThread());
    }

    @Test
    void cpu_work_offers_the_gil_between_slices() throws Exception {
        Gil gil = new Gil(Duration.ofMillis(2), false);
        Cpu.stepsPerNano();
        CountDownLatch holding = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = Thread.ofPlatform().start(() -> {
            try {
                gil.run(() -> {
                    holding.countDown();
                    Cpu.compute(Duration.ofSeconds(30)); // until interrupted
                });
            } catch (InterruptedException expected) {
                // stopped below
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        holding.await();
        gil.run(() -> {}); // waits at most a couple of intervals: the holder drops it at a checkpoint
        a.interrupt();
        a.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(a.isAlive());
        assertNull(failure.get());
        assertTrue(gil.forcedSwitches() >= 1);
    }

    @Test
    void release_by_a_non_holder_fails_and_reentry_is_refused() throws Exception {
        Gil gil = new Gil();
        assertThrows(IllegalMonitorStateException.class, gil::release);
        gil.acquire();
        assertThrows(IllegalStateException.class, gil::acquire);
        gil.release();
        assertThrows(IllegalArgumentException.class, () -> new Gil(Duration.ZERO, false));
        assertEquals(Duration.ofMillis(5), new Gil().switchInterval());
        List<Span> none = Recorder.start("x").stop().spans();
        assertTrue(none.isEmpty());
    }
}
