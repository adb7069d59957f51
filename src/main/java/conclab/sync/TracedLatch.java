package conclab.sync;

import conclab.trace.SpanState;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CountDownLatch} whose waits are recorded as {@link SpanState#WAITING} and whose count is
 * recorded as the counter {@code "<name> count"}. Actions before {@code countDown()} happen-before
 * actions after the {@code await()} it releases. Made by {@link conclab.Lab#latch(String, int)}.
 */
public final class TracedLatch extends Traced {

    private final CountDownLatch latch;

    /** A latch that opens after {@code count} count-downs. */
    public TracedLatch(String name, int count) {
        super(name);
        this.latch = new CountDownLatch(count);
    }

    /** Counts down; opens the latch at zero. */
    public void countDown() {
        latch.countDown();
        counter("count", latch.getCount());
    }

    /** Waits until the latch is open. */
    public void await() throws InterruptedException {
        if (latch.getCount() == 0) return;
        SpanState before = enter(SpanState.WAITING);
        try {
            latch.await();
        } finally {
            restore(before);
        }
    }

    /** Waits at most {@code timeout}; true if the latch opened. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        if (latch.getCount() == 0) return true;
        SpanState before = enter(SpanState.WAITING);
        try {
            return latch.await(timeout, unit);
        } finally {
            restore(before);
        }
    }

    /** The count now. */
    public long count() {
        return latch.getCount();
    }

    /** Sends this primitive's counters to {@code rec} from every thread; returns this. */
    @Override
    public TracedLatch recordInto(conclab.trace.Recorder rec) {
        super.recordInto(rec);
        return this;
    }
}
