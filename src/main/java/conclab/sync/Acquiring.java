package conclab.sync;

import conclab.trace.SpanState;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * How the traced locks ({@link TracedLock}, either side of {@link TracedReadWriteLock}) acquire the lock
 * they wrap, recording it. Each blocking method first tries to take the lock without waiting, to tell
 * free acquisitions from contended ones (recorded as {@link SpanState#BLOCKED} while they wait), then
 * waits exactly as the wrapped lock does.
 *
 * <p>The wrapped lock's untimed {@code tryLock()} barges even when the lock is fair: it would take a free
 * lock ahead of the threads queued for it. A fair lock's fast path is therefore {@code tryLock(0,
 * NANOSECONDS)}, which honours the queue; only {@link #tryLock()} itself barges, as the JDK's does.
 *
 * <p>Subclasses say what to record: {@link #blocked()}, {@link #restore}, {@link #held()}, and
 * {@link #unlock()} and {@link #newCondition()}.
 */
abstract class Acquiring implements Lock {

    final Lock lock;
    private final boolean fair;

    Acquiring(Lock lock, boolean fair) {
        this.lock = lock;
        this.fair = fair;
    }

    /** Records that the calling thread waits for the lock; returns the state to restore if it gives up. */
    abstract SpanState blocked();

    /** Records that the calling thread gave up waiting, back in {@code before}. */
    abstract void restore(SpanState before);

    /** Records that the calling thread has just acquired the lock. */
    abstract void held();

    /** Counts an acquisition that had to wait (nothing by default). */
    void contended() {}

    /** Takes the lock if that needs no waiting, without passing threads queued on a fair lock. */
    private boolean acquiredAtOnce() throws InterruptedException {
        return fair ? lock.tryLock(0, TimeUnit.NANOSECONDS) : lock.tryLock();
    }

    @Override
    public void lock() {
        boolean now, interrupted = false;
        try {
            now = acquiredAtOnce();
        } catch (InterruptedException e) {   // lock() ignores interrupts: keep the status, wait as usual
            interrupted = true;
            now = false;
        }
        if (!now) {
            contended();
            blocked();
            lock.lock();
        }
        if (interrupted) Thread.currentThread().interrupt();
        held();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (!acquiredAtOnce()) {
            contended();
            SpanState before = blocked();
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
        contended();
        SpanState before = blocked();
        boolean ok = false;
        try {
            ok = lock.tryLock(time, unit);
        } finally {
            if (ok) held();
            else restore(before);
        }
        return ok;
    }
}
