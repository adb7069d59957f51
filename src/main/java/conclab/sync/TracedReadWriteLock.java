package conclab.sync;

import conclab.trace.SpanState;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link ReentrantReadWriteLock} that records waits for either lock as {@link SpanState#BLOCKED},
 * holds as {@link SpanState#HOLDING_LOCK}, and the counter {@code "<name> readers"} (read holds now).
 * It behaves exactly as the lock it wraps: many readers or one writer; a write unlock happens-before
 * every later read or write lock. {@code tryLock()} never blocks. Made by
 * {@link conclab.Lab#readWriteLock(String)}.
 */
public final class TracedReadWriteLock extends Traced implements ReadWriteLock {

    private final ReentrantReadWriteLock rw;
    private final Lock read, write;

    /** A read-write lock named {@code name}; {@code fair} serves waiters in arrival order. */
    public TracedReadWriteLock(String name, boolean fair) {
        super(name);
        this.rw = new ReentrantReadWriteLock(fair);
        this.read = new View(rw.readLock(), true, fair);
        this.write = new View(rw.writeLock(), false, fair);
    }

    @Override
    public Lock readLock() {
        return read;
    }

    @Override
    public Lock writeLock() {
        return write;
    }

    /** Read holds now, over all threads. */
    public int readers() {
        return rw.getReadLockCount();
    }

    /** True if some thread holds the write lock. */
    public boolean isWriteLocked() {
        return rw.isWriteLocked();
    }

    private boolean heldByMe() {
        return rw.getReadHoldCount() > 0 || rw.isWriteLockedByCurrentThread();
    }

    /** One side of the lock, recording as the class says. */
    private final class View extends Acquiring {
        private final boolean reader;

        View(Lock lock, boolean reader, boolean fair) {
            super(lock, fair);
            this.reader = reader;
        }

        @Override
        SpanState blocked() {
            return enter(SpanState.BLOCKED);
        }

        @Override
        void restore(SpanState before) {
            Traced.restore(before);
        }

        @Override
        void held() {
            enter(SpanState.HOLDING_LOCK);
            if (reader) counter("readers", rw.getReadLockCount());
        }

        @Override
        public void unlock() {
            lock.unlock();
            if (reader) counter("readers", rw.getReadLockCount());
            if (!heldByMe()) restore(SpanState.RUNNING);
        }

        @Override
        public Condition newCondition() {
            return lock.newCondition(); // write lock only, as ReentrantReadWriteLock; waits not recorded
        }
    }

    /** Sends this primitive's counters to {@code rec} from every thread; returns this. */
    @Override
    public TracedReadWriteLock recordInto(conclab.trace.Recorder rec) {
        super.recordInto(rec);
        return this;
    }
}
