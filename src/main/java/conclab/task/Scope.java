package conclab.task;

import conclab.spi.Hosts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A structured task scope on virtual threads: subtasks forked in a scope end before the scope does,
 * and the first failure cancels (interrupts) every sibling. The project's own, small version of the
 * JDK's preview {@code StructuredTaskScope} with the "shut down on failure" policy.
 *
 * <pre>{@code
 * try (var scope = Scope.open()) {
 *     var user  = scope.fork(() -> fetchUser());
 *     var order = scope.fork(() -> fetchOrder());
 *     scope.join();                    // throws ExecutionException if one failed; the other was cancelled
 *     use(user.get(), order.get());
 * }                                    // close: cancels what is still running and waits for it
 * }</pre>
 *
 * <p>Confinement: {@link #fork}, {@link #join} and {@link #close} are called by the thread that opened
 * the scope. Lifecycle:
 * <pre>
 *   OPEN   --join() returns or throws-->  JOINED  --close()-->  CLOSED
 *   OPEN   --close()--------------------------------------------> CLOSED   (cancels running subtasks)
 * </pre>
 * A failure or {@link #cancel()} interrupts every running subtask; subtasks forked afterwards are
 * cancelled at once.
 *
 * <p>Memory consistency: actions before {@link #fork} happen-before the subtask; actions of a subtask
 * happen-before {@link #join} returns (and so before {@link Subtask#get()}).
 */
public final class Scope implements AutoCloseable {

    /*
     * Implementation overview. One ReentrantLock guards the running count, the first failure and the
     * thread list; a condition signals when running reaches zero. The owner waits in join until all
     * subtasks ended, or a failure was recorded; then it cancels the rest and waits for them to end,
     * so no subtask outlives join's return (and none outlives close).
     */

    /** What a subtask came to. */
    public enum State { RUNNING, SUCCESS, FAILED, CANCELLED }

    private final Thread owner = Thread.currentThread();
    private final ThreadFactory factory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Threads of subtasks, for cancellation. Guarded by lock. */
    private final List<Thread> threads = new ArrayList<>();
    /** Subtasks running. Guarded by lock. */
    private int running;
    /** The first failure, or null. Guarded by lock. */
    private Throwable failure;
    /** True once cancelled by a failure, cancel() or close(). Guarded by lock. */
    private boolean cancelled;
    /** Owner thread only. */
    private boolean closed;

    private Scope(String name) {
        this.factory = Thread.ofVirtual().name(name + "-", 0).factory();
    }

    /** Opens a scope owned by the calling thread. */
    public static Scope open() {
        return new Scope("scope");
    }

    /** Opens a scope whose threads are named {@code name-0}, {@code name-1}, ... */
    public static Scope open(String name) {
        return new Scope(name);
    }

    /** A forked subtask: its state, and after {@link #join()} its result. Thread-safe. */
    public static final class Subtask<T> implements Supplier<T> {
        /** Written once by the subtask's thread under the scope's lock; read under it. */
        private State state = State.RUNNING;
        private T value;
        private Throwable exception;
        private final Scope scope;

        private Subtask(Scope scope) {
            this.scope = scope;
        }

        /** The state now. */
        public State state() {
            scope.lock.lock();
            try {
                return state;
            } finally {
                scope.lock.unlock();
            }
        }

        /** The result. @throws IllegalStateException unless the subtask succeeded */
        @Override
        public T get() {
            scope.lock.lock();
            try {
                if (state != State.SUCCESS) throw new IllegalStateException("subtask " + state.name().toLowerCase());
                return value;
            } finally {
                scope.lock.unlock();
            }
        }

        /** The exception of a failed subtask, else null. */
        public Throwable exception() {
            scope.lock.lock();
            try {
                return exception;
            } finally {
                scope.lock.unlock();
            }
        }
    }

    /** Starts {@code task} on a new virtual thread, wrapped by the host, and returns its handle. */
    public <T> Subtask<T> fork(Callable<? extends T> task) {
        checkOwner();
        if (closed) throw new IllegalStateException("scope closed");
        Subtask<T> sub = new Subtask<>(this);
        Callable<? extends T> body = Hosts.current().capture(task);
        lock.lock();
        try {
            if (cancelled) {
                sub.state = State.CANCELLED;
                return sub;
            }
            Thread t = factory.newThread(() -> runSubtask(sub, body));
            threads.add(t);
            running++;
            t.start();
        } finally {
            lock.unlock();
        }
        return sub;
    }

    private <T> void runSubtask(Subtask<T> sub, Callable<? extends T> body) {
        T v = null;
        Throwable ex = null;
        try {
            v = body.call();
        } catch (Throwable t) {
            ex = t;
        }
        lock.lock();
        try {
            if (ex == null) {
                sub.value = v;
                sub.state = State.SUCCESS;
            } else if (cancelled && (ex instanceof InterruptedException || Thread.currentThread().isInterrupted())) {
                sub.state = State.CANCELLED;
            } else {
                sub.exception = ex;
                sub.state = State.FAILED;
                if (failure == null) {
                    failure = ex;
                    cancelLocked();
                }
            }
            running--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every subtask has ended, or one failed; on failure the others are cancelled and
     * waited for, then the failure is thrown.
     *
     * @throws ExecutionException   with the first failure as its cause
     * @throws InterruptedException if the owner was interrupted; the subtasks are cancelled and have ended
     */
    public void join() throws InterruptedException, ExecutionException {
        checkOwner();
        Throwable f;
        lock.lock();
        try {
            try {
                while (running > 0 && failure == null) changed.await();
            } catch (InterruptedException e) {
                cancelLocked();
                awaitAllLocked();
                throw e;
            }
            awaitAllLocked();
            f = failure;
        } finally {
            lock.unlock();
        }
        if (f != null) throw new ExecutionException(f);
    }

    /** Cancels every running subtask (interrupts it) and every later fork. Any thread may call it. */
    public void cancel() {
        lock.lock();
        try {
            cancelLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Cancels what still runs and waits for every subtask to end. */
    @Override
    public void close() {
        checkOwner();
        if (closed) return;
        closed = true;
        lock.lock();
        try {
            if (running > 0) cancelLocked();
            awaitAllLocked();
        } finally {
            lock.unlock();
        }
    }

    private void cancelLocked() {
        cancelled = true;
        for (Thread t : threads) if (t != Thread.currentThread()) t.interrupt();
    }

    /** Waits for running to reach zero, uninterruptibly; keeps the interrupt status. */
    private void awaitAllLocked() {
        if (running > 0) cancelLocked();
        boolean interrupted = false;
        while (running > 0) {
            try {
                changed.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) throw new IllegalStateException("scope used by a thread other than its owner");
    }
}
