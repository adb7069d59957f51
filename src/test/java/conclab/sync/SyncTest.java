package conclab.sync;

import conclab.trace.CounterSample;
import conclab.trace.Recorder;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class SyncTest {

    private static double maxOf(Trace t, String counter) {
        return t.counters().stream().filter(c -> c.name().equals(counter)).mapToDouble(CounterSample::value)
                .max().orElse(-1);
    }

    @Test
    void a_semaphore_never_exceeds_its_permits_under_1000_tasks() throws Exception {
        Recorder rec = Recorder.start("sem");
        TracedSemaphore sem = new TracedSemaphore("db", 3);
        sem.recordInto(rec);
        AtomicInteger inside = new AtomicInteger(), most = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ts.add(Thread.ofVirtual().start(() -> {
                try {
                    sem.acquire();
                    try {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                    } finally {
                        sem.release();
                    }
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        Trace trace = rec.stop();
        assertTrue(most.get() >= 1 && most.get() <= 3, "holders at once: " + most.get());
        double recorded = maxOf(trace, "db in use");
        assertTrue(recorded >= 1 && recorded <= 3, "recorded in use: " + recorded);
        assertEquals(2000, trace.counters().size(), "one sample per acquire and per release");
        assertEquals(3, sem.availablePermits());
    }

    @Test
    void a_bounded_queue_records_its_depth_never_above_capacity_and_loses_nothing() throws Exception {
        Recorder rec = Recorder.start("queue");
        TracedQueue<Integer> q = TracedQueue.bounded("jobs", 5);
        q.recordInto(rec);
        int producers = 4, perProducer = 500;
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        List<Thread> ts = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            ts.add(Thread.ofPlatform().start(() -> {
                rec.begin(rec.task("producer"));
                try {
                    for (int i = 0; i < perProducer; i++) q.put(base + i);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                } finally {
                    rec.end();
                }
            }));
        }
        AtomicInteger taken = new AtomicInteger();
        for (int c = 0; c < 2; c++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        Integer v = q.poll(5, TimeUnit.SECONDS);
                        if (v == null || v < 0) return;
                        seen.incrementAndGet(v);
                        if (taken.incrementAndGet() == producers * perProducer) {
                            q.put(-1);
                            q.put(-1);
                        }
                    }
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        for (int i = 0; i < seen.length(); i++) assertEquals(1, seen.get(i), "item " + i);
        Trace trace = rec.stop();
        double max = maxOf(trace, "jobs depth");
        assertTrue(max >= 1 && max <= 5, "recorded depth " + max);
        assertTrue(trace.counters().size() >= 2 * producers * perProducer);
        assertTrue(trace.spans().stream().anyMatch(s -> s.state() == SpanState.WAITING),
                "producers waited on the full queue");
    }

    @Test
    void the_token_bucket_never_grants_more_than_rate_times_t_plus_burst() throws Exception {
        double rate = 200;
        int burst = 5, permits = 60;
        long t0 = System.nanoTime(); // before creation: elapsed times measured from here are larger
        RateLimiter limiter = new RateLimiter("api", rate, burst);
        List<Long> grants = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(permits);
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    while (left.getAndDecrement() > 0) {
                        limiter.acquire();
                        grants.add(System.nanoTime() - t0);
                    }
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        assertEquals(permits, grants.size());
        assertEquals(permits, limiter.granted());
        List<Long> sorted = new ArrayList<>(grants);
        Collections.sort(sorted);
        for (int k = 0; k < sorted.size(); k++) {
            double allowed = burst + rate * sorted.get(k) / 1e9;
            assertTrue(k + 1 <= allowed + 1e-9, (k + 1) + " grants by " + sorted.get(k) / 1e6 + " ms, allowed " + allowed);
        }
        // it is not just slow: the last grant came well before twice the minimum time
        assertTrue(sorted.getLast() < 2 * (permits - burst) / rate * 1e9 + 1e9);
    }

    @Test
    void try_acquire_on_an_empty_bucket_returns_false_at_once() {
        RateLimiter limiter = new RateLimiter("slow", 0.001, 1);
        assertTrue(limiter.tryAcquire());
        long t0 = System.nanoTime();
        assertFalse(limiter.tryAcquire());
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
    }

    @Test
    void a_fair_lock_goes_to_the_thread_that_waited_not_to_the_one_that_asks_again() throws Exception {
        for (boolean interruptible : new boolean[] {false, true}) {
            TracedLock lock = new TracedLock("fair", true);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            lock.lock();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    if (interruptible) lock.lockInterruptibly();
                    else lock.lock();
                } catch (InterruptedException e) {
                    return;
                }
                order.add("waiter");
                lock.unlock();
            });
            // the waiter is queued once it parks inside lock(); nothing else makes it wait
            while (waiter.getState() != Thread.State.WAITING) Thread.onSpinWait();
            lock.unlock();
            if (interruptible) lock.lockInterruptibly();
            else lock.lock(); // a barging fast path would get the lock back before the waiter
            order.add("owner again");
            lock.unlock();
            waiter.join();
            assertEquals(List.of("waiter", "owner again"), order, interruptible ? "lockInterruptibly" : "lock");
            assertEquals(3, lock.acquisitions());
        }
    }

    @Test
    void a_fair_read_write_lock_serves_a_queued_writer_before_a_reader_that_asks_again() throws Exception {
        TracedReadWriteLock rw = new TracedReadWriteLock("fair rw", true);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        rw.readLock().lock();
        Thread writer = Thread.ofPlatform().start(() -> {
            rw.writeLock().lock();
            order.add("writer");
            rw.writeLock().unlock();
        });
        // the writer is queued once it parks; nothing else makes it wait
        while (writer.getState() != Thread.State.WAITING) Thread.onSpinWait();
        rw.readLock().unlock();
        rw.readLock().lock();   // a barging fast path would take a read hold ahead of the queued writer
        order.add("reader again");
        rw.readLock().unlock();
        writer.join();
        assertEquals(List.of("writer", "reader again"), order);
    }

    @Test
    void lock_on_a_fair_lock_keeps_the_interrupt_status_and_still_locks() {
        TracedLock lock = new TracedLock("fair", true);
        Thread.currentThread().interrupt();
        try {
            lock.lock();
            assertTrue(lock.isHeldByCurrentThread());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
            if (lock.isHeldByCurrentThread()) lock.unlock();
        }
    }

    @Test
    void a_contended_lock_records_blocked_then_holding() throws Exception {
        Recorder rec = Recorder.start("lock");
        TracedLock lock = new TracedLock("L", false);
        lock.lock();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread b = Thread.ofPlatform().name("b").start(() -> {
            try {
                rec.begin(rec.task("b"));
                lock.lock();
                try {
                    assertTrue(lock.isHeldByCurrentThread());
                } finally {
                    lock.unlock();
                }
                rec.end();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        while (b.getState() != Thread.State.WAITING) Thread.onSpinWait(); // b is parked in lock()
        lock.unlock();
        b.join();
        assertNull(failure.get());
        List<SpanState> states = rec.stop().spans().stream().filter(s -> s.lane().equals("b"))
                .sorted((x, y) -> Long.compare(x.startNanos(), y.startNanos())).map(Span::state).toList();
        assertEquals(List.of(SpanState.RUNNING, SpanState.BLOCKED, SpanState.HOLDING_LOCK, SpanState.RUNNING), states);
        assertEquals(2, lock.acquisitions());
        assertEquals(1, lock.contended());
        assertTrue(lock.tryLock(), "free again");
        lock.unlock();
    }

    @Test
    void latch_and_barrier_behave_and_record_waits() throws Exception {
        Recorder rec = Recorder.start("latch");
        TracedLatch latch = new TracedLatch("start", 1);
        TracedBarrier barrier = new TracedBarrier("phase", 3);
        CountDownLatch arrived = new CountDownLatch(2);
        AtomicInteger passed = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            ts.add(Thread.ofPlatform().start(() -> {
                rec.begin(rec.task("w"));
                try {
                    arrived.countDown();
                    latch.await();
                    barrier.await();
                    passed.incrementAndGet();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                } finally {
                    rec.end();
                }
            }));
        }
        arrived.await();
        assertEquals(0, passed.get());
        latch.countDown();
        barrier.await(30, TimeUnit.SECONDS);
        for (Thread t : ts) t.join();
        assertEquals(2, passed.get());
        assertEquals(0, latch.count());
        assertTrue(latch.await(0, TimeUnit.SECONDS));
        assertTrue(rec.stop().spans().stream().anyMatch(s -> s.state() == SpanState.WAITING));
    }

    @Test
    void a_read_write_lock_lets_readers_share_and_records_them() throws Exception {
        Recorder rec = Recorder.start("rw");
        TracedReadWriteLock rw = new TracedReadWriteLock("cfg", false);
        rw.recordInto(rec);
        int readers = 3;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(readers);
        List<Thread> ts = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int k = 0; k < readers; k++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    rw.readLock().lock();
                    try {
                        together.await(30, TimeUnit.SECONDS); // all readers inside at once
                        assertFalse(rw.writeLock().tryLock(), "no writer while reading");
                    } finally {
                        rw.readLock().unlock();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        assertNull(failure.get());
        assertEquals(readers, maxOf(rec.stop(), "cfg readers"));
        assertTrue(rw.writeLock().tryLock());
        assertTrue(rw.isWriteLocked());
        rw.writeLock().unlock();
        assertEquals(0, rw.readers());
    }
}
