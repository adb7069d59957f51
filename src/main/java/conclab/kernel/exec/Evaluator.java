package conclab.kernel.exec;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.CellStoppedError;
import conclab.kernel.cell.Liveness;
import conclab.kernel.cell.UnstoppableError;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.ExpressionSnippet;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Evaluates cells with JShell in the kernel's JVM, through {@link CellExecutionControl}.
 *
 * <p>A cell is split into snippets with JShell's own source analysis, each evaluated in turn; the
 * first compile error or exception ends the cell. The cell's value is the last snippet's value when
 * that snippet is an expression not followed by a semicolon ({@code check(...);} runs and shows nothing,
 * as in IPython). Errors name the cell's line and column.
 *
 * <p>Not thread-safe: the shell thread evaluates, completes and inspects, one request at a time.
 */
public final class Evaluator implements AutoCloseable {

    private static final String RED = "\u001b[0;31m", BOLD_RED = "\u001b[1;31m", GREEN = "\u001b[0;32m",
            DIM = "\u001b[2m", RESET = "\u001b[0m";

    private final CellExecutionControl control = new CellExecutionControl();
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    /* Where each snippet's source sits in its cell, for error positions; shell thread only. */
    private final Map<String, Tracebacks.Origin> origins = new HashMap<>();
    private final Tracebacks tracebacks = new Tracebacks(origins);
    /** Results of expression cells kept reachable as {@code $N}; older ones are dropped. */
    public static final int KEEP_RESULTS = 20;
    /* Wrapper class of each variable's latest definition, to free a variable without compiling. */
    /* The static field behind each variable's latest definition, resolved and warmed when it is declared
       (while there is room), so that freeing it later allocates nothing, even on a full heap. */
    private final Map<String, java.lang.reflect.Field> varFields = new HashMap<>();
    private record Temp(VarSnippet snippet, String className) {}
    private final java.util.ArrayDeque<Temp> temps = new java.util.ArrayDeque<>();
    private final SnippetPruner pruner;
    private final Updates updates;
    private final BiConsumer<CellContext, String> notices;

    /**
     * @param classPath entries added to the compiler's and the cells' class path
     * @param err       where JShell itself may write (never cell output)
     */
    public Evaluator(List<String> classPath, PrintStream err) {
        this(classPath, err, (cell, notice) -> { }, Updates.keepValuesSetting());
    }

    /**
     * @param classPath  entries added to the compiler's and the cells' class path
     * @param err        where JShell itself may write (never cell output)
     * @param notices    where notices about a cell go (what JShell changed in other snippets), under that cell
     * @param keepValues whether a variable moved to a new wrapper class keeps its value when it fits
     */
    public Evaluator(List<String> classPath, PrintStream err, BiConsumer<CellContext, String> notices,
                     boolean keepValues) {
        this.notices = notices;
        shell = JShell.builder()
                .executionEngine(control.provider(), Map.of())
                .in(new ByteArrayInputStream(new byte[0]))
                .out(err)
                .err(err)
                .build();
        for (String cp : classPath) shell.addToClasspath(cp);
        DeferredIndexing.hold();
        analysis = shell.sourceCodeAnalysis();
        pruner = new SnippetPruner(shell);
        updates = new Updates(shell, control, varFields, keepValues);
    }

    /** Null when JShell forgets the snippets no longer in force (see {@link SnippetPruner}), else why not. */
    public String pruningDisabled() {
        return pruner.disabled();
    }

    /** How many snippets JShell holds (active or not). */
    long snippetsHeld() {
        return shell.snippets().count();
    }

    /** Prunes now (tests); returns the wrapper classes forgotten. */
    int pruneNow() {
        return pruner.prune();
    }

    /** Whether variables keep their values across updates (see {@link Updates}): {@code CONCLAB_KEEP_VALUES}. */
    public static boolean keepValuesSetting() {
        return Updates.keepValuesSetting();
    }

    public JShell jshell() {
        return shell;
    }

    public SourceCodeAnalysis analysis() {
        return analysis;
    }

