package conclab.kernel.cell;

/**
 * Static entry points that rewritten cell bytecode calls (see {@code conclab.kernel.exec.Instrumenter}).
 * Public because snippet classes, in another class loader, link to them.
 *
 * <p>Stop checks are cheap when no cell was ever interrupted: one volatile read of {@link #stops}.
 * After an interrupt they look up the calling thread's cell and throw {@link CellStoppedError} when
 * that cell was asked to stop; threads of other cells run on.
 */
public final class CellRuntime {

    /* Number of interrupts requested so far; 0 means no check needs to look further. Written by the
       control thread (increment), read by every stop check. */
    private static volatile int stops;

    private CellRuntime() {}

    /** Called at method starts and before backward branches of cell code. */
    public static void stopCheck() {
        if (stops != 0) slowCheck();
    }

    private static void slowCheck() {
        CellContext ctx = Contexts.current();
        if (ctx != null && ctx.stopRequested()) throw new CellStoppedError();
    }

    /** Makes stop checks look at the per-cell flag from now on. */
    static void stopRequested() {
        stops++;
    }

    /**
     * Called on every thread, executor and timer cell code creates or receives from a factory: the
     * cell owns it, and stopping the cell stops it.
     */
    public static void own(Object resource) {
        CellContext ctx = Contexts.current();
        if (ctx != null && resource != null) ctx.own(resource);
    }

    /** Replaces {@code thread.start()} in cell code: the cell owns the thread it starts. */
    public static void start(Thread thread) {
        own(thread);
        thread.start();
    }

    /** Replaces {@code System.exit(status)} in cell code. */
    public static void exit(int status) {
        throw new ExitRefusedException("System.exit", status);
    }

    /** Replaces {@code runtime.exit(status)} in cell code. */
    public static void runtimeExit(Runtime runtime, int status) {
        throw new ExitRefusedException("Runtime.exit", status);
    }

    /** Replaces {@code runtime.halt(status)} in cell code. */
    public static void runtimeHalt(Runtime runtime, int status) {
        throw new ExitRefusedException("Runtime.halt", status);
    }
}
