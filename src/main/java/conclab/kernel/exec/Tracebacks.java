package conclab.kernel.exec;

import jdk.jshell.EvalException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kernel's one traceback formatter: how an exception's frames are shown to the learner, for a cell's
 * error ({@link Evaluator}) and for an exception that ends a background thread ({@link #printUncaught}).
 *
 * <p>One rule for both: the cell's frames first, then the library's (at most {@link #LIBRARY_FRAMES},
 * then how many more), and the kernel's, JShell's, reflection's and {@code Thread}'s own frames hidden.
 * A frame of cell code is named by its cell and line when JShell translated it (an {@link EvalException}'s
 * frames have the file {@code #snippetId}), else by what it is ({@code a lambda in cell code}).
 */
public final class Tracebacks {

    static final String RED = "\u001b[0;31m", GREEN = "\u001b[0;32m", DIM = "\u001b[2m", RESET = "\u001b[0m";

    /** Library frames shown before "... N more". */
    static final int LIBRARY_FRAMES = 12;
    /** Causes shown under an exception. */
    private static final int CAUSES = 8;

    /** Where a snippet sits: the cell that ran it and the line of the cell its first line is on, minus one. */
    record Origin(int executionCount, int lineOffset) {}

    /** Frames of threads no cell request waits for: JShell's snippet ids mean nothing there. */
    private static final Tracebacks RAW = new Tracebacks(Map.of());

    private final Map<String, Origin> origins;

    /** @param origins where each snippet sits, by snippet id (read, not copied: the evaluator keeps it) */
    Tracebacks(Map<String, Origin> origins) {
        this.origins = origins;
    }

    /** The name of an exception's class; JShell's {@link EvalException} stands for the one cell code threw. */
    static String className(Throwable ex) {
        return ex instanceof EvalException ee ? ee.getExceptionClassName() : ex.getClass().getName();
    }

    /**
     * The frames of {@code ex}, then each cause with its frames.
     *
     * @param code the source of the running cell (its lines are quoted beside its frames), or null
     * @param cell the running cell's execution count, or 0
     */
    List<String> frames(Throwable ex, String code, int cell) {
        List<String> tb = new ArrayList<>();
        appendFrames(tb, ex, code, cell);
        Throwable cause = ex.getCause();
        for (int depth = 0; cause != null && depth < CAUSES; depth++, cause = cause.getCause()) {
            tb.add(RED + "Caused by: " + className(cause) + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + RESET);
            appendFrames(tb, cause, code, cell);
        }
        return tb;
    }

    /** The cell's frames first, then the library's; hidden frames left out. */
    private void appendFrames(List<String> tb, Throwable ex, String code, int cell) {
        List<String> user = new ArrayList<>(), library = new ArrayList<>();
        for (StackTraceElement f : ex.getStackTrace()) {
            String file = f.getFileName();
            if (file != null && file.startsWith("#")) {
                user.add(GREEN + translated(f, file.substring(1), code, cell) + RESET);
            } else if (f.getClassName().startsWith("REPL.")) {
                String m = f.getMethodName();
                String what = m.startsWith("lambda$") ? conclab.text.Messages.get("traceback.a_lambda")
                        : m.equals("do_it$") ? conclab.text.Messages.get("traceback.the_cell") : m + "()";
                user.add(GREEN + "  " + conclab.text.Messages.get("traceback.in_cell_code", what) + RESET);
            } else if (!hidden(f.getClassName())) {
                library.add(DIM + "  at " + f + RESET);
            }
        }
        tb.addAll(user);
        if (library.size() > LIBRARY_FRAMES) {
            int more = library.size() - LIBRARY_FRAMES;
            library = new ArrayList<>(library.subList(0, LIBRARY_FRAMES));
            library.add(DIM + "  ... " + more + " more" + RESET);
        }
        tb.addAll(library);
    }

    /** A frame JShell translated to its snippet: its cell, line and method, and the line itself when known. */
    private String translated(StackTraceElement f, String snippetId, String code, int cell) {
        Origin o = origins.get(snippetId);
        String where = o == null ? conclab.text.Messages.get("traceback.snippet", snippetId)
                : conclab.text.Messages.get("kernel.cell_label", String.valueOf(o.executionCount()));
        int line = o == null ? f.getLineNumber() : o.lineOffset() + f.getLineNumber();
        String method = f.getMethodName().isEmpty() || f.getMethodName().equals("do_it$")
                ? "" : conclab.text.Messages.get("traceback.in_method", f.getMethodName());
        String text = "  " + conclab.text.Messages.get("traceback.at_line", where, String.valueOf(line), method);
        if (o != null && code != null && o.executionCount() == cell) {
            String[] lines = code.split("\n", -1);
            if (line >= 1 && line <= lines.length) text += ":  " + DIM + lines[line - 1].strip() + RESET;
        }
        return text;
    }

    /** The kernel's, JShell's, reflection's and {@code Thread}'s own frames: not the learner's business. */
    static boolean hidden(String cls) {
        return cls.startsWith("conclab.kernel.") || cls.startsWith("jdk.internal.reflect.")
                || cls.startsWith("java.lang.reflect.") || cls.startsWith("jdk.jshell.")
                || cls.equals("java.lang.Thread");
    }

    /**
     * Prints {@code e}, uncaught in {@code t}, to {@code err} (the cell's stderr, routed by the dying
     * thread's cell): the thread, the exception, the cell's frames first and the kernel's hidden.
     */
    public static void printUncaught(Thread t, Throwable e, PrintStream err) {
        String name = t.getName().isEmpty()
                ? conclab.text.Messages.get(t.isVirtual() ? "traceback.virtual_thread" : "traceback.unnamed_thread", String.valueOf(t.threadId()))
                : t.getName();
        StringBuilder sb = new StringBuilder();
        // the header in the session's words; the exception and its message as the JDK writes them
        sb.append(conclab.text.Messages.get("traceback.uncaught", name, String.valueOf(e))).append('\n');
        for (String line : RAW.frames(e, null, 0)) sb.append(line).append('\n');
        err.print(sb);
        err.flush();
    }
}
