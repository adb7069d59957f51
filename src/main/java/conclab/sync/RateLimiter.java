package conclab.sync;

import conclab.trace.SpanState;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket: tokens accrue at {@code perSecond} up to {@code burst}; each permit takes one. Over
 * any time t from its creation it grants at most {@code burst + perSecond × t} permits; the bucket starts
 * full. Waits for a token are recorded as {@link SpanState#WAITING}, the counter {@code "<name> granted"}
 * counts permits. {@link #tryAcquire()} never blocks. Made by {@link conclab.Lab#rateLimiter}.
 *
 * <p>Memory consistency: as a lock; actions before a grant happen-before actions after later grants.
 */
public final class RateLimiter extends Traced {

    private final double perNano;
    private final int burst;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition refill = lock.newCondition();
    /** Tokens available at {@link #stamp}. Guarded by lock. */
    private double tokens;
    /** When {@link #tokens} was last brought up to date, nanoTime. Guarded by lock. */
    private long stamp;
    /** Permits granted. Guarded by lock. */
    private long granted;

    /** A limiter of {@code perSecond} permits a second, at most {@code burst} at once. */
    public RateLimiter(String name, double perSecond, int burst) {
        super(name);
        if (!(perSecond > 0) || burst < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.rate_limiter"));
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.stamp = System.nanoTime();
    }

    private void refillLocked(long now) {
        tokens = Math.min(burst, tokens + (now - stamp) * perNano);
        stamp = now;
    }

    /** Takes a permit, waiting for a token if needed. */
    public void acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            SpanState before = null;
            try {
                while (true) {
                    refillLocked(System.nanoTime());
                    if (tokens >= 1) break;
                    if (before == null) before = enter(SpanState.WAITING);
                    long wait = (long) Math.ceil((1 - tokens) / perNano);
                    refill.awaitNanos(Math.max(1000, wait));
                }
            } finally {
                if (before != null) restore(before);
            }
            grantLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Takes a permit if a token is there now; never blocks (beyond the lock's brief hold). */
    public boolean tryAcquire() {
        if (!lock.tryLock()) return false;
        try {
            refillLocked(System.nanoTime());
            if (tokens < 1) return false;
            grantLocked();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void grantLocked() {
        tokens -= 1;
        granted++;
        counter("granted", granted);
        refill.signal(); // the next waiter recomputes its wait
    }

    /** Permits granted so far. */
    public long granted() {
        lock.lock();
        try {
            return granted;
        } finally {
            lock.unlock();
        }
    }

    /** Permits per second. */
    public double perSecond() {
        return perNano * 1e9;
    }

    /** Bucket size. */
    public int burst() {
        return burst;
    }

    /** Waits at most {@code timeout} for a permit. */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            SpanState before = null;
            try {
                while (true) {
                    long now = System.nanoTime();
                    refillLocked(now);
                    if (tokens >= 1) break;
                    long wait = (long) Math.ceil((1 - tokens) / perNano);
                    if (now + wait > deadline) return false;
                    if (before == null) before = enter(SpanState.WAITING);
                    refill.awaitNanos(Math.max(1000, wait));
                }
            } finally {
                if (before != null) restore(before);
            }
            grantLocked();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends this primitive's counters to {@code rec} from every thread; returns this. */
    @Override
    public RateLimiter recordInto(conclab.trace.Recorder rec) {
        super.recordInto(rec);
        return this;
    }
}
