package conclab.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the kernel does when its own threads run out of memory: go on when it can, exit when it
 * cannot, and never linger as a zombie (a heartbeat that beats for a kernel that no longer answers).
 *
 * <p>A cell that catches {@link OutOfMemoryError} and keeps what it allocated leaves the heap full; the
 * next allocation of a kernel thread (sending the reply, encoding a message) then fails. The lifeline
 * holds a small reserve of heap for that moment:
 *
 * <table class="striped">
 *   <caption>States</caption>
 *   <tr><th>state</th><th>event</th><th>next state, and what happens</th></tr>
 *   <tr><td>ARMED</td><td>a kernel thread catches an OutOfMemoryError</td>
 *       <td>SPENT: the reserve is released, so the thread can finish answering (the next cell is then
 *       refused with advice while the heap stays full)</td></tr>
 *   <tr><td>ARMED</td><td>{@link #spend()}: cells are being refused because the heap stays full</td>
 *       <td>SPENT: the reserve becomes room for the refusals and for the cell that frees a variable</td></tr>
 *   <tr><td>SPENT</td><td>{@link #rearm()} before a cell, with room again</td><td>ARMED</td></tr>
 *   <tr><td>SPENT</td><td>another OutOfMemoryError in a kernel thread</td>
 *       <td>the kernel cannot go on: it says so in its log and under the last cell (best effort), and
 *       the process ends, so the front end offers a restart</td></tr>
 *   <tr><td>any</td><td>a kernel thread ends on an exception nobody caught</td>
 *       <td>the process ends, as above</td></tr>
 * </table>
 *
 * <p>Ending never waits on the farewell: the log line and the farewell are best effort on a full heap,
 * and either may block (a lock held by a thread that cannot allocate, a stream that cannot be written).
 * A watchdog thread, started with the lifeline so that ending needs no new thread, halts the process
 * {@link #GRACE_MILLIS} after the end began, whatever they do.
 *
 * <p>Thread-safe: kernel threads call {@link #caught} and {@link #threadDied} concurrently; the reserve
 * is a volatile reference, released by whichever thread swaps it out first; the process is halted once.
 */
public final class Lifeline {

    /** Exit status of a kernel that ran out of memory in its own threads. */
    static final int EXIT_STATUS = 3;

    private final Log log;
    private final int reserveBytes;
    /* The reserve; null while spent. Written by any kernel thread (release) and the shell thread (rearm). */
    private volatile byte[] reserve;
    /* Says under the last cell why the kernel ends; set once at start-up, before any kernel thread runs. */
    private volatile Runnable farewell = () -> {};
    private volatile Runnable halt = () -> Runtime.getRuntime().halt(EXIT_STATUS);
    /* Counted down when the end begins; the watchdog then halts after the grace period. */
    private final CountDownLatch ending = new CountDownLatch(1);
    /* Set by whoever halts first (the ending thread or the watchdog); only tests' halts return. */
    private final AtomicBoolean halted = new AtomicBoolean();
    private final long graceMillis;

    /** How long the farewell may take before the watchdog halts the process anyway. */
    static final long GRACE_MILLIS = 5_000;

    /** A lifeline holding {@code reserveBytes} of heap in reserve. */
    public Lifeline(Log log, int reserveBytes) {
        this(log, reserveBytes, GRACE_MILLIS);
    }

    Lifeline(Log log, int reserveBytes, long graceMillis) {
        this.log = log;
        this.reserveBytes = reserveBytes;
        this.reserve = new byte[reserveBytes];
        this.graceMillis = graceMillis;
        Thread.ofPlatform().name("conclab-lifeline").daemon(true).start(this::watch);
    }

    /* The watchdog: waits for the end to begin, gives the farewell its grace period, halts. */
    private void watch() {
        try {
            ending.await();
            Thread.sleep(graceMillis);
        } catch (InterruptedException e) {
            return;
        }
        haltOnce();
    }

    private void haltOnce() {
        if (halted.compareAndSet(false, true)) halt.run();
    }

    /** The reserve for a heap of {@code maxHeap} bytes: 3 % of it, between 1 and 4 MiB (it stays resident: an idle kernel pays for it). */
    public static int reserveFor(long maxHeap) {
        return (int) Math.clamp(maxHeap / 33, 1L << 20, 4L << 20);
    }

    /** What to say under the last cell when the kernel must end (runs on the failing thread, best effort). */
    public void onFarewell(Runnable farewell) {
        this.farewell = farewell;
    }

    /** For tests: what ends the process (by default {@code Runtime.halt}). */
    void onHalt(Runnable halt) {
        this.halt = halt;
    }

    /** Whether the reserve is held. */
    public boolean armed() {
        return reserve != null;
    }

    /**
     * Called by a kernel thread that caught {@code t} and means to go on. Returns when it can go on: when
     * {@code t} is not an OutOfMemoryError, or the reserve was still there to release. Ends the process
     * otherwise.
     */
    public void caught(String where, Throwable t) {
        if (!outOfMemory(t)) return;
        byte[] r = reserve;
        reserve = null;
        if (r != null) {
            r = null;   // the reserve is garbage now: the failing thread has room to answer
            log.warn(where + ": out of memory in a kernel thread; the reserve is spent, the kernel goes on");
            return;
        }
        end(where + ": out of memory again in a kernel thread, with the reserve spent", t);
    }

    /**
     * Spends the reserve while the heap stays full (the kernel refuses cells): what a cell left may be
     * too little even to answer, or to run the cell that frees a variable. Not a failure: the kernel
     * goes on, and takes the reserve again when there is room.
     */
    public void spend() {
        if (reserve == null) return;
        reserve = null;
        log.warn("the heap stays full: the memory reserve is spent so that the kernel can go on answering");
    }

    /** Called when a kernel thread ends on an exception nobody caught: the kernel cannot go on. */
    public void threadDied(Thread thread, Throwable t) {
        byte[] r = reserve;
        reserve = null;   // room to write the farewell
        r = null;
        end("kernel thread " + thread.getName() + " died", t);
    }

    /** Takes the reserve again when the heap has room for it (before a cell, on the shell thread). */
    public void rearm() {
        if (reserve != null) return;
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        if (heap.getUsed() + 4L * reserveBytes > max) return;
        try {
            reserve = new byte[reserveBytes];
            log.info("memory reserve taken again");
        } catch (OutOfMemoryError e) {
            // not yet: try before the next cell
        }
    }

    static boolean outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) return true;
        }
        return false;
    }

    private void end(String why, Throwable t) {
        ending.countDown();   // from here the process ends within the grace period, whatever blocks below
        try {
            log.error(why + "; the kernel exits (status " + EXIT_STATUS + ") so that the front end can restart it", t);
        } catch (Throwable ignored) {
            // the log is best effort too
        }
        try {
            farewell.run();
        } catch (Throwable ignored) {
            // best effort: the process ends anyway
        }
        haltOnce();
    }
}
