package conclab.check;


import conclab.spi.Hosts;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A piece of code under test, run on a daemon platform thread of its own so that a check can watch it,
 * wait for it with a deadline and give up on it: the way a check stays in control of code that may block
 * forever. Its output and failures show under the cell that started it.
 *
 * <pre>{@code
 * var taker = Attempt.start(() -> buffer.take());
 * Attempt.eventually(() -> waiters(buffer.lock, buffer.notEmpty) == 1, Duration.ofSeconds(5));
 * buffer.put("x");
 * taker.await(Duration.ofSeconds(5)).value();       // "x"
 * }</pre>
 *
 * <p>Thread-safe. Memory effects: the code's actions happen-before {@link #await} returns an outcome that
 * says it finished.
 */
public final class Attempt<T> {

    /** What became of the code: finished (with a value or an error) or still running at the deadline. */
    public record Outcome<T>(boolean finished, T value, Throwable error) {
        /** Finished without an error. */
        public boolean ok() {
            return finished && error == null;
        }

        @Override
        public String toString() {
            return !finished ? "still running" : error != null ? "threw " + error : "returned " + value;
        }
    }

    private final Thread thread;
    private volatile T value;
    private volatile Throwable error;

    private Attempt(Callable<T> body) {
        Runnable r = Hosts.current().capture(() -> {
            try {
                value = body.call();
            } catch (Throwable t) {
                error = t;
            }
        });
        thread = Thread.ofPlatform().daemon().name("attempt").unstarted(r);
    }

    /** Starts {@code body} on a new daemon platform thread. */
    public static <T> Attempt<T> start(Callable<T> body) {
        Attempt<T> a = new Attempt<>(body);
        a.thread.start();
        return a;
    }

    /** The thread running the code. */
    public Thread thread() {
        return thread;
    }

    /** Whether the code has finished (returned or thrown). */
    public boolean finished() {
        return !thread.isAlive();
    }

    /** Waits up to {@code d} for the code to finish; never throws. */
    public Outcome<T> await(Duration d) {
        try {
            thread.join(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return thread.isAlive() ? new Outcome<>(false, null, null) : new Outcome<>(true, value, error);
    }

    /** Interrupts the code (a thread blocked in {@code await}, {@code take} or {@code join} then ends). */
    public void cancel() {
        thread.interrupt();
    }

    /** Polls {@code condition} every millisecond until it holds or {@code d} has passed; never throws. */
    public static boolean eventually(BooleanSupplier condition, Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) return true;
            } catch (RuntimeException e) {
                return false;
            }
            if (System.nanoTime() - end > 0) return false;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** How many threads wait on {@code condition} of {@code lock} right now (taking the lock to ask). */
    public static int waiters(ReentrantLock lock, Condition condition) {
        lock.lock();
        try {
            return lock.getWaitQueueLength(condition);
        } finally {
            lock.unlock();
        }
    }
}
