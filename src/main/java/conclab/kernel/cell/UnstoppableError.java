package conclab.kernel.cell;

/**
 * Reported when an interrupted cell's thread neither checks for interrupts nor reaches a stop check
 * (a loop inside compiled library code): the kernel stops waiting for it and says so.
 */
public final class UnstoppableError extends Error {

    private final transient Thread thread;

    public UnstoppableError(Thread thread) {
        super("thread \"" + thread.getName() + "\" did not stop", null, false, false);
        this.thread = thread;
    }

    /** The thread that is still running. */
    public Thread thread() {
        return thread;
    }
}
