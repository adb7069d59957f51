package conclab.sync;

import conclab.trace.SpanState;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Semaphore} that records waits for permits as {@link SpanState#WAITING} and the counter
 * {@code "<name> in use"} (permits taken) after every change. Behaves as the semaphore it wraps
 * (a release happens-before a successful acquire). {@code tryAcquire()} never blocks.
 * Made by {@link conclab.Lab#semaphore(String, int)}.
 */
public final class TracedSemaphore extends Traced {

    private final Semaphore semaphore;
    private final int permits;

    /** A semaphore of {@code permits} permits, not fair. */
    public TracedSemaphore(String name, int permits) {
        super(name);
        if (permits < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.permits_negative"));
        this.permits = permits;
        this.semaphore = new Semaphore(permits);
    }

    /** Takes a permit, waiting (recorded) if none is free. */
    public void acquire() throws InterruptedException {
        if (!semaphore.tryAcquire()) {
            SpanState before = enter(SpanState.WAITING);
            try {
                semaphore.acquire();
            } finally {
                restore(before);
            }
        }
        counter("in use", permits - semaphore.availablePermits());
    }

    /** Takes a permit if one is free now; never blocks. */
    public boolean tryAcquire() {
        boolean ok = semaphore.tryAcquire();
        if (ok) counter("in use", permits - semaphore.availablePermits());
        return ok;
    }

    /** Takes a permit, waiting at most {@code timeout}. */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        boolean ok = semaphore.tryAcquire();
        if (!ok) {
            SpanState before = enter(SpanState.WAITING);
            try {
                ok = semaphore.tryAcquire(timeout, unit);
            } finally {
                restore(before);
            }
        }
        if (ok) counter("in use", permits - semaphore.availablePermits());
        return ok;
    }

    /** Returns a permit. */
    public void release() {
        semaphore.release();
        counter("in use", permits - semaphore.availablePermits());
    }

    /** Permits free now. */
    public int availablePermits() {
        return semaphore.availablePermits();
    }

    /** Permits given at construction. */
    public int permits() {
        return permits;
    }

    /** Sends this primitive's counters to {@code rec} from every thread; returns this. */
    @Override
    public TracedSemaphore recordInto(conclab.trace.Recorder rec) {
        super.recordInto(rec);
        return this;
    }
}
