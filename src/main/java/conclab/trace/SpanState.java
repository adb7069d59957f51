package conclab.trace;

/** What a thread was doing during a {@link Span}; charts colour lanes by it. */
public enum SpanState {
    /** Computing, or runnable on a CPU. */
    RUNNING,
    /** Waiting on purpose: sleep, blocking I/O, a condition, a queue, a latch, a future. */
    WAITING,
    /** Blocked trying to acquire a lock or monitor someone else holds (or the simulated GIL). */
    BLOCKED,
    /** Running while holding a traced lock (the critical section). */
    HOLDING_LOCK
}
