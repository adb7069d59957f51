package conclab.kernel.shell;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.CellThreads;
import conclab.kernel.cell.Contexts;
import conclab.kernel.exec.Evaluator;
import jdk.jshell.SourceCodeAnalysis;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The shell requests other than execute: kernel_info, complete, inspect, is_complete, history and
 * comm_info (with its optional {@code target_name} filter). Cursor positions are in Unicode code points, as protocol 5.2+ says; Java strings index
 * UTF-16 units, so positions are converted both ways.
 */
public final class Requests {

    private final Supplier<Evaluator> evaluator;
    private final History history;
    private final Contexts contexts;
    private final String version;
    private final PythonCells python;
    private final conclab.kernel.io.Comms comms;

    public Requests(Supplier<Evaluator> evaluator, History history, Contexts contexts, String version, Magics magics,
                    conclab.kernel.io.Comms comms) {
        this.comms = comms;
        this.evaluator = evaluator;
        this.history = history;
        this.contexts = contexts;
        this.version = version;
        this.python = magics == null ? null : magics.python();
    }

    /**
     * The kernel's handler table: every message type of every channel and who handles it. Execute and
     * shutdown are handled elsewhere ({@link ExecuteHandler}, the kernel's own shutdown); the front end's
     * comm_open, comm_msg and comm_close never reach this table: the shell I/O thread gives them to
     * {@link conclab.kernel.io.Comms} as they arrive, also while a cell runs.
     */
    public Dispatcher register(Dispatcher d, ExecuteHandler execute, Dispatcher.Handler shutdown) {
        return d.shell("execute_request", execute)
                .shell("kernel_info_request", this::kernelInfo)
                .shell("complete_request", this::complete)
                .shell("inspect_request", this::inspect)
                .shell("is_complete_request", this::isComplete)
                .shell("history_request", this::history)
                .shell("comm_info_request", this::commInfo)
                .shell("shutdown_request", shutdown)
                .control("kernel_info_request", this::kernelInfo)
                .control("interrupt_request", this::interrupt)
                .control("shutdown_request", shutdown);
    }

    /** interrupt_request (control thread): stops the running cell, if any (see {@link CellThreads#stop}). */
    void interrupt(Request r) {
        CellContext running = contexts.runningCell();
        if (running != null) CellThreads.stop(running);
        r.reply("interrupt_reply", Request.ok());
    }

    void kernelInfo(Request r) {
        JsonObject c = Request.ok();
        c.addProperty("protocol_version", "5.4");
        c.addProperty("implementation", "conclab");
        c.addProperty("implementation_version", version);
        JsonObject li = new JsonObject();
        li.addProperty("name", "java");
        li.addProperty("version", Runtime.version().toString());
        li.addProperty("mimetype", "text/x-java");
        li.addProperty("file_extension", ".jshell");
        li.addProperty("codemirror_mode", "java");
        li.addProperty("pygments_lexer", "java");
        c.add("language_info", li);
        c.addProperty("banner", "Concurrency Lab " + version + " — Java " + Runtime.version().feature()
                + " (" + Runtime.version() + "), " + Runtime.getRuntime().availableProcessors() + " cores");
        c.addProperty("debugger", false);
        JsonArray links = new JsonArray();
        links.add(link("Java " + Runtime.version().feature() + " API",
                "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/"));
        links.add(link("JShell guide", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature()
                + "/jshell/introduction-jshell.html"));
        c.add("help_links", links);
        r.reply("kernel_info_reply", c);
    }

    private static JsonObject link(String text, String url) {
        JsonObject o = new JsonObject();
        o.addProperty("text", text);
        o.addProperty("url", url);
        return o;
    }

