package conclab.services;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A small circuit breaker: after {@code threshold} failures in a row it <em>opens</em> and fails every call
 * at once, without calling, for {@code coolDown}; then it lets one trial call through (<em>half-open</em>):
 * a success closes it, a failure opens it again.
 *
 * <table>
 *   <caption>States</caption>
 *   <tr><th>state</th><th>a call</th><th>goes to</th></tr>
 *   <tr><td>CLOSED</td><td>runs</td><td>OPEN after {@code threshold} failures in a row</td></tr>
 *   <tr><td>OPEN</td><td>fails at once with {@link OpenException}</td><td>HALF_OPEN when the cool-down is over</td></tr>
 *   <tr><td>HALF_OPEN</td><td>one trial runs, the others fail at once</td><td>CLOSED on its success, OPEN on its failure</td></tr>
 * </table>
 *
 * <p>A call fails when it throws, or when {@code isFailure} says its result is one (an HTTP 503, say).
 * Thread-safe: the state is guarded by this object's monitor, held only to read or change it, never
 * during a call.
 */
public final class CircuitBreaker {

    /** The breaker's states. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** Thrown instead of calling while the breaker is open. */
    public static final class OpenException extends Exception {
        OpenException(String name) {
            super(name + ": circuit open, not calling", null, false, false);
        }
    }

    private final String name;
    private final int threshold;
    private final long coolDownNanos;
    // guarded by this
    private State state = State.CLOSED;
    private int failuresInARow;
    private long openedAt;
    private boolean trialRunning;
    private int rejected;

    public CircuitBreaker(String name, int threshold, Duration coolDown) {
        if (threshold < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.threshold_lt1"));
        this.name = name;
        this.threshold = threshold;
        this.coolDownNanos = coolDown.toNanos();
    }

    /** Runs {@code call} unless the breaker is open; a thrown exception counts as a failure. */
    public <T> T call(Callable<T> call) throws Exception {
        return call(call, result -> false);
    }

    /** Runs {@code call} unless the breaker is open; a thrown exception, or a result {@code isFailure} accepts, counts as a failure. */
    public <T> T call(Callable<T> call, java.util.function.Predicate<? super T> isFailure) throws Exception {
        boolean trial;
        synchronized (this) {
            if (state == State.OPEN && System.nanoTime() - openedAt >= coolDownNanos) state = State.HALF_OPEN;
            if (state == State.OPEN || (state == State.HALF_OPEN && trialRunning)) {
                rejected++;
                throw new OpenException(name);
            }
            trial = state == State.HALF_OPEN;
            if (trial) trialRunning = true;
        }
        boolean failed = true;
        try {
            T result = call.call();
            failed = isFailure.test(result);
            return result;
        } finally {
            record(failed, trial);
        }
    }

    private synchronized void record(boolean failed, boolean trial) {
        if (trial) trialRunning = false;
        if (!failed) {
            failuresInARow = 0;
            state = State.CLOSED;
        } else if (trial || ++failuresInARow >= threshold) {
            if (state != State.OPEN) openedAt = System.nanoTime();
            state = State.OPEN;
        }
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /** The state now. */
    public synchronized State state() {
        if (state == State.OPEN && System.nanoTime() - openedAt >= coolDownNanos) return State.HALF_OPEN;
        return state;
    }

    /** How many calls failed at once because the breaker was open. */
    public synchronized int rejected() {
        return rejected;
    }

    @Override
    public String toString() {
        return "CircuitBreaker " + name + ": " + state() + ", " + rejected() + " calls refused while open";
    }
}
