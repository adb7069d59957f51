package conclab.kernel.shell;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.CellThreads;
import conclab.kernel.cell.Contexts;
import conclab.kernel.cell.UnstoppableError;
import conclab.kernel.exec.Outcome;
import conclab.task.CPython;
import conclab.task.PythonWorker;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code %%python} cells: the rest of the cell runs on the JVM's {@link PythonWorker} (a CPython process
 * kept for the session), and comes back as a Java cell's would.
 * <ul>
 *   <li>Output: each piece a Python thread prints is written, on the worker's reader thread, under the
 *       cell that thread belongs to ({@link Contexts#runIn}), so it takes the kernel's one output path
 *       (batching, rate limit, late output) like a Java thread's.</li>
 *   <li>Interrupt: the cell waits on a snippet thread of its own ({@link CellThreads#run}), so the kernel's
 *       interrupt ({@link CellThreads#stop}) interrupts that wait, and the worker turns it into SIGINT, then,
 *       after {@link PythonWorker#GRACE_NANOS}, a kill of its process group.</li>
 *   <li>Result: the value of the last expression (its repr, {@code _repr_html_}, {@code _repr_png_}); a Python
 *       error with its traceback, line numbers of the cell; a worker that died.</li>
 * </ul>
 */
final class PythonCells {

    private final Contexts contexts;
    /* The worker, its output sent to cells; made on the first Python cell (nothing at kernel start-up).
       Used by the shell thread only. */
    private PythonWorker worker;
    /* Why %%python cells are skipped, once said under a cell (no interpreter runs); shell thread only. */
    private String toldUnavailable;

    PythonCells(Contexts contexts) {
        this.contexts = contexts;
    }

    private PythonWorker worker() {
        if (worker == null) {
            worker = PythonWorker.shared().output((owner, err, text) -> {
                CellContext cell = owner instanceof CellContext c ? c : contexts.lastCell();
                if (cell == null) return;
                Contexts.runIn(cell, () -> {
                    if (err) System.err.print(text);
                    else System.out.print(text);
                });
            });
        }
        return worker;
    }

    Outcome run(String code, CellContext ctx) {
        CPython py = CPython.find();
        if (!py.available()) {   // no Python here: a lesson's Run All goes on; said once per cause
            if (!py.problem().equals(toldUnavailable)) {
                toldUnavailable = py.problem();
                System.out.println("%%python cells are skipped: " + py.problem().replaceFirst("\\.?$", "")
                        + ". Name a Python 3 with CONCLAB_PYTHON or %python_use PATH.");
            }
            return new Outcome.Ok(false, null);
        }
        PythonWorker worker = worker();
        CellThreads.Result r;
        try {
            r = CellThreads.run(ctx, () -> worker.run(code, ctx, "<cell [" + ctx.executionCount() + "]>",
                    ctx::stopRequested));   // also an interrupt that came before this thread existed
        } catch (UnstoppableError e) {
            return new Outcome.Interrupted("the Python cell did not stop", List.of("KeyboardInterrupt: the Python cell did not stop"), null);
        }
        if (r.failure() != null) {
            Throwable t = r.failure();
            return new Outcome.Failed(t.getClass().getSimpleName(), String.valueOf(t.getMessage()),
                    List.of("The Python cell failed in the kernel: " + t));
        }
        PythonWorker.Result res = (PythonWorker.Result) r.value();
        return switch (res.kind()) {
            case OK -> res.hasValue() ? new Outcome.Ok(true, res) : new Outcome.Ok(false, null);
            case INTERRUPTED -> new Outcome.Interrupted(res.evalue(), res.traceback(), null);
            case ERROR, DIED -> new Outcome.Failed(res.ename(), res.evalue(), res.traceback());
        };
    }

    /** {@code %python_use PATH}: the interpreter of {@code %%python} cells and of {@code python()}. */
    Outcome use(String path) {
        PythonWorker worker = worker();
        if (path.isBlank()) {
            System.out.println(worker.interpreter());
            return new Outcome.Ok(false, null);
        }
        CPython py = CPython.use(Path.of(path.strip()));
        if (!py.available()) {
            return new Outcome.Failed("UsageError", py.problem(), List.of("\u001b[1;31mUsageError\u001b[0m: " + py.problem()));
        }
        worker.restartIfMoved();
        System.out.println("Python cells and python() now use " + py);
        return new Outcome.Ok(false, null);
    }
}
