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
        this.acquiring = new Acquiring(lock, fair) {
            SpanState blocked() { return enter(SpanState.BLOCKED); }
            void restore(SpanState before) { Traced.restore(before); }
            void held() { TracedLock.this.held(); }
            void contended() { contended.incrementAndGet(); }
            public void unlock() { TracedLock.this.unlock(); }
            public Condition newCondition() { return TracedLock.this.newCondition(); }
        };
    }

    /* The acquisition protocol, shared with TracedReadWriteLock; records into this primitive. */
    private final Acquiring acquiring;

    @Override
    public void lock() {
        acquiring.lock();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquiring.lockInterruptibly();
    }

    /** Takes the lock if free now; never blocks. */
    @Override
    public boolean tryLock() {
        return acquiring.tryLock();
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquiring.tryLock(time, unit);
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
