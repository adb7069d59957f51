package conclab.check;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * An {@code int} shared by threads, with the methods of {@link AtomicInteger} that lessons use, and the
 * same guarantees: each method is one atomic action, and a write happens-before every read that sees it.
 * What it adds is for checks: made with a {@link Rendezvous}, every plain read ({@link #get()}) waits
 * after reading, and every write waits before writing, until the other participating threads have reached
 * such a step too, or are blocked (on your lock, say).
 * That is the worst timing for a check-then-act (two threads both see the last ticket) made to happen on
 * every run. {@code AtomicInteger} cannot be instrumented that way: its methods are final.
 *
 * <p>{@link #close()} ends a run that went wrong: every later call throws {@link CancellationException},
 * so threads looping on it stop. Thread-safe.
 */
public final class SharedInt {

    private final AtomicInteger value;
    /** Where reads wait; null: they never do. */
    private final Rendezvous rendezvous;
    private volatile boolean closed;

    /** An int starting at {@code initial}; reads never wait. */
    public SharedInt(int initial) {
        this(initial, null);
    }

    /** An int starting at {@code initial} whose reads wait at {@code rendezvous} (null: never). */
    public SharedInt(int initial, Rendezvous rendezvous) {
        this.value = new AtomicInteger(initial);
        this.rendezvous = rendezvous;
    }

    private void open() {
        if (closed) throw new CancellationException("this SharedInt was closed by the check that made it");
    }

    /** With a rendezvous: waits before a write too, until the others have reached a step or are stuck. */
    private void beforeWrite() {
        if (rendezvous != null) rendezvous.step();
    }

    /** The value (a volatile read); with a rendezvous, waits after reading as described above. */
    public int get() {
        open();
        int v = value.get();
        if (rendezvous != null) rendezvous.step();
        return v;
    }

    /** Sets the value (a volatile write). */
    public void set(int newValue) {
        open();
        beforeWrite();
        value.set(newValue);
    }

    /** Sets the value to {@code newValue} if it is {@code expected}, atomically; false if it was not. */
    public boolean compareAndSet(int expected, int newValue) {
        open();
        beforeWrite();
        return value.compareAndSet(expected, newValue);
    }

    /** Adds one atomically; the new value. */
    public int incrementAndGet() {
        open();
        beforeWrite();
        return value.incrementAndGet();
    }

    /** Subtracts one atomically; the new value. */
    public int decrementAndGet() {
        open();
        beforeWrite();
        return value.decrementAndGet();
    }

    /** Adds one atomically; the previous value. */
    public int getAndIncrement() {
        open();
        beforeWrite();
        return value.getAndIncrement();
    }

    /** Subtracts one atomically; the previous value. */
    public int getAndDecrement() {
        open();
        beforeWrite();
        return value.getAndDecrement();
    }

    /** Adds {@code delta} atomically; the new value. */
    public int addAndGet(int delta) {
        open();
        beforeWrite();
        return value.addAndGet(delta);
    }

    /** Adds {@code delta} atomically; the previous value. */
    public int getAndAdd(int delta) {
        open();
        beforeWrite();
        return value.getAndAdd(delta);
    }

    /**
     * Applies {@code f} atomically (a compareAndSet loop, as {@code AtomicInteger}'s: {@code f} may run
     * more than once and must not have side effects); the previous value.
     */
    public int getAndUpdate(IntUnaryOperator f) {
        while (true) {
            int prev = get();
            if (compareAndSet(prev, f.applyAsInt(prev))) return prev;
        }
    }

    /** As {@link #getAndUpdate}; the new value. */
    public int updateAndGet(IntUnaryOperator f) {
        while (true) {
            int prev = get(), next = f.applyAsInt(prev);
            if (compareAndSet(prev, next)) return next;
        }
    }

    /** The value, read without waiting and even after {@link #close()} (for the check that made it). */
    public int peek() {
        return value.get();
    }

    /** Every later call but {@link #peek()} throws {@link CancellationException}. */
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return Integer.toString(value.get());
    }
}