    /**
     * JShell's completion suggestions; the first call builds JShell's class-path index first (see
     * {@link DeferredIndexing}), so every answer, the first one too, knows every package.
     */
    public List<SourceCodeAnalysis.Suggestion> completionSuggestions(String code, int cursor, int[] anchor) {
        DeferredIndexing.open(analysis);
        return analysis.completionSuggestions(code, cursor, anchor);
    }

    /** Whether JShell's class-path index still waits for the first completion. */
    public boolean indexingDeferred() {
        return DeferredIndexing.deferred();
    }

    public CellExecutionControl control() {
        return control;
    }

    /** A piece of a cell that JShell evaluates as one snippet. */
    record Piece(String source, int offset) {}

    /** Splits a cell into snippets, with their offsets in the cell. */
    List<Piece> split(String code) {
        List<Piece> pieces = new ArrayList<>();
        String rest = code;
        while (true) {
            int consumed = code.length() - rest.length();
            SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(rest);
            switch (ci.completeness()) {
                case EMPTY -> { return pieces; }
                case COMPLETE, COMPLETE_WITH_SEMI -> {
                    pieces.add(new Piece(ci.source(), locate(code, consumed, ci.source())));
                    if (ci.remaining().isBlank()) return pieces;
                    rest = ci.remaining();
                }
                default -> {   // incomplete or unknown: let JShell report it
                    pieces.add(new Piece(rest, locate(code, consumed, rest)));
                    return pieces;
                }
            }
        }
    }

    /** Where {@code source}'s first character sits in {@code code}, searching from {@code from}. */
    private static int locate(String code, int from, String source) {
        int lead = 0;
        while (lead < source.length() && Character.isWhitespace(source.charAt(lead))) lead++;
        String head = source.substring(lead, Math.min(source.length(), lead + 24));
        int at = head.isEmpty() ? -1 : code.indexOf(head, from);
        if (at >= 0) return Math.max(0, at - lead);
        int i = from;
        while (i < code.length() && Character.isWhitespace(code.charAt(i))) i++;
        return i;
    }

    /** Evaluates a cell under {@code ctx}. */
    public Outcome eval(String code, CellContext ctx) {
        try {
            return evalCell(code, ctx);
        } finally {
            pruner.cellDone();
        }
    }

    private Outcome evalCell(String code, CellContext ctx) {
        control.enter(ctx);
        control.forgetClass();
        control.takeLoaded();
        Outcome result = new Outcome.Ok(false, null);
        boolean silent = false;
        for (Piece p : split(code)) {
            silent = endsWithSemicolon(p.source());
            // JShell numbers a snippet's lines from its first non-blank character
            int first = p.offset();
            while (first < code.length() && Character.isWhitespace(code.charAt(first))) first++;
            int lineOffset = lineOf(code, first) - 1;
            List<SnippetEvent> events = shell.eval(p.source());
            // what the snippet did to others (recompiled, reset, made unusable), said before its own result
            for (String notice : updates.apply(events, control.takeLoaded(), ctx.executionCount(), this::cellOf)) {
                notices.accept(ctx, notice);
            }
            result = new Outcome.Ok(false, null);
            for (SnippetEvent ev : events) {
                if (ev.causeSnippet() != null) continue;
                Snippet s = ev.snippet();
                if (s instanceof VarSnippet v && !s.subKind().equals(Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND)) {
                    updates.declared(v.name());
                }
                origins.put(s.id(), new Tracebacks.Origin(ctx.executionCount(), lineOffset));
                if (ev.status() == Snippet.Status.REJECTED) {
                    return compileError(code, p, s, ctx);
                }
                if (ev.exception() != null) {
                    return runtimeError(ev.exception(), control.lastFailure(), code, ctx);
                }
                if (s instanceof VarSnippet v && control.lastClass() != null) {
                    java.lang.reflect.Field f = control.field(control.lastClass(), v.name());
                    if (f != null) varFields.put(v.name(), f);
                    else varFields.remove(v.name());
                }
                if (s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND && s instanceof VarSnippet v) {
                    temps.addLast(new Temp(v, control.lastClass()));
                    while (temps.size() > KEEP_RESULTS) {
                        // drop the snippet, and clear the static field that still holds its value
                        Temp old = temps.removeFirst();
                        shell.drop(old.snippet());
                        if (old.className() != null) control.clear(old.className(), old.snippet().name());
                        CellExecutionControl.clear(varFields.remove(old.snippet().name()));   // moved by an update
                    }
                }
                if (isExpression(s)) {
                    String type = s instanceof VarSnippet v ? v.typeName() : ((ExpressionSnippet) s).typeName();
                    if (!"void".equals(type)) result = new Outcome.Ok(true, control.lastValue());
                }
            }
        }
        control.clearLast();
        forget(ctx);
        return silent && result instanceof Outcome.Ok ? new Outcome.Ok(false, null) : result;
    }

