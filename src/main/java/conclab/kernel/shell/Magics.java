package conclab.kernel.shell;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import conclab.kernel.exec.Evaluator;
import conclab.kernel.exec.Outcome;
import conclab.kernel.cell.CellContext;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Magics: a cell starting with {@code %name args} (line magic, the rest of the line) or {@code %%name}
 * (cell magic, the rest of the cell), and {@code name?} to page the documentation of {@code name}.
 */
public final class Magics {

    /** A magic's outcome. */
    public record Result(Outcome outcome) {}

    private interface Magic {
        Outcome run(String args, String body, CellContext ctx, JsonArray payload);
    }

    private static final Pattern PAGE = Pattern.compile("^\\s*([\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.]*)\\s*\\?\\s*$");
    private final Supplier<Evaluator> evaluator;
    private final conclab.kernel.cell.Contexts contexts;
    private final Map<String, Magic> line = new TreeMap<>(), cell = new TreeMap<>();
    private final PythonCells python;
    private final conclab.kernel.maven.MavenMagics maven;   // %maven & co., and what they (and %classpath) added

    public Magics(Supplier<Evaluator> evaluator, conclab.kernel.cell.Contexts contexts, Runnable reset,
                  conclab.kernel.io.StdinBridge stdin) {
        this.evaluator = evaluator;
        this.contexts = contexts;
        maven = new conclab.kernel.maven.MavenMagics(evaluator);
        line.put("reset", (a, b, c, p) -> {
            reset.run();
            int kept = maven.carryOver();   // the jars added before go to the new JShell
            return print(conclab.text.Messages.get("kernel.reset") + (kept == 0 ? "" : "\n" + conclab.text.Messages.hint(
                    kept == 1 ? "maven.reset.kept.one" : "maven.reset.kept.many", kept)));
        });
        line.put("lsmagic", (a, b, c, p) -> print(conclab.text.Messages.get("kernel.lsmagic", names(line, "%"), names(cell, "%%"))));
        line.put("classpath", this::classpath);
        line.put("doc", (a, b, c, p) -> page(a.strip(), p));
        line.put("time", (a, b, c, p) -> time(a, c));
        line.put("timeit", (a, b, c, p) -> timeit(a, c));
        cell.put("timeit", (a, b, c, p) -> timeit(b, c));
        line.put("threads", (a, b, c, p) -> print(conclab.kernel.cell.Liveness.table()));
        line.put("output", this::lateOutput);
        cell.put("time", (a, b, c, p) -> time(b, c));
        // %%python: the cell on CPython (PythonCells); %python_use PATH picks the interpreter
        python = new PythonCells(contexts, stdin);
        cell.put("python", (a, b, c, p) -> python.run(b, c));
        line.put("python_use", (a, b, c, p) -> python.use(a));
        line.put("load", this::load);
        // libraries, with IJava's names (conclab.kernel.maven)
        for (String name : List.of("maven", "addMavenDependency", "addMavenDependencies")) {
            line.put(name, (a, b, c, p) -> maven.maven(a, c));
        }
        for (String name : List.of("mavenRepo", "addMavenRepo")) line.put(name, (a, b, c, p) -> maven.mavenRepo(a));
        line.put("jars", (a, b, c, p) -> maven.jars(a));
        line.put("loadFromPOM", (a, b, c, p) -> maven.loadFromPomFile(a, c));
        cell.put("loadFromPOM", (a, b, c, p) -> maven.loadFromPomCell(a, b, c));
        conclab.spi.MagicCalls.install(new conclab.spi.MagicCalls.Runner() {   // lineMagic(...), cellMagic(...)
            @Override public Object line(String name, List<String> args) {
                return call(line, "%", name, args, "");
            }
            @Override public Object cell(String name, List<String> args, String body) {
                return call(cell, "%%", name, args, body == null ? "" : body);
            }
        });
    }

    /**
     * A magic called from a cell's code (on the cell's thread, the shell thread waiting for it): its value,
     * or a {@link conclab.spi.MagicCalls.MagicFailed} with its message.
     */
    private Object call(Map<String, Magic> table, String prefix, String name, List<String> args, String body) {
        Magic m = table.get(name);
        if (m == null) throw new conclab.spi.MagicCalls.MagicFailed("UnknownMagic", prefix + name + " is not a magic; %lsmagic lists them.");
        CellContext ctx = contexts.forCurrentThread();
        Outcome o = m.run(String.join(" ", args), body, ctx, new JsonArray());
        return switch (o) {
            case Outcome.Ok ok -> ok.value();
            case Outcome.Failed f -> throw new conclab.spi.MagicCalls.MagicFailed(f.ename(), f.evalue());
            case Outcome.Interrupted i -> throw new conclab.spi.MagicCalls.MagicFailed(i.ename(), i.evalue());
        };
    }

