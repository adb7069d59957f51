package conclab.kernel.cell;

import java.util.concurrent.Callable;

/**
 * The thread a cell's snippet runs on, and how a cell is stopped: the whole interrupt path but for the
 * message that asks for it.
 *
 * <p>Interrupt, in order ({@code package-info} of {@code conclab.kernel} shows the whole chain):
 * <ol>
 *   <li>{@link #stop}, on the control thread: the cell goes RUNNING → STOPPING ({@link CellContext});
 *       {@link CellRuntime#stopRequested()} makes every stop check look at its thread's cell from now on;
 *       the snippet thread is interrupted; every thread, executor and timer the cell owns is interrupted,
 *       shut down or cancelled.</li>
 *   <li>In the cell's code, the next stop check ({@link CellRuntime#stopCheck()}) throws
 *       {@link CellStoppedError}, or a blocking call throws {@code InterruptedException}.</li>
 *   <li>{@link #run}, on the shell thread, sees the snippet thread end; or, when it has not ended
 *       {@link #ABANDON_AFTER_NANOS} after the stop (a loop inside a library ignoring interrupts), moves
 *       the cell to ABANDONED and throws {@link UnstoppableError} naming that thread.</li>
 *   <li>The evaluator turns either into an interrupted outcome; the execute handler adds what survived
 *       ({@link Liveness}) and answers with {@code ename} KeyboardInterrupt.</li>
 * </ol>
 */
public final class CellThreads {

    /** Stack size of cell threads: deep recursion demos fit, runaway recursion still overflows fast. */
    private static final long CELL_STACK_BYTES = 16L << 20;

    /** How long an interrupted snippet may go on before the kernel stops waiting for it. */
    public static final long ABANDON_AFTER_NANOS = 2_000_000_000L;

    private CellThreads() {}

    /** What a snippet's thread left: its value, or what it threw. */
    public record Result(Object value, Throwable failure) {}

    /**
     * Runs {@code body} on a fresh platform thread of {@code ctx}'s thread group, under {@code ctx}, and
     * returns when that thread returns, whatever threads it started; or throws {@link UnstoppableError}
     * when the cell was stopped and the thread did not end within {@link #ABANDON_AFTER_NANOS}. With a
     * null {@code ctx} (JShell's own start-up) the thread belongs to no cell.
     */
    public static Result run(CellContext ctx, Callable<Object> body) throws UnstoppableError {
        Object[] value = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform()
                .group(ctx != null ? ctx.group() : Thread.currentThread().getThreadGroup())
                .name(ctx != null ? "cell-" + ctx.executionCount() : "cell")
                .stackSize(CELL_STACK_BYTES)
                .inheritInheritableThreadLocals(false)
                .unstarted(() -> {
                    if (ctx != null) Contexts.enter(ctx);
                    try {
                        value[0] = body.call();
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                });
        if (ctx != null) ctx.snippetThread(t);
        t.start();
        boolean interrupted = false;
        long stoppedAt = 0;
        try {
            while (t.isAlive()) {
                try {
                    t.join(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (ctx != null && ctx.stopRequested() && t.isAlive()) {
                    if (stoppedAt == 0) {
                        stoppedAt = System.nanoTime();
                    } else if (System.nanoTime() - stoppedAt > ABANDON_AFTER_NANOS) {
                        // it ignores interrupts and runs no stop check (a loop inside a library): leave it
                        ctx.advance(CellContext.ABANDONED);
                        throw new UnstoppableError(t);
                    }
                }
            }
        } finally {
            if (ctx != null) ctx.snippetThread(null);
            if (interrupted) Thread.currentThread().interrupt();
        }
        // Thread.join happens-before: the thread's writes to value and failure are visible here
        return new Result(value[0], failure[0]);
    }

    /**
     * Stops {@code ctx}: its stop checks throw, and its snippet thread and every thread, executor and
     * timer it owns are interrupted, shut down or cancelled. Threads of other cells are not touched.
     * Called on the control thread; stopping twice does what stopping once did, again.
     */
    public static void stop(CellContext ctx) {
        if (ctx.advance(CellContext.STOPPING)) CellRuntime.stopRequested();
        Thread t = ctx.snippetThread();
        if (t != null) t.interrupt();
        ctx.stopOwned();
    }
}
