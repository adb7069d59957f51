package conclab.kernel.shell;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.CellThreads;
import conclab.kernel.cell.Contexts;
import conclab.kernel.cell.UnstoppableError;
import conclab.kernel.exec.Outcome;
import conclab.kernel.io.StdinBridge;
import conclab.spi.Displayable;
import conclab.task.CPython;
import conclab.task.PythonWorker;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *   <li>Result: the value of the last expression (its repr, {@code _repr_html_}, {@code _repr_png_}, a
 *       matplotlib figure as PNG); a Python error with its traceback, line numbers of the cell; a worker
 *       that died. What Python displays during the cell ({@code display(x)}, {@code plt.show()}, figures
 *       left open) is display_data under the cell, in order with its output.</li>
 *   <li>{@code input()}: asks the front end under the cell, as {@code System.in} does ({@link StdinBridge}),
 *       on a {@code python-input-N} thread; without allow_stdin, Python gets {@code StdinNotImplementedError}.</li>
 *   <li>Tab and Shift-Tab in a {@code %%python} cell ({@link #complete}, {@link #inspect}): answered by the
 *       worker from its namespace, cursor positions in code points shifted past the magic's line.</li>
 * </ul>
 */
final class PythonCells {

    /** The cell magic's first line, as a cell starts with it (leading blank lines allowed). */
    private static final java.util.regex.Pattern MAGIC_LINE = java.util.regex.Pattern.compile("^\\s*%%python\\b[^\\n]*\\n");

    private final Contexts contexts;
    private final StdinBridge stdin;
    /* The worker, its output sent to cells; made on the first Python cell (nothing at kernel start-up).
       Used by the shell thread only. */
    private PythonWorker worker;
    /* Why %%python cells are skipped, once said under a cell (no interpreter runs); shell thread only. */
    private String toldUnavailable;

    PythonCells(Contexts contexts, StdinBridge stdin) {
        this.contexts = contexts;
        this.stdin = stdin;
    }

    private PythonWorker worker() {
        if (worker == null) worker = PythonWorker.shared().output(new ToCells());
        return worker;
    }

    /** Where the worker's output, displays and input requests go: the cell of the Python thread. */
    private final class ToCells implements PythonWorker.Output {
        private CellContext cell(Object owner) {
            return owner instanceof CellContext c ? c : contexts.lastCell();
        }

        @Override
        public void write(Object owner, boolean err, String text) {
            CellContext cell = cell(owner);
            if (cell == null) return;
            Contexts.runIn(cell, () -> {
                if (err) System.err.print(text);
                else System.out.print(text);
            });
        }

        @Override
        public void display(Object owner, Map<String, Object> bundle) {
            CellContext cell = cell(owner);
            if (cell == null) return;
            Displayable shown = accepted -> bundle;
            Contexts.runIn(cell, () -> conclab.Lab.display(shown));
        }

        @Override
        public String input(Object owner, String prompt, boolean password) throws Exception {
            CellContext cell = cell(owner);
            if (cell == null) throw new UnsupportedOperationException("input() outside a cell");
            if (stdin == null) throw new UnsupportedOperationException("this kernel has no stdin channel");
            return stdin.readLine(cell, prompt, password, "input() in a %%python cell");
        }
    }

    /** True when {@code code} is a {@code %%python} cell: Tab and Shift-Tab in it ask Python. */
    static boolean isPythonCell(String code) {
        return MAGIC_LINE.matcher(code).lookingAt();
    }

    /**
     * Tab in a {@code %%python} cell: {@code cursor} and the result in code points of the whole cell
     * (the protocol's count); null when the cursor is on the magic's line.
     */
    PythonWorker.Completions complete(String code, int cursor) {
        var m = MAGIC_LINE.matcher(code);
        if (!m.lookingAt()) return null;
        int head = code.codePointCount(0, m.end());
        if (cursor < head) return null;
        PythonWorker.Completions c = worker().complete(code.substring(m.end()), cursor - head);
        return new PythonWorker.Completions(c.texts(), c.types(), c.start() + head, c.end() + head);
    }

    /** Shift-Tab in a {@code %%python} cell; null when nothing is found (or the cursor is on the magic's line). */
    String inspect(String code, int cursor, int detail) {
        var m = MAGIC_LINE.matcher(code);
        if (!m.lookingAt()) return null;
        int head = code.codePointCount(0, m.end());
        if (cursor < head) return null;
        return worker().inspect(code.substring(m.end()), cursor - head, detail);
    }

    Outcome run(String code, CellContext ctx) {
        CPython py = CPython.find();
        if (!py.available()) {   // no Python here: a lesson's Run All goes on; said once per cause
            if (!py.problem().equals(toldUnavailable)) {
                toldUnavailable = py.problem();
                System.out.println(conclab.text.Messages.get("python.skipped", py.problem().replaceFirst("\\.?$", "")));
            }
            return new Outcome.Ok(false, null);
        }
        PythonWorker worker = worker();
        CellThreads.Result r;
        try {
            r = CellThreads.run(ctx, () -> worker.run(code, ctx, "<" + ctx.label() + ">",   // <cell [3]>, <cellule [3]> in French
                    ctx::stopRequested));   // also an interrupt that came before this thread existed
        } catch (UnstoppableError e) {
            String said = conclab.text.Messages.get("python.did_not_stop");
            return new Outcome.Interrupted(said, List.of("KeyboardInterrupt: " + said), null);
        }
        if (r.failure() != null) {
            Throwable t = r.failure();
            return new Outcome.Failed(t.getClass().getSimpleName(), String.valueOf(t.getMessage()),
                    List.of(conclab.text.Messages.get("python.failed_in_kernel", String.valueOf(t))));
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
