package conclab.kernel.io;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;

/**
 * One execution of a cell: the request it answers (its parent header), the thread group of the
 * threads it started, and whether it was asked to stop.
 *
 * <p>Which cell a thread's work belongs to follows one ordered rule:
 * <ol>
 *   <li>the context captured when the task was submitted ({@link #CURRENT} set by a capturing wrapper);</li>
 *   <li>else the context inherited from the thread that created the thread ({@link #CURRENT} is inheritable);</li>
 *   <li>else the running cell, or the last one, and the thread's name is shown before its lines.</li>
 * </ol>
 *
 * <p>Immutable but for {@link #stopRequested}, which is volatile: written by the control thread on
 * interrupt, read by stop checks on any thread of the cell.
 */
public final class CellContext {

    /**
     * The context of the current thread, rules 1 and 2. Inheritable: platform and virtual threads
     * created by a thread of a cell belong to that cell.
     */
    public static final InheritableThreadLocal<CellContext> CURRENT = new InheritableThreadLocal<>();

    private final int executionCount;
    private final JsonObject parentHeader;
    private final List<byte[]> identities;
    private final boolean allowStdin;
    private final ThreadGroup group;
    private final boolean silent;
    private volatile boolean stopRequested;
    /* Threads, executors and timers cell code created; weak, so finished ones can be collected.
       Guarded by itself. */
    private final Set<Object> owned = Collections.newSetFromMap(new WeakHashMap<>());
    /* Output sent after the cell finished, the last LATE_LIMIT characters; guarded by itself. */
    private final StringBuilder late = new StringBuilder();
    private volatile boolean finished;
    /** Characters of late output kept per cell for {@code %output}. */
    public static final int LATE_LIMIT = 256 * 1024;

    public CellContext(int executionCount, JsonObject parentHeader, List<byte[]> identities, boolean allowStdin) {
        this(executionCount, parentHeader, identities, allowStdin, false);
    }

    /** With {@code silent}, nothing the cell's threads print is sent (execute_request's {@code silent}). */
    public CellContext(int executionCount, JsonObject parentHeader, List<byte[]> identities, boolean allowStdin,
                       boolean silent) {
        this.silent = silent;
        this.executionCount = executionCount;
        this.parentHeader = parentHeader;
        this.identities = List.copyOf(identities);
        this.allowStdin = allowStdin;
        this.group = new ThreadGroup("cell-" + executionCount);
    }

    public int executionCount() {
        return executionCount;
    }

    /** The header of the execute_request; every message about this cell carries it as parent. */
    public JsonObject parentHeader() {
        return parentHeader;
    }

    /** ZeroMQ identities of the front end that sent the request (for input_request on stdin). */
    public List<byte[]> identities() {
        return identities;
    }

    public boolean allowStdin() {
        return allowStdin;
    }

    /** The group of the platform threads started by this cell's code. */
    public ThreadGroup group() {
        return group;
    }

    /** Whether output of this cell is dropped. */
    public boolean silent() {
        return silent;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    public void requestStop() {
        stopRequested = true;
    }

    /** Remembers a thread, executor or timer that this cell's code created, to stop it with the cell. */
    public void own(Object resource) {
        synchronized (owned) {
            owned.add(resource);
        }
    }

    /**
     * Interrupts every thread of this cell, shuts its executors down now and cancels its timers.
     * Threads of other cells are not touched.
     */
    public void stopOwned() {
        List<Object> all;
        synchronized (owned) {
            all = new ArrayList<>(owned);
        }
        for (Object o : all) {
            switch (o) {
                case Thread t -> t.interrupt();
                case ExecutorService e -> e.shutdownNow();
                case java.util.Timer timer -> timer.cancel();
                default -> { }
            }
        }
        for (Thread t : groupThreads()) t.interrupt();
    }

    /** Live threads of this cell: platform threads of its group and the threads its code started. */
    public List<Thread> liveThreads() {
        List<Thread> live = new ArrayList<>(groupThreads());
        synchronized (owned) {
            for (Object o : owned) if (o instanceof Thread t && t.isAlive() && !live.contains(t)) live.add(t);
        }
        return live;
    }

    private List<Thread> groupThreads() {
        Thread[] threads = new Thread[group.activeCount() + 16];
        int n = group.enumerate(threads, true);
        List<Thread> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(threads[i]);
        return out;
    }

    /** Marks the cell's request as answered: output from now on is late output. */
    public void finish() {
        finished = true;
    }

    public boolean finished() {
        return finished;
    }

    /** Keeps text sent after the cell finished (the last {@link #LATE_LIMIT} characters). */
    public void keepLate(String text) {
        synchronized (late) {
            late.append(text);
            if (late.length() > LATE_LIMIT) late.delete(0, late.length() - LATE_LIMIT);
        }
    }

    /** The output this cell sent after it finished, as kept. */
    public String lateOutput() {
        synchronized (late) {
            return late.toString();
        }
    }

    /** How the cell is named in messages, e.g. {@code cell [3]}. */
    public String label() {
        return "cell [" + executionCount + "]";
    }

    @Override
    public String toString() {
        return label();
    }
}
