package conclab.sync;

import conclab.trace.SpanState;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ReentrantLock} that records what it does: time spent waiting for it is a
 * {@link SpanState#BLOCKED} span of the waiting task, time holding it a {@link SpanState#HOLDING_LOCK}
 * span, and waits on its conditions {@link SpanState#WAITING}. It behaves exactly as the
 * {@code ReentrantLock} it wraps (same memory effects: an unlock happens-before every later lock), fairness
 * included: a fair lock goes to the longest waiter in {@link #lock()}, {@link #lockInterruptibly()} and
 * {@link #tryLock(long, TimeUnit)}; as in {@code ReentrantLock}, only the untimed {@link #tryLock()} may take
 * a free fair lock ahead of waiting threads. {@code tryLock()} never blocks. Made by
 * {@link conclab.Lab#lock(String)}.
 */
public final class TracedLock extends Traced implements Lock {

    private final ReentrantLock lock;
    private final AtomicLong acquisitions = new AtomicLong(), contended = new AtomicLong();

    /** A lock named {@code name}; {@code fair} hands it to the longest waiter. */
    public TracedLock(String name, boolean fair) {
        super(name);
        this.lock = new ReentrantLock(fair);
    }

    /*
     * Each blocking method first tries to take the lock without waiting, to tell contended acquisitions
     * (recorded as BLOCKED) from free ones. ReentrantLock.tryLock() barges even on a fair lock, which
     * would take the lock ahead of the threads queued for it; a fair lock's fast path is therefore
     * tryLock(0, NANOSECONDS), which honours the queue.
     */

    /** Takes the lock if that needs no waiting, without passing threads queued on a fair lock. */
    private boolean acquiredAtOnce() throws InterruptedException {
        return lock.isFair() ? lock.tryLock(0, TimeUnit.NANOSECONDS) : lock.tryLock();
    }

    @Override
    public void lock() {
        boolean now, interrupted = false;
        try {
            now = acquiredAtOnce();
        } catch (InterruptedException e) { // lock() ignores interrupts: keep the status, wait as usual
            interrupted = true;
            now = false;
        }
        if (!now) {
            contended.incrementAndGet();
            enter(SpanState.BLOCKED);
            lock.lock();
        }
        if (interrupted) Thread.currentThread().interrupt();
        held();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (!acquiredAtOnce()) {
            contended.incrementAndGet();
            SpanState before = enter(SpanState.BLOCKED);
            try {
                lock.lockInterruptibly();
            } catch (InterruptedException e) {
                restore(before);
                throw e;
            }
        }
        held();
    }

    /** Takes the lock if free now; never blocks. */
    @Override
    public boolean tryLock() {
        if (!lock.tryLock()) return false;
        held();
        return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (acquiredAtOnce()) {
            held();
            return true;
        }
        contended.incrementAndGet();
        SpanState before = enter(SpanState.BLOCKED);
        boolean ok = false;
        try {
            ok = lock.tryLock(time, unit);
        } finally {
            if (ok) held();
            else restore(before);
        }
        return ok;
    }

    @Override
    public void unlock() {
        lock.unlock();
        if (!lock.isHeldByCurrentThread()) restore(SpanState.RUNNING);
    }

    private void held() {
        acquisitions.incrementAndGet();
        enter(SpanState.HOLDING_LOCK);
    }

    /** A condition of this lock whose waits are recorded as WAITING. */
    @Override
    public Condition newCondition() {
        Condition c = lock.newCondition();
        return new Condition() {
            public void await() throws InterruptedException {
                enter(SpanState.WAITING);
                try { c.await(); } finally { restore(SpanState.HOLDING_LOCK); }
            }
            public void awaitUninterruptibly() {
                enter(SpanState.WAITING);
                try { c.awaitUninterruptibly(); } finally { restore(SpanState.HOLDING_LOCK); }
            }
            public long awaitNanos(long n) throws InterruptedException {
                enter(SpanState.WAITING);
                try { return c.awaitNanos(n); } finally { restore(SpanState.HOLDING_LOCK); }
            }
            public boolean await(long t, TimeUnit u) throws InterruptedException {
                enter(SpanState.WAITING);
                try { return c.await(t, u); } finally { restore(SpanState.HOLDING_LOCK); }
            }
            public boolean awaitUntil(java.util.Date d) throws InterruptedException {
                enter(SpanState.WAITING);
                try { return c.awaitUntil(d); } finally { restore(SpanState.HOLDING_LOCK); }
            }
            public void signal() { c.signal(); }
            public void signalAll() { c.signalAll(); }
        };
    }

    /** True if this lock goes to the longest-waiting thread. */
    public boolean isFair() {
        return lock.isFair();
    }

    /** True if the calling thread holds the lock. */
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Acquisitions so far. */
    public long acquisitions() {
        return acquisitions.get();
    }

    /** Acquisitions that had to wait. */
    public long contended() {
        return contended.get();
    }

    /** Sends this primitive's counters to {@code rec} from every thread; returns this. */
    @Override
    public TracedLock recordInto(conclab.trace.Recorder rec) {
        super.recordInto(rec);
        return this;
    }
}