    /**
     * A magic inside a cell's code, as IJava has them: a line {@code %name args} or {@code TYPE VAR = %name args}
     * ({@code List<String> added = %jars lib/*.jar}), {@code name} a line magic (a line starting with
     * {@code %} is never Java).
     */
    private static final Pattern EMBEDDED = Pattern.compile("^(\\s*(?:[^\"'=%]*=\\s*)?)%([\\p{Alpha}][\\w]*)(.*)$");

    /**
     * The cell with each magic line in it replaced by a {@code lineMagic(name, List.of(args))} call, or null
     * when it has none.
     */
    String desugar(String code) {
        String[] lines = code.split("\n", -1);
        boolean changed = false;
        for (int i = 0; i < lines.length; i++) {
            Matcher m = EMBEDDED.matcher(lines[i]);
            if (!m.matches() || !line.containsKey(m.group(2))) continue;
            List<String> args = new java.util.ArrayList<>();
            for (String a : m.group(3).strip().split("\\s+")) if (!a.isEmpty()) args.add(a);
            String rest = m.group(3).strip();
            if (rest.endsWith(";")) args.set(args.size() - 1, args.getLast().substring(0, args.getLast().length() - 1));
            args.removeIf(String::isEmpty);
            StringBuilder call = new StringBuilder(m.group(1)).append("lineMagic(").append(quote(m.group(2)))
                    .append(", java.util.List.of(");
            for (int k = 0; k < args.size(); k++) call.append(k == 0 ? "" : ", ").append(quote(args.get(k)));
            lines[i] = call.append("));").toString();
            changed = true;
        }
        return changed ? String.join("\n", lines) : null;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** {@code %load FILE}: runs a file of Java snippets ({@code .jsh}) as if it were the cell. */
    private Outcome load(String args, String body, CellContext ctx, JsonArray payload) {
        java.nio.file.Path p = java.nio.file.Path.of(args.strip()).toAbsolutePath();
        String code;
        try {
            code = java.nio.file.Files.readString(p);
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            String msg = conclab.text.Messages.get("magic.cannot_read", String.valueOf(p));
            return new Outcome.Failed("LoadError", msg,
                    List.of("\u001b[1;31mLoadError\u001b[0m: " + msg + " (" + e + ")"));
        }
        return evaluator.get().eval(code, ctx);
    }

    private static String names(Map<String, Magic> m, String prefix) {
        return String.join("  ", m.keySet().stream().map(k -> prefix + k).toList());
    }

    /** The {@code %%python} cells (for Tab and Shift-Tab in them). */
    PythonCells python() {
        return python;
    }

    /** Runs the magic {@code code} starts with, or returns null when it is plain Java. */
    public Result run(String code, CellContext ctx, JsonArray payload) {
        String stripped = code.stripLeading();
        Matcher pm = PAGE.matcher(code);
        if (pm.matches()) return new Result(page(pm.group(1), payload));
        if (stripped.startsWith("%%")) {
            int nl = stripped.indexOf('\n');
            String head = nl < 0 ? stripped.substring(2) : stripped.substring(2, nl);
            String body = nl < 0 ? "" : stripped.substring(nl + 1);
            String[] parts = head.strip().split("\\s+", 2);
            Magic m = cell.get(parts[0]);
            if (m == null) return new Result(unknown("%%" + parts[0]));
            return new Result(m.run(parts.length > 1 ? parts[1] : "", body, ctx, payload));
        }
        if (stripped.startsWith("%")) {
            int nl = stripped.indexOf('\n');
            String head = nl < 0 ? stripped.substring(1) : stripped.substring(1, nl);
            String rest = nl < 0 ? "" : stripped.substring(nl + 1);
            String[] parts = head.strip().split("\\s+", 2);
            Magic m = line.get(parts[0]);
            if (m == null) return new Result(unknown("%" + parts[0]));
            Outcome o = m.run(parts.length > 1 ? parts[1] : "", "", ctx, payload);
            if (o instanceof Outcome.Ok && !rest.isBlank()) {
                Result more = run(rest, ctx, payload);   // the next line may be a magic too
                o = more != null ? more.outcome() : evaluator.get().eval(rest, ctx);
            }
            return new Result(o);
        }
        String desugared = desugar(code);
        if (desugared != null) return new Result(evaluator.get().eval(desugared, ctx));
        return null;
    }

    private Outcome unknown(String name) {
        return new Outcome.Failed("UnknownMagic", conclab.text.Messages.get("magic.unknown", name),
                List.of("\u001b[1;31mUnknownMagic\u001b[0m: " + conclab.text.Messages.get("magic.unknown.advice", name)));
    }

    private static Outcome print(String text) {
        System.out.println(text);
        return new Outcome.Ok(false, null);
    }

    private Outcome classpath(String args, String body, CellContext ctx, JsonArray payload) {
        if (args.isBlank()) {
            return print(String.join("\n", System.getProperty("java.class.path").split(File.pathSeparator)));
        }
        List<String> entries = new java.util.ArrayList<>();
        for (String entry : args.strip().split("\\s+|" + Pattern.quote(File.pathSeparator))) {
            if (!conclab.kernel.maven.MavenMagics.isGlob(entry)) {
                entries.add(entry);
                continue;
            }
            // a glob, as IJava's %classpath takes: the files it matches (a directory matched: its jars)
            List<java.nio.file.Path> matched = conclab.kernel.maven.MavenMagics.glob(entry);
            if (matched.isEmpty()) {
                String msg = conclab.text.Messages.get("maven.jars.no_match", entry);
                return new Outcome.Failed("ClasspathError", msg, List.of("\u001b[1;31mClasspathError\u001b[0m: " + msg));
            }
            matched.forEach(p -> entries.add(p.toString()));
        }
        for (String entry : entries) {
            File f = new File(entry);
            if (!f.exists()) {
                String msg = conclab.text.Messages.get("magic.no_such_entry", String.valueOf(entry));
                return new Outcome.Failed("ClasspathError", msg,
                        List.of("\u001b[1;31mClasspathError\u001b[0m: " + msg));
            }
            maven.classpath(f.toPath());   // kept over a %reset, as the jars of %maven and %jars
            System.out.println("added " + f.getAbsolutePath());
        }
        return new Outcome.Ok(false, null);
    }

    private Outcome lateOutput(String args, String body, CellContext ctx, JsonArray payload) {
        int n;
        try {
            n = Integer.parseInt(args.strip());
        } catch (NumberFormatException e) {
            return new Outcome.Failed("UsageError", "usage: %output N",
                    List.of("\u001b[1;31mUsageError\u001b[0m: " + conclab.text.Messages.get("magic.output.usage")));
        }
        CellContext cell = contexts.cell(n);
        if (cell == null) return print(conclab.text.Messages.get("magic.output.gone", String.valueOf(n), conclab.text.Messages.format("%,d", 1000)));
        String late = cell.lateOutput();
        return print(late.isEmpty() ? conclab.text.Messages.get("magic.output.nothing", String.valueOf(n)) : late);
    }

    /** Times {@code code} in a loop inside one snippet (an expression, else statements). */
    private Outcome timeit(String code, CellContext ctx) {
        String body = code.strip();
        if (body.endsWith(";")) body = body.substring(0, body.length() - 1);
        Evaluator ev = evaluator.get();
        Outcome defined = ev.eval("java.util.concurrent.Callable<Object> $timeit = () -> (Object) (" + body + ");", ctx);
        if (!(defined instanceof Outcome.Ok)) {
            defined = ev.eval("java.util.concurrent.Callable<Object> $timeit = () -> { " + body + "; return null; };", ctx);
        }
        if (!(defined instanceof Outcome.Ok)) return defined;
        Outcome o = ev.eval("System.out.println(conclab.kernel.exec.Timeit.run($timeit));", ctx);
        ev.eval("$timeit = null;", ctx);
        return o;
    }

    private Outcome time(String code, CellContext ctx) {
        long t0 = System.nanoTime();
        Outcome o = evaluator.get().eval(code, ctx);
        long ns = System.nanoTime() - t0;
        System.out.println(conclab.text.Messages.get("kernel.wall_time", human(ns)));
        return o;
    }

    static String human(long ns) {
        if (ns < 10_000) return conclab.text.Messages.unit(String.valueOf(ns), "ns");
        if (ns < 10_000_000) return conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", ns / 1e3), "µs");
        if (ns < 10_000_000_000L) return conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", ns / 1e6), "ms");
        return conclab.text.Messages.unit(conclab.text.Messages.format("%.2f", ns / 1e9), "s");
    }

    private Outcome page(String name, JsonArray payload) {
        String doc = evaluator.get().documentation(name, name.length());
        if (doc == null) {
            String msg = conclab.text.Messages.get("magic.no_doc", name);
            return new Outcome.Failed("NotFound", msg,
                    List.of("\u001b[1;31mNotFound\u001b[0m: " + msg));
        }
        JsonObject p = new JsonObject();
        p.addProperty("source", "page");
        JsonObject data = new JsonObject();
        data.addProperty("text/plain", doc);
        p.add("data", data);
        p.addProperty("start", 0);
        payload.add(p);
        return new Outcome.Ok(false, null);
    }
}
