package conclab.check;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The worst timing, forced: a participant thread that reaches a {@link #step()} waits there until every
 * other participant has reached a step too, or cannot move (blocked on a lock, waiting, sleeping,
 * finished). So when two threads both read a value before either writes it back, they do so on every
 * run, on one core as on many, instead of once in a while. Checks of exercises use it through
 * {@link SharedInt} and {@link conclab.check.Bank}.
 *
 * <p>A thread that is still running but never reaches a step (it spins on a flag, say) is waited for at
 * most the patience; each time the patience runs out is counted ({@link #impatient()}). Threads that are
 * not participants pass through steps without waiting. Thread-safe.
 *
 * <pre>{@code
 * var r = new Rendezvous(Duration.ofSeconds(1));
 * Thread a = Thread.ofPlatform().unstarted(() -> { r.arrive(); ... r.step(); ... });
 * r.expect(a);            // before a starts: a is waited for until it arrives
 * a.start();
 * }</pre>
 */
public final class Rendezvous {

    /*
     * Implementation overview. A step adds the thread to `present` and polls (every 20 µs) until the
     * meeting number changes or every other participant is present or stuck; the thread that sees that
     * first bumps the meeting number, which releases every thread present. "Stuck" reads the thread's
     * state once it has arrived (a thread still starting is always waited for): finished, sleeping,
     * waiting for a signal, or waiting for a lock someone holds (the JVM's ThreadMXBean names the
     * owner). A thread whose lock was just released still shows BLOCKED or WAITING until it runs: it
     * is counted as coming, else the releasing thread would race on alone. A thread that polls here is
     * TIMED_WAITING but present, so it counts as met.
     */

    private final long patienceNanos;
    /**
     * How long a step counts a thread queued for a permit (a {@code Semaphore} used as a lock) as about to
     * move. Such a synchronizer has no owner to ask, so a waiter whose permit was just released cannot be
     * told from one that waits for good; after this grace it is counted as stuck.
     */
    private static final long SHARED_GRACE_NANOS = 50_000_000L;
    /** Threads whose steps wait and who are waited for. */
    private final Set<Thread> participants = ConcurrentHashMap.newKeySet();
    /** Participants that have started to take part (see arrive). */
    private final Set<Thread> arrived = ConcurrentHashMap.newKeySet();
    /** Participants waiting in a step now. */
    private final Set<Thread> present = ConcurrentHashMap.newKeySet();
    /** Participants waiting inside instrumented code (a lock of a Bank): stuck while the supplier says so. */
    private final Map<Thread, BooleanSupplier> waiting = new ConcurrentHashMap<>();
    private final AtomicLong meetings = new AtomicLong();
    private final LongAdder impatient = new LongAdder();
    private volatile boolean closed;

    /** A rendezvous that waits at most {@code patience} in a step for a participant that keeps running. */
    public Rendezvous(Duration patience) {
        this.patienceNanos = patience.toNanos();
    }

    /** {@code t} takes part: others wait for it (even before it starts) until it arrives, then as described. */
    public void expect(Thread t) {
        participants.add(t);
    }

    /** The calling thread has started to take part: from now on, when it is not running, it is stuck. */
    public void arrive() {
        arrived.add(Thread.currentThread());
    }

    /**
     * Marks the calling thread as waiting inside instrumented code, stuck for as long as {@code blocked}
     * says (for a lock: while another thread holds it); null: not waiting any more.
     */
    public void waiting(BooleanSupplier blocked) {
        if (blocked != null) waiting.put(Thread.currentThread(), blocked);
        else waiting.remove(Thread.currentThread());
    }

    /** Waits, for a participant, until every other one has reached a step or is stuck (at most the patience). */
    public void step() {
        Thread me = Thread.currentThread();
        if (closed || !participants.contains(me)) return;
        long meeting = meetings.get();
        present.add(me);
        try {
            long started = System.nanoTime(), deadline = started + patienceNanos;
            while (meetings.get() == meeting && !closed) {
                if (othersMetOrStuck(me, System.nanoTime() - started > SHARED_GRACE_NANOS)) {
                    meetings.incrementAndGet();
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    impatient.increment();
                    return;
                }
                LockSupport.parkNanos(20_000);
            }
        } finally {
            present.remove(me);
        }
    }

    private boolean othersMetOrStuck(Thread me, boolean graceOver) {
        for (Thread t : participants) {
            if (t == me || present.contains(t)) continue;
            if (!arrived.contains(t)) return false;
            BooleanSupplier w = waiting.get(t);
            if (w != null ? !w.getAsBoolean() : !stuck(t, graceOver)) return false;
        }
        return true;
    }

    /**
     * Whether {@code t} cannot move now: finished, sleeping, waiting for a signal, or waiting for a lock
     * that another thread holds. A thread waiting for a lock that is free (just released, the waiter not
     * yet run) is about to move: its state says BLOCKED or WAITING for a moment longer than is true. A
     * thread queued for a permit (a semaphore's, a latch's) is about to move until the grace is over.
     */
    private static boolean stuck(Thread t, boolean graceOver) {
        switch (t.getState()) {
            case NEW, RUNNABLE:
                return false;
            case TERMINATED:
                return true;
            case BLOCKED:
                return lockHeld(t);
            default:
                Object blocker = LockSupport.getBlocker(t);
                if (!(blocker instanceof AbstractOwnableSynchronizer)) return true;
                if (lockHeld(t)) return true;
                return graceOver && blocker instanceof AbstractQueuedSynchronizer q && q.getSharedQueuedThreads().contains(t);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** True if the lock {@code t} waits for has an owner (false if it waits for none or a free one). */
    private static boolean lockHeld(Thread t) {
        ThreadInfo info = THREADS.getThreadInfo(t.threadId());
        return info == null || info.getLockOwnerId() != -1;
    }

    /** How many times a step gave up waiting for a participant that kept running. */
    public long impatient() {
        return impatient.sum();
    }

    /** Steps stop waiting, now and later. */
    public void close() {
        closed = true;
    }
}
