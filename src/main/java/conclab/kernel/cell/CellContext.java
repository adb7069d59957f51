package conclab.kernel.cell;

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
 * threads it started, what its code created (threads, executors, timers), and where it is in its life.
 *
 * <p>Which cell a thread's work belongs to follows one ordered rule (see {@link Contexts}):
 * <ol>
 *   <li>the context captured when the task was submitted ({@link Contexts#runIn});</li>
 *   <li>else the context inherited from the thread that created the thread (an inheritable thread-local);</li>
 *   <li>else the running cell, or the last one, and the thread's name is shown before its lines.</li>
 * </ol>
 *
 * <h2>Life of a cell</h2>
 * One field, {@link #state}, holds the cell's life: a phase (how far stopping went) and a bit saying
 * whether its request was answered. The phase only moves forward; the bit is set once.
 * <table class="striped">
 *   <caption>States and transitions</caption>
 *   <tr><th>from</th><th>to</th><th>triggered by</th><th>on thread</th></tr>
 *   <tr><td>RUNNING</td><td>STOPPING</td><td>an interrupt_request while the cell runs
 *       ({@link CellThreads#stop}); stop checks in the cell's code throw {@link CellStoppedError} from now
 *       on, and its threads are interrupted, its executors shut down, its timers cancelled</td><td>control</td></tr>
 *   <tr><td>STOPPING</td><td>ABANDONED</td><td>the snippet thread neither ended nor reached a stop check
 *       {@link CellThreads#ABANDON_AFTER_NANOS} after the stop: the kernel stops waiting for it
 *       ({@link UnstoppableError}) and leaves it running</td><td>shell</td></tr>
 *   <tr><td>any phase</td><td>the same phase + FINISHED</td><td>the reply is built ({@link Contexts#finished}):
 *       from now on the cell's output is <em>late output</em>, still sent under the cell and kept for
 *       {@code %output}</td><td>shell</td></tr>
 * </table>
 * A stopped cell stays stopped when it finishes: threads it left behind still stop at their next check.
 *
 * <p>Memory effects: every transition is a compare-and-set of the volatile {@link #state}, so what a
 * thread did before a transition happens-before what another thread does after it reads the new state
 * (the control thread's interrupt before a cell thread's stop check that throws; the shell thread's last
 * reply before a writer sees the cell finished). The other fields are final, or guarded by the object
 * named beside them.
 */
public final class CellContext {

    /* state = phase | (FINISHED when answered). */
    static final int RUNNING = 0, STOPPING = 1, ABANDONED = 2, PHASE = 3, FINISHED = 4;

    /* The cell's life (see the table above); written with compare-and-set only. */
    private volatile int state;
    private static final java.lang.invoke.VarHandle STATE;
    static {
        try {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(CellContext.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int executionCount;
    private final JsonObject parentHeader;
    private final List<byte[]> identities;
    private final boolean allowStdin;
    private final ThreadGroup group;
    private final boolean silent;
    /* Threads, executors and timers cell code created; weak, so finished ones can be collected.
       Guarded by itself. */
    private final Set<Object> owned = Collections.newSetFromMap(new WeakHashMap<>());
    /* Output sent after the cell finished, the last LATE_LIMIT characters; guarded by itself. */
    private final StringBuilder late = new StringBuilder();
    /* The thread running the cell's current snippet, or null; written by the shell thread, read by the
       control thread to interrupt it. */
    private volatile Thread snippetThread;
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

    /** Whether the cell was asked to stop (STOPPING or ABANDONED, finished or not). */
    public boolean stopRequested() {
        return (state & PHASE) != RUNNING;
    }

    /** Moves the phase forward to {@code phase}; false when it was already there or beyond. */
    boolean advance(int phase) {
        while (true) {
            int s = state;
            if ((s & PHASE) >= phase) return false;
            if (STATE.compareAndSet(this, s, (s & ~PHASE) | phase)) return true;
        }
    }

    /** Whether the kernel stopped waiting for a snippet thread of this cell that would not stop. */
    public boolean abandoned() {
        return (state & PHASE) == ABANDONED;
    }

    Thread snippetThread() {
        return snippetThread;
    }

    void snippetThread(Thread t) {
        snippetThread = t;
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
    void stopOwned() {
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
    void finish() {
        int s;
        do {
            s = state;
        } while ((s & FINISHED) == 0 && !STATE.compareAndSet(this, s, s | FINISHED));
    }

    /** Whether the cell's request was answered: its output is late output. */
    public boolean finished() {
        return (state & FINISHED) != 0;
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
        return conclab.text.Messages.get("kernel.cell_label", String.valueOf(executionCount));
    }

    @Override
    public String toString() {
        return label();
    }
}