    void complete(Request r) {
        String code = r.message().str("code", "");
        int cursorCp = r.message().integer("cursor_pos", code.codePointCount(0, code.length()));
        if (python != null && PythonCells.isPythonCell(code)) {
            completePython(r, code, cursorCp);
            return;
        }
        int cursor = charIndex(code, cursorCp);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                evaluator.get().completionSuggestions(code, cursor, anchor);
        // a method with parameters is offered by name ("abs", not JShell's "abs("): the popup lists names,
        // and overloads collapse into one entry; a method without parameters keeps its "()"
        Set<String> matches = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions) if (s.matchesType()) matches.add(name(s.continuation()));
        for (SourceCodeAnalysis.Suggestion s : suggestions) matches.add(name(s.continuation()));
        Set<String> methods = new java.util.HashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions) {
            if (s.continuation().endsWith("(") || s.continuation().endsWith("()")) methods.add(name(s.continuation()));
        }
        int start = code.codePointCount(0, Math.min(anchor[0], cursor));
        List<String> texts = List.copyOf(matches);
        completeReply(r, texts, texts.stream().map(t -> methods.contains(t) ? "function" : "").toList(), start, cursorCp);
    }

    /** Tab in a {@code %%python} cell: the worker's completions (positions in code points both sides). */
    private void completePython(Request r, String code, int cursorCp) {
        var found = python.complete(code, cursorCp);
        if (found == null) completeReply(r, List.of(), List.of(), cursorCp, cursorCp);
        else completeReply(r, found.texts(), found.types(), found.start(), found.end());
    }

    /** One complete_reply: the matches, their types for JupyterLab's popup, and the span they replace. */
    private static void completeReply(Request r, List<String> texts, List<String> kinds, int start, int end) {
        JsonObject c = Request.ok();
        JsonArray m = new JsonArray(), types = new JsonArray();
        for (int i = 0; i < texts.size(); i++) {
            m.add(texts.get(i));
            JsonObject t = new JsonObject();
            t.addProperty("text", texts.get(i));
            t.addProperty("type", kinds.get(i));
            t.addProperty("start", start);
            t.addProperty("end", end);
            types.add(t);
        }
        c.add("matches", m);
        c.addProperty("cursor_start", start);
        c.addProperty("cursor_end", end);
        JsonObject md = new JsonObject();
        md.add("_jupyter_types_experimental", types);
        c.add("metadata", md);
        r.reply("complete_reply", c);
    }

    private static String name(String continuation) {
        return continuation.endsWith("(") ? continuation.substring(0, continuation.length() - 1) : continuation;
    }

    void inspect(Request r) {
        String code = r.message().str("code", "");
        int cursorCp = r.message().integer("cursor_pos", code.codePointCount(0, code.length()));
        String doc = python != null && PythonCells.isPythonCell(code)
                ? python.inspect(code, cursorCp, r.message().integer("detail_level", 0))
                : evaluator.get().documentation(code, charIndex(code, cursorCp));
        JsonObject c = Request.ok();
        c.addProperty("found", doc != null);
        JsonObject data = new JsonObject();
        if (doc != null) data.addProperty("text/plain", doc);
        c.add("data", data);
        c.add("metadata", new JsonObject());
        r.reply("inspect_reply", c);
    }

    void isComplete(Request r) {
        String status = evaluator.get().completeness(r.message().str("code", ""));
        JsonObject c = new JsonObject();
        c.addProperty("status", status);
        if (status.equals("incomplete")) c.addProperty("indent", "    ");
        r.reply("is_complete_reply", c);
    }

    void history(Request r) {
        var m = r.message();
        boolean output = m.bool("output", false);
        List<History.Entry> entries = switch (m.str("hist_access_type", "tail")) {
            case "range" -> history.range(m.integer("session", 0), m.integer("start", 0), m.integer("stop", 0));
            case "search" -> history.search(m.str("pattern", "*"), m.integer("n", 0), m.bool("unique", false));
            default -> history.tail(m.integer("n", 10));
        };
        JsonObject c = Request.ok();
        c.add("history", History.toJson(entries, output));
        r.reply("history_reply", c);
    }

    void commInfo(Request r) {
        JsonObject c = Request.ok();
        c.add("comms", comms.info(r.message().str("target_name", null)));
        r.reply("comm_info_reply", c);
    }

    /** The UTF-16 index of code point offset {@code cp} in {@code s}. */
    static int charIndex(String s, int cp) {
        int total = s.codePointCount(0, s.length());
        if (cp >= total) return s.length();
        if (cp <= 0) return 0;
        return s.offsetByCodePoints(0, cp);
    }
}
