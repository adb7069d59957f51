package conclab.task;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * A {@link RejectedExecutionHandler} that makes the submitting thread wait until the executor's queue
 * has room, then queues the task: back-pressure for a {@link ThreadPoolExecutor} with a bounded queue.
 * The JDK has no such policy; {@link ThreadPoolExecutor.CallerRunsPolicy} is its nearest (the submitter
 * runs the task itself instead of waiting).
 * <pre>{@code
 * var pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(20), new WaitWhenFull());
 * }</pre>
 * Use it with a pool whose core size equals its maximum size: the executor rejects (and so calls this)
 * only when all its threads exist and the queue is full, so a queued task always has threads to run it.
 * A task submitted after {@code shutdown}, or caught in the queue by a {@code shutdown} that happened
 * while its submitter waited, is rejected with {@link RejectedExecutionException}, as the executor would.
 * Interrupting a waiting submitter rejects its task and keeps the interrupt status set.
 * Stateless and thread-safe. Made by {@link conclab.Lab#waitWhenFull()}.
 */
public final class WaitWhenFull implements RejectedExecutionHandler {

    /** A handler; one instance can serve any number of executors. */
    public WaitWhenFull() {}

    @Override
    public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
        if (executor.isShutdown()) throw new RejectedExecutionException("executor is shut down");
        try {
            executor.getQueue().put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for room in the queue", e);
        }
        // as ThreadPoolExecutor.execute does: a shutdown that raced with the put takes the task back
        if (executor.isShutdown() && executor.remove(task)) {
            throw new RejectedExecutionException("executor was shut down while the task waited for room");
        }
    }

    @Override
    public String toString() {
        return "WaitWhenFull";
    }
}
