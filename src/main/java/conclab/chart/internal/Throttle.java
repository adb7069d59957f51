package conclab.chart.internal;

import java.util.function.LongSupplier;

/**
 * Lets an action through at most once per interval of an injectable nanosecond clock. Thread-safe:
 * {@link #tryAcquire()} is synchronized (updates are rare and cheap next to rendering).
 */
public final class Throttle {

    private final LongSupplier clock;
    private final long intervalNanos;
    /* guarded by this */
    private long last;
    private boolean any;

    public Throttle(LongSupplier clock, long intervalNanos) {
        this.clock = clock;
        this.intervalNanos = intervalNanos;
    }

    /** True (and the interval restarts) when the interval since the last acquisition has passed. */
    public synchronized boolean tryAcquire() {
        long now = clock.getAsLong();
        if (any && now - last < intervalNanos) return false;
        any = true;
        last = now;
        return true;
    }

    /** Records an action that happened regardless of the throttle (a first show, a final update). */
    public synchronized void force() {
        any = true;
        last = clock.getAsLong();
    }
}
