package conclab.sync;

import conclab.trace.Recorder;
import conclab.trace.SpanState;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A simulated global interpreter lock, as in CPython: a task must hold it to compute, so threads under
 * one GIL compute one at a time however many cores there are. A thread that has waited one switch
 * interval (5 ms by default) asks the holder to drop it; the holder does so at its next
 * {@link #checkpoint()} (library CPU work checks every ~20 µs) and does not take it back before another
 * thread had it. Blocking work of the library (sleep, loopback and file I/O) releases it while it
 * blocks, as CPython does around system calls. Waits are recorded as {@link SpanState#BLOCKED} spans.
 *
 * <p>Hand-over: <em>fair</em> gives the lock to the longest waiter (FIFO); <em>not fair</em> (the
 * default, CPython's behaviour) releases it to whoever takes it first among the waiters.
 *
 * <p>Usually reached through {@code Strategy.withGil()} or {@link conclab.Lab#gil()}:
 * <pre>{@code
 * Gil gil = Lab.gil();
 * gil.run(() -> Work.cpu(Duration.ofMillis(50)).run(0));   // computes only while holding the GIL
 * }</pre>
 *
 * <p>Memory consistency: actions of a thread before it releases the GIL (by finishing {@link #run},
 * by a hand-over or by blocking work) happen-before the actions of the next thread that acquires it.
 */
public final class Gil {

    /*
     * Implementation overview. One ReentrantLock guards holder, waiters and switches; one condition
     * signals every change of holder. A waiter that sees no switch during a whole interval sets the
     * volatile dropRequest; the holder reads it without the lock at checkpoints (a plain volatile read
     * on the hot path). In fair mode release hands the lock directly to the head of waiters; otherwise
     * it clears holder and the waiters race, while the releasing thread waits for a switch before it
     * competes again (CPython's FORCE_SWITCHING).
     */

    /** The GIL the current thread holds, if any. Owner thread only. */
    private static final ThreadLocal<Gil> HELD = new ThreadLocal<>();

    private final long intervalNanos;
    private final boolean fair;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The holding thread or null. Guarded by lock. */
    private Thread holder;
    /** Waiting threads in arrival order. Guarded by lock. */
    private final ArrayDeque<Thread> waiters = new ArrayDeque<>();
    /** Number of acquisitions so far. Guarded by lock (written); read under lock. */
    private long switches;
    /** Set by a waiter that waited a whole interval; cleared by each acquisition. Volatile: read lock-free. */
    private volatile boolean dropRequest;
    private final AtomicLong forcedSwitches = new AtomicLong();

    /** A GIL with a 5 ms switch interval, not fair (as CPython). */
    public Gil() {
        this(Duration.ofMillis(5), false);
    }

    /** A GIL handed over after {@code switchInterval}; FIFO hand-over when {@code fair}. */
    public Gil(Duration switchInterval, boolean fair) {
        this.intervalNanos = switchInterval.toNanos();
        if (intervalNanos <= 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.switch_interval"));
        this.fair = fair;
    }

    /** Work that may throw, for {@link #run}. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** The switch interval. */
    public Duration switchInterval() {
        return Duration.ofNanos(intervalNanos);
    }

    /** True for FIFO hand-over. */
    public boolean fair() {
        return fair;
    }

    /** Acquisitions so far (each is a switch of holder or a first take). */
    public long switches() {
        lock.lock();
        try {
            return switches;
        } finally {
            lock.unlock();
        }
    }

    /** Hand-overs forced by a waiter's drop request. */
    public long forcedSwitches() {
        return forcedSwitches.get();
    }

    /** Runs {@code body} holding this GIL: acquires (blocking, recorded as BLOCKED), runs, releases. */
    public void run(Body body) throws Exception {
        acquire();
        try {
            body.run();
        } finally {
            releaseIfHeld();
        }
    }

    /** Acquires the GIL, waiting as long as needed; the wait is recorded as BLOCKED. */
    public void acquire() throws InterruptedException {
        Thread me = Thread.currentThread();
        if (HELD.get() == this) throw new IllegalStateException("this thread already holds the GIL");
        lock.lockInterruptibly();
        try {
            if (holder == null && waiters.isEmpty()) {
                take(me);
                return;
            }
            awaitTurn(me, -1);
        } finally {
            lock.unlock();
        }
    }

    /** Releases the GIL held by the calling thread. */
    public void release() {
        lock.lock();
        try {
            if (holder != Thread.currentThread()) throw new IllegalMonitorStateException("GIL not held by this thread");
            releaseLocked();
        } finally {
            lock.unlock();
        }
    }

    /** True if the calling thread holds this GIL. */
    public boolean heldByCurrentThread() {
        return HELD.get() == this;
    }

    /**
     * Offers the GIL the calling thread holds, if a waiter asked for it: the library's CPU work calls it
     * between slices. Cheap when nobody asks (a thread-local and a volatile read). Outside a GIL it does
     * nothing.
     */
    public static void checkpoint() throws InterruptedException {
        Gil g = HELD.get();
        if (g != null && g.dropRequest) g.handOver();
    }

    /**
     * Runs blocking {@code body} with the calling thread's GIL released (if it holds one) and takes it
     * back afterwards, as CPython does around blocking system calls.
     */
    public static void blocking(Body body) throws Exception {
        Gil g = HELD.get();
        if (g == null) {
            body.run();
            return;
        }
        g.release();
        try {
            body.run();
        } finally {
            g.acquire();
        }
    }

    // ------------------------------------------------------------------ internals (lock held)

    private void take(Thread me) {
        holder = me;
        switches++;
        dropRequest = false;
        HELD.set(this);
    }

    private void releaseLocked() {
        HELD.remove();
        if (fair && !waiters.isEmpty()) {
            holder = waiters.peekFirst(); // the head takes it when it wakes; nobody else may
        } else {
            holder = null;
        }
        changed.signalAll();
    }

    private void releaseIfHeld() {
        lock.lock();
        try {
            if (holder == Thread.currentThread()) releaseLocked();
            else HELD.remove();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until it is {@code me}'s turn, then takes the GIL. {@code notBefore}: a switch count to exceed first. */
    private void awaitTurn(Thread me, long notBefore) throws InterruptedException {
        SpanState before = Recorder.state(SpanState.BLOCKED);
        waiters.addLast(me);
        boolean took = false;
        try {
            long seen = switches;
            long deadline = System.nanoTime() + intervalNanos;
            while (true) {
                boolean turn = fair ? holder == me || (holder == null && waiters.peekFirst() == me) : holder == null;
                if (turn && (switches > notBefore || waiters.size() == 1)) break;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (switches == seen && holder != null && holder != me) dropRequest = true;
                    seen = switches;
                    deadline = System.nanoTime() + intervalNanos;
                    left = intervalNanos;
                }
                changed.awaitNanos(left);
            }
            waiters.remove(me);
            take(me);
            took = true;
        } finally {
            if (!took) {
                waiters.remove(me);
                if (holder == me) { // handed to us (fair) but interrupted: pass it on
                    holder = fair && !waiters.isEmpty() ? waiters.peekFirst() : null;
                    changed.signalAll();
                }
            }
            Recorder.state(before == null ? SpanState.RUNNING : before);
        }
    }

    /** Gives the GIL to a waiter and takes it back after at least one other thread had it. */
    private void handOver() throws InterruptedException {
        lock.lock();
        try {
            if (holder != Thread.currentThread()) return;
            if (waiters.isEmpty()) {
                dropRequest = false;
                return;
            }
            forcedSwitches.incrementAndGet();
            long mine = switches;
            releaseLocked();
            awaitTurn(Thread.currentThread(), mine);
        } finally {
            lock.unlock();
        }
    }
}