    /**
     * Whether the last character of {@code src} that is not blank or in a comment is a semicolon.
     * Strings, character literals and text blocks are skipped so a {@code ";"} inside them does not count.
     */
    static boolean endsWithSemicolon(String src) {
        char last = 0;
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') end = src.indexOf("\"\"\"", end + 1);
                i = end < 0 ? n : end + 3;
                last = '"';
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && src.charAt(i) != c && src.charAt(i) != '\n') i += src.charAt(i) == '\\' ? 2 : 1;
                i++;
                last = c;
            } else {
                if (!Character.isWhitespace(c)) last = c;
                i++;
            }
        }
        return last == ';';
    }

    /**
     * Sets variables to null without compiling anything (the compiler may need the memory they hold),
     * as {@code name = null;} would. Returns false when a name is not a variable known to the kernel.
     */
    public boolean free(List<String> names) {
        for (String n : names) if (!varFields.containsKey(n)) return false;
        for (String n : names) CellExecutionControl.clear(varFields.get(n));
        return true;
    }

    /** The execution count of the cell that declared {@code s}, or 0 when forgotten. */
    private int cellOf(Snippet s) {
        Tracebacks.Origin o = origins.get(s.id());
        return o == null ? 0 : o.executionCount();
    }

    /** Old snippets' origins are only needed for stack traces of recent cells: keep a bounded map. */
    private void forget(CellContext ctx) {
        if (origins.size() > 4096) {
            int oldest = ctx.executionCount() - 500;
            origins.values().removeIf(o -> o.executionCount() < oldest);
        }
    }

    private static boolean isExpression(Snippet s) {
        return s.kind() == Snippet.Kind.EXPRESSION
                || (s.kind() == Snippet.Kind.VAR && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < code.length(); i++) if (code.charAt(i) == '\n') line++;
        return line;
    }

    private static int columnOf(String code, int offset) {
        int nl = code.lastIndexOf('\n', offset - 1);
        return offset - nl;
    }

    private Outcome compileError(String code, Piece p, Snippet s, CellContext ctx) {
        List<Diag> diags = shell.diagnostics(s).filter(Diag::isError).toList();
        if (diags.isEmpty()) diags = shell.diagnostics(s).toList();
        List<String> tb = new ArrayList<>();
        String first = diags.isEmpty() ? "the code cannot be compiled" : message(diags.getFirst()).lines().findFirst().orElse("");
        for (Diag d : diags) {
            long pos = d.getPosition() >= 0 ? d.getPosition() : Math.max(0, d.getStartPosition());
            int at = (int) Math.min(p.offset() + pos, code.length());
            int line = lineOf(code, at), col = columnOf(code, at);
            String[] msg = message(d).split("\n");
            tb.add(BOLD_RED + "Compile error" + RESET + " in " + ctx.label() + ", line " + line + ", column " + col
                    + ": " + msg[0]);
            for (int i = 1; i < msg.length; i++) tb.add("    " + msg[i].strip());
            String src = code.split("\n", -1)[line - 1];
            String gutter = String.format(Locale.ROOT, "%4d | ", line);
            tb.add(DIM + gutter + RESET + src);
            int width = 1;
            if (d.getEndPosition() > pos && d.getStartPosition() >= 0) {
                width = (int) Math.max(1, Math.min(d.getEndPosition() - pos, src.length() - col + 1));
            }
            tb.add(" ".repeat(gutter.length() + col - 1) + RED + "^" + "~".repeat(width - 1) + RESET);
        }
        return new Outcome.Failed("CompileError", first, tb);
    }

    /** A diagnostic's message without JShell's wrapper ("location: class" names no class of the user's). */
    private static String message(Diag d) {
        return d.getMessage(Locale.ROOT).lines()
                .filter(l -> !l.strip().equals("location: class"))
                .collect(Collectors.joining("\n")).strip();
    }

    private Outcome runtimeError(JShellException ex, Throwable raw, String code, CellContext ctx) {
        if (raw instanceof UnstoppableError u) {
            return new Outcome.Interrupted("interrupted; thread " + u.thread().getName()
                    + " could not be stopped", Liveness.unstoppableReport(ctx, u.thread()), u.thread());
        }
        // after an interrupt, whatever ended the cell (a stop check, an InterruptedException out of
        // join, sleep or take) is the interrupt, and is reported as one
        if (ctx.stopRequested() || raw instanceof CellStoppedError || (ex instanceof EvalException ee
                && CellStoppedError.class.getName().equals(ee.getExceptionClassName()))) {
            return new Outcome.Interrupted("interrupted",
                    List.of(BOLD_RED + conclab.text.Messages.get("kernel.interrupted") + RESET + ": "
                            + conclab.text.Messages.get("kernel.stopped", ctx.label())), null);
        }
        if (ex instanceof UnresolvedReferenceException ure) {
            String what = ure.getSnippet().toString();
            List<String> unresolved = shell.unresolvedDependencies(ure.getSnippet()).toList();
            String msg = "cannot run until " + String.join(", ", unresolved) + " is defined";
            return new Outcome.Failed("UnresolvedReference", msg,
                    List.of(BOLD_RED + "UnresolvedReference" + RESET + ": " + msg, DIM + what.strip() + RESET));
        }
        String cls = Tracebacks.className(ex);
        String msg = ex.getMessage() == null ? "" : ex.getMessage();
        List<String> tb = new ArrayList<>();
        tb.add(BOLD_RED + cls + RESET + (msg.isEmpty() ? "" : ": " + msg));
        tb.addAll(updates.hints(cls, msg, code));
        if (raw instanceof OutOfMemoryError) {
            tb.add(GREEN + conclab.text.Messages.get("kernel.heap_full.advice") + RESET);
        } else if (raw instanceof StackOverflowError) {
            tb.add(GREEN + conclab.text.Messages.get("kernel.recursion.advice") + RESET);
        }
        tb.addAll(tracebacks.frames(ex, code, ctx.executionCount()));
        return new Outcome.Failed(cls, msg, tb);
    }

    /** Code after the last complete snippet, for is_complete: complete, incomplete or invalid. */
    public String completeness(String code) {
        String rest = code;
        while (true) {
            SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(rest);
            switch (ci.completeness()) {
                case EMPTY -> { return "complete"; }
                case COMPLETE, COMPLETE_WITH_SEMI -> {
                    if (ci.remaining().isBlank()) return "complete";
                    rest = ci.remaining();
                }
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> { return "incomplete"; }
                default -> { return "invalid"; }
            }
        }
    }

    /**
     * Signature and Javadoc of what is at {@code cursor} (a method call, a type, a variable), as plain
     * text, or null when nothing is known there.
     */
    public String documentation(String code, int cursor) {
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, cursor, true);
        if (docs.isEmpty()) {
            // a bare name (String, Math.abs): ask as if it were being called or constructed
            int start = cursor;
            while (start > 0 && (Character.isJavaIdentifierPart(code.charAt(start - 1)) || code.charAt(start - 1) == '.')) start--;
            int end = cursor;
            while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) end++;
            String name = code.substring(start, end);
            if (name.isEmpty()) return null;
            docs = analysis.documentation(name + "(", name.length() + 1, true);
            if (docs.isEmpty()) docs = analysis.documentation("new " + name + "(", name.length() + 5, true);
            if (docs.isEmpty()) {
                String type = analysis.analyzeType(name, name.length());
                if (type != null && !type.isEmpty()) return name + " : " + type;
                return null;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            if (!sb.isEmpty()) sb.append("\n\n");
            sb.append(d.signature());
            if (d.javadoc() != null && !d.javadoc().isBlank()) sb.append("\n\n").append(d.javadoc().strip());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        shell.close();
    }
}
