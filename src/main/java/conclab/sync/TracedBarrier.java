package conclab.sync;

import conclab.trace.SpanState;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CyclicBarrier} whose waits are recorded as {@link SpanState#WAITING}, with the counter
 * {@code "<name> waiting"} (parties arrived in the current round). Actions before {@code await()}
 * happen-before actions after it returns in the other parties. Made by {@link conclab.Lab#barrier}.
 */
public final class TracedBarrier extends Traced {

    private final CyclicBarrier barrier;

    /** A barrier for {@code parties} threads. */
    public TracedBarrier(String name, int parties) {
        super(name);
        this.barrier = new CyclicBarrier(parties);
    }

    /** Waits until every party arrived; returns the arrival index (parties - 1 for the first, 0 for the last). */
    public int await() throws InterruptedException, BrokenBarrierException {
        counter("waiting", barrier.getNumberWaiting() + 1);
        SpanState before = enter(SpanState.WAITING);
        try {
            return barrier.await();
        } finally {
            restore(before);
        }
    }

    /** As {@link #await()}, at most {@code timeout}. */
    public int await(long timeout, TimeUnit unit) throws InterruptedException, BrokenBarrierException, TimeoutException {
        counter("waiting", barrier.getNumberWaiting() + 1);
        SpanState before = enter(SpanState.WAITING);
        try {
            return barrier.await(timeout, unit);
        } finally {
            restore(before);
        }
    }

    /** Parties needed per round. */
    public int parties() {
        return barrier.getParties();
    }

    /** True if a party was interrupted or timed out. */
    public boolean isBroken() {
        return barrier.isBroken();
    }

    /** Sends this primitive's counters to {@code rec} from every thread; returns this. */
    @Override
    public TracedBarrier recordInto(conclab.trace.Recorder rec) {
        super.recordInto(rec);
        return this;
    }
}
