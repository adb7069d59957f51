package conclab.sync;

import conclab.trace.Recorder;
import conclab.trace.SpanState;

/**
 * What the traced primitives share: a name, an optional recorder for counters, and state changes of
 * the calling thread. Package-private helpers plus a small public surface.
 */
public abstract sealed class Traced permits TracedLock, TracedReadWriteLock, TracedSemaphore, TracedQueue, TracedBarrier, TracedLatch,
        RateLimiter {

    private final String name;
    /** Where counters go when set; else the calling thread's current recorder. Volatile: set by any thread. */
    private volatile Recorder recorder;

    Traced(String name) {
        this.name = java.util.Objects.requireNonNull(name, "name");
    }

    /** The name, used in counter names. */
    public final String name() {
        return name;
    }

    /**
     * Sends this primitive's counters to {@code rec} from every thread (by default they go to the
     * recorder of the thread that changes them, if it has one).
     */
    public Traced recordInto(Recorder rec) {
        this.recorder = rec;
        return this;
    }

    /** Records counter {@code "<name> <what>"}. */
    final void counter(String what, double value) {
        Recorder r = recorder;
        if (r != null) r.counter(name + " " + what, value);
        else Recorder.counterIfRecording(name + " " + what, value);
    }

    /** Moves the calling thread to {@code s}; returns the state to restore (RUNNING outside a task). */
    static SpanState enter(SpanState s) {
        SpanState before = Recorder.state(s);
        return before == null ? SpanState.RUNNING : before;
    }

    static void restore(SpanState s) {
        Recorder.state(s);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
