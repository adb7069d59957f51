package conclab.chart.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets an action through at most once per interval of an injectable nanosecond clock.
 *
 * <p>Lock-free: callers race on one compare-and-set of the last acquisition time, so many worker
 * threads reporting progress never wait on each other; at most one of them wins per interval.
 */
public final class Throttle {

    private static final long NEVER = Long.MIN_VALUE;

    private final LongSupplier clock;
    private final long intervalNanos;
    private final AtomicLong last = new AtomicLong(NEVER);

    public Throttle(LongSupplier clock, long intervalNanos) {
        this.clock = clock;
        this.intervalNanos = intervalNanos;
    }

    /** True (and the interval restarts) when the interval since the last acquisition has passed. */
    public boolean tryAcquire() {
        long now = clock.getAsLong();
        long prev = last.get();
        if (prev != NEVER && now - prev < intervalNanos) return false;
        return last.compareAndSet(prev, now);
    }

    /** Records an action that happened regardless of the throttle (a first show, a final update). */
    public void force() {
        last.set(clock.getAsLong());
    }
}
