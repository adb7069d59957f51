package conclab.check;

import conclab.task.WaitWhenFull;
import conclab.task.Work;
import conclab.trace.Recorder;

import conclab.sync.RateLimiter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** Each probe on a right answer and on the wrong answers it exists to catch. */
class ProbesTest {

    @Test
    void back_pressure_passes_a_bounded_queue_whose_producer_waits() {
        var v = Probes.backPressure(new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(5), new WaitWhenFull()), 2, 5);
        assertTrue(v.ok(), v.why());
    }

    @Test
    void back_pressure_fails_an_unbounded_queue_a_refusal_and_caller_runs() {
        assertFalse(Probes.backPressure(new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new WaitWhenFull()), 2, 5).ok());
        assertFalse(Probes.backPressure(new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(5)), 2, 5).ok());
        assertFalse(Probes.backPressure(new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(5), new ThreadPoolExecutor.CallerRunsPolicy()), 2, 5).ok());
        assertFalse(Probes.backPressure(new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4), new WaitWhenFull()), 2, 5).ok(), "a queue of the wrong size");
    }

    @Test
    void back_pressure_fails_a_producer_that_spins_for_room() {
        var v = Probes.backPressure(new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(5), (job, pool) -> {
                    while (!pool.getQueue().offer(job)) Thread.onSpinWait();
                }), 2, 5);
        assertFalse(v.ok(), v.why());
        assertTrue(v.why().contains("CPU"), v.why());
    }

    @Test
    void semaphore_limit_fails_acquire_inside_the_try_and_passes_acquire_uninterruptibly() {
        // an interrupted acquire() then release() in finally gives back a permit it never got
        var inside = Probes.semaphoreLimit((s, q) -> i -> {
            try { s.acquire(); q.run(i); } finally { s.release(); }
        }, 3);
        assertFalse(inside.ok(), inside.why());
        var uninterruptibly = Probes.semaphoreLimit((s, q) -> i -> {
            s.acquireUninterruptibly();
            try { q.run(i); } finally { s.release(); }
        }, 3);
        assertTrue(uninterruptibly.ok(), uninterruptibly.why());
    }

    @Test
    void semaphore_limit_passes_acquire_with_release_in_finally() {
        var v = Probes.semaphoreLimit((s, q) -> i -> {
            s.acquire();
            try { q.run(i); } finally { s.release(); }
        }, 3);
        assertTrue(v.ok(), v.why());
    }

    @Test
    void semaphore_limit_fails_a_lost_permit_a_dropped_task_a_lock_and_no_limit() {
        var leak = Probes.semaphoreLimit((s, q) -> i -> { s.acquire(); q.run(i); s.release(); }, 3);
        assertFalse(leak.ok(), leak.why());
        var drop = Probes.semaphoreLimit((s, q) -> i -> {
            if (s.tryAcquire()) try { q.run(i); } finally { s.release(); }
        }, 3);
        assertFalse(drop.ok(), drop.why());
        Object lock = new Object();
        var serial = Probes.semaphoreLimit((s, q) -> i -> { synchronized (lock) { q.run(i); } }, 3);
        assertFalse(serial.ok(), serial.why());
        var none = Probes.semaphoreLimit((s, q) -> q, 3);
        assertFalse(none.ok(), none.why());
        var perCall = Probes.semaphoreLimit((s, q) -> i -> {
            Semaphore mine = new Semaphore(3);
            mine.acquire();
            try { q.run(i); } finally { mine.release(); }
        }, 3);
        assertFalse(perCall.ok(), perCall.why());
        for (int round = 0; round < 3; round++) {   // the right size, but not the semaphore it was given
            var copy = Probes.semaphoreLimit((s, q) -> {
                Semaphore mine = new Semaphore(s.availablePermits());
                return i -> {
                    mine.acquire();
                    try { q.run(i); } finally { mine.release(); }
                };
            }, 3);
            assertFalse(copy.ok(), copy.why());
            assertTrue(copy.why().contains("semaphore of their own"), copy.why());
        }
    }

    @Test
    void rate_limit_passes_acquire_and_fails_try_acquire_and_acquire_after() {
        var ok = Probes.rateLimit((api, call) -> i -> { api.acquire(); call.run(i); }, 40, 2, 10);
        assertTrue(ok.ok(), ok.why());
        var drop = Probes.rateLimit((api, call) -> i -> { if (api.tryAcquire()) call.run(i); }, 40, 2, 10);
        assertFalse(drop.ok(), drop.why());
        var after = Probes.rateLimit((api, call) -> i -> { call.run(i); api.acquire(); }, 40, 2, 10);
        assertFalse(after.ok(), after.why());
    }

    @Test
    void virtual_per_task_passes_an_executor_closed_and_fails_a_leak_a_pool_and_a_loop() {
        var ok = Probes.virtualPerTask(tasks -> {
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) { tasks.forEach(ex::submit); }
        }, 300);
        assertTrue(ok.ok(), ok.why());
        var leak = Probes.virtualPerTask(tasks -> {
            var ex = Executors.newVirtualThreadPerTaskExecutor();
            tasks.forEach(ex::submit);
        }, 300);
        assertFalse(leak.ok(), leak.why());
        var pool = Probes.virtualPerTask(tasks -> {
            try (var ex = Executors.newFixedThreadPool(300)) { tasks.forEach(ex::submit); }
        }, 300);
        assertFalse(pool.ok(), pool.why());
        var loop = Probes.virtualPerTask(tasks -> {
            for (Runnable t : tasks) {
                try { Thread.ofVirtual().start(t).join(); } catch (InterruptedException e) { return; }
            }
        }, 300);
        assertFalse(loop.ok(), loop.why());
    }

    @Test
    void virtual_per_task_fails_a_sleep_and_a_busy_loop_and_passes_a_latch() {
        var sleep = Probes.virtualPerTask(tasks -> {
            tasks.forEach(Thread::startVirtualThread);
            try { Thread.sleep(1000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }, 300);
        assertFalse(sleep.ok(), sleep.why());
        var spin = Probes.virtualPerTask(tasks -> {
            var done = new java.util.concurrent.atomic.AtomicInteger();
            for (Runnable t : tasks) Thread.startVirtualThread(() -> { t.run(); done.incrementAndGet(); });
            while (done.get() < tasks.size()) Thread.onSpinWait();
        }, 300);
        assertFalse(spin.ok(), spin.why());
        var latch = Probes.virtualPerTask(tasks -> {
            var done = new java.util.concurrent.CountDownLatch(tasks.size());
            for (Runnable t : tasks) Thread.startVirtualThread(() -> { try { t.run(); } finally { done.countDown(); } });
            try { done.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }, 300);
        assertTrue(latch.ok(), latch.why());
    }

    @Test
    void bounded_in_order_passes_map_concurrent_and_fails_a_parallel_stream_and_no_bound() {
        var ok = Probes.boundedInOrder((n, fetch) -> IntStream.range(0, n).boxed()
                .gather(java.util.stream.Gatherers.mapConcurrent(8, fetch::apply)).toList(), 40, 8);
        assertTrue(ok.ok(), ok.why());
        var parallel = Probes.boundedInOrder((n, fetch) -> IntStream.range(0, n).parallel().mapToObj(fetch).toList(), 40, 8);
        assertFalse(parallel.ok(), parallel.why());
        var unbounded = Probes.boundedInOrder((n, fetch) -> IntStream.range(0, n).boxed()
                .gather(java.util.stream.Gatherers.mapConcurrent(n, fetch::apply)).toList(), 40, 8);
        assertFalse(unbounded.ok(), unbounded.why());
        IntFunction<String>[] keep = new IntFunction[1];
        var unordered = Probes.boundedInOrder((n, fetch) -> {
            List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());
            Semaphore s = new Semaphore(8);
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    int k = i;
                    ex.submit(() -> {
                        s.acquire();
                        try { out.add(fetch.apply(k)); } finally { s.release(); }
                        return null;
                    });
                }
            }
            return out;
        }, 40, 8);
        assertFalse(unordered.ok(), unordered.why());
        var chunks = Probes.boundedInOrder((n, fetch) -> {   // 8 started, all 8 awaited, then the next 8
            List<String> out = new ArrayList<>();
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int start = 0; start < n; start += 8) {
                    var chunk = new ArrayList<java.util.concurrent.Future<String>>();
                    for (int i = start; i < Math.min(n, start + 8); i++) {
                        int k = i;
                        chunk.add(ex.submit(() -> fetch.apply(k)));
                    }
                    for (var f : chunk) out.add(f.get());
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            return out;
        }, 40, 8);
        assertFalse(chunks.ok(), chunks.why());
        assertTrue(chunks.why().contains("chunks of 8"), chunks.why());
    }

    @Test
    void pool_size_passes_rounding_up_and_fails_rounding_to_nearest_and_a_table() {
        var ok = Probes.poolSize((rate, lat) -> (int) Math.ceil(rate * lat.toNanos() / 1e9 / 0.8), 0.8);
        assertTrue(ok.ok(), ok.why());
        assertFalse(Probes.poolSize((rate, lat) -> (int) Math.round(rate * lat.toNanos() / 1e9 / 0.8), 0.8).ok());
        assertFalse(Probes.poolSize((rate, lat) -> rate == 100 ? 7 : rate == 300 ? 8 : rate == 30 ? 38 : rate == 10 ? 1
                : rate == 250 ? 2 : 2, 0.8).ok());
    }

    @Test
    void the_case_lists_stop_at_the_first_failure() {
        var v = Probes.backPressure((w, c) -> new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(20), new WaitWhenFull()), new int[]{2, 20}, new int[]{3, 5});
        assertFalse(v.ok(), "right for (2, 20) only");
        assertTrue(v.why().contains("workers 3"), v.why());
    }

    static final Probes.SlowStore STORE = new Probes.SlowStore(Duration.ofMillis(300));
    static final Object LOCK = new Object();
    static String cached;

    static final class Holder {
        static final String VALUE;
        static {
            try {
                VALUE = STORE.load();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void lazy_passes_synchronized_and_fails_a_class_initialiser_and_no_lock() {
        var sync = Probes.lazyWithoutPinning(() -> {
            synchronized (LOCK) {
                if (cached == null) cached = STORE.load();
                return cached;
            }
        }, STORE);
        assertTrue(sync.ok(), sync.why());
        var holder = Probes.lazyWithoutPinning(() -> Holder.VALUE, STORE);
        assertFalse(holder.ok(), holder.why());
        String[] racy = new String[1];
        var noLock = Probes.lazyWithoutPinning(() -> {
            if (racy[0] == null) racy[0] = STORE.load();
            return racy[0];
        }, STORE);
        assertFalse(noLock.ok(), noLock.why());
    }
}
