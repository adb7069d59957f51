package conclab.kernel.cell;

/**
 * Knows the running cell and answers which cell a thread belongs to (the rule in {@link CellContext}).
 * One instance per kernel.
 *
 * <p>The current thread's cell (rules 1 and 2) is an inheritable thread-local private to this package:
 * platform and virtual threads created by a thread of a cell belong to that cell. It is read through
 * {@link #current()} and {@link #forCurrentThread()}, and set only by {@link #runIn} (a task captured
 * at submission) and {@link CellThreads} (the thread a snippet runs on).
 */
public final class Contexts {

    private static final InheritableThreadLocal<CellContext> CURRENT = new InheritableThreadLocal<>();

    /* The cell being executed, or the last one executed; null before the first. Written by the shell
       thread at each cell start, read by any thread. Whether it still runs is its own state (finished). */
    private volatile CellContext running;

    /* Recent cells by execution count, for %output; guarded by itself. */
    private final java.util.Map<Integer, CellContext> recent = new java.util.LinkedHashMap<>(64, 0.75f, false) {
        @Override protected boolean removeEldestEntry(java.util.Map.Entry<Integer, CellContext> e) {
            return size() > 1000;
        }
    };

    /** Marks {@code ctx} as the running cell. */
    public void started(CellContext ctx) {
        running = ctx;
        synchronized (recent) {
            recent.put(ctx.executionCount(), ctx);
        }
    }

    /** The cell that ran with execution count {@code n} (among the last 1,000), or null. */
    public CellContext cell(int n) {
        synchronized (recent) {
            return recent.get(n);
        }
    }

    /** Marks the running cell as finished; it stays the "last" cell for rule 3. */
    public void finished(CellContext ctx) {
        ctx.finish();
    }

    /** The running cell, or null when none is running. */
    public CellContext runningCell() {
        CellContext c = running;
        return c != null && !c.finished() ? c : null;
    }

    /** The running cell or the last one, or null before the first. */
    public CellContext lastCell() {
        return running;
    }

    /** The cell the calling thread belongs to by rules 1 and 2, or null (rule 3 then applies). */
    public static CellContext current() {
        return CURRENT.get();
    }

    /** Sets the cell of a fresh thread that inherited nothing (a snippet thread). */
    static void enter(CellContext ctx) {
        CURRENT.set(ctx);
    }

    /** The cell the calling thread belongs to: rules 1 and 2, else rule 3; null before the first cell. */
    public CellContext forCurrentThread() {
        CellContext c = CURRENT.get();
        return c != null ? c : running;
    }

    /** Runs {@code task} on the calling thread under {@code ctx}, restoring the previous context after. */
    public static void runIn(CellContext ctx, Runnable task) {
        CellContext prev = CURRENT.get();
        CURRENT.set(ctx);
        try {
            task.run();
        } finally {
            if (prev == null) CURRENT.remove();
            else CURRENT.set(prev);
        }
    }
}
