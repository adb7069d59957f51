package conclab.task;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import conclab.spi.Displayable;
import conclab.trace.Marker;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A CPython process that runs Python code cell after cell and keeps its variables: what the kernel's
 * {@code %%python} cells run on, and what {@code Lab.pythonWorker()} gives plain JShell users.
 * <pre>{@code
 * var py = pythonWorker();
 * py.run("import threading\nx = 41");
 * py.run("x + 1");                       // 42 (the result shows the value's repr)
 * py.run("with lab.span('work'): sum(range(10**6))");
 * Charts.timeline(pythonTrace());        // the spans of the last run, one lane per Python thread
 * }</pre>
 *
 * <h2>The worker</h2>
 * The interpreter is {@link CPython#find()}'s ({@code CONCLAB_PYTHON}, else {@code /usr/bin/python3},
 * else {@code python3} on the {@code PATH}; {@link CPython#use} changes it) running
 * {@code conclab/python/cells.py}, which documents the protocol: length-prefixed JSON frames on its
 * standard input and output; its standard error carries only what C code or child processes wrote
 * directly, shown under the last run. The process is started on the first {@link #run}, in a process
 * group of its own, and kept; it ends when its input closes (this JVM ended, however), when its parent
 * process is gone, on {@link #close()}, or by a JVM shutdown hook. A worker that died (a crash,
 * {@code os._exit}) is reported by the run it was serving and replaced on the next run, with a notice.
 *
 * <h2>Output</h2>
 * Each piece of text a Python thread writes to {@code sys.stdout} or {@code sys.stderr} comes back
 * tagged with the run of the thread that wrote it (a thread belongs to the run of the thread that
 * created it) and is handed, in order, to the {@link Output} with that run's owner. The default prints
 * to {@code System.out} and {@code System.err}; the kernel hands it to the cell the owner names.
 *
 * <h2>Displays, input, completion</h2>
 * What Python displays during a run ({@code display(x)}, {@code plt.show()}, matplotlib figures left open at
 * its end; the worker draws them with Agg) goes to {@link Output#display}; Python's {@code input()} asks
 * {@link Output#input} on a thread of its own. {@link #complete} and {@link #inspect} answer Tab and
 * Shift-Tab from the worker's namespace ({@code rlcompleter}, {@code inspect}).
 *
 * <h2>Child processes</h2>
 * The worker's namespace is a real {@code __main__} module, and the worker writes a session module of what
 * the runs defined (imports, functions, classes, literal constants) that multiprocessing runs first in a
 * child started with {@code spawn} or {@code forkserver}, so a function of an earlier run can be a pool's
 * task with every start method. Children (forked or not) send their output and spans on the worker's
 * channel; their spans join the run's trace, in lanes labelled by process.
 *
 * <h2>Interrupt</h2>
 * When the thread waiting in {@link #run} is interrupted, the worker's main thread gets SIGINT (a
 * {@code KeyboardInterrupt} in the cell); if the run has not ended {@link #GRACE_NANOS} later, the
 * worker and its process group are killed, and the next run starts a fresh worker, with a notice.
 *
 * <p>Thread safety: runs are serialised (one at a time per worker); {@link #output} and
 * {@link #lastTrace()} may be called from any thread.
 */
public final class PythonWorker implements AutoCloseable {

    /** Where the text Python threads print goes, and what else a run shows or asks for. */
    @FunctionalInterface
    public interface Output {
        /** {@code owner}: what the run that printed it was given (null in plain runs). Called on a reader thread. */
        void write(Object owner, boolean stderr, String text);

        /**
         * A value Python showed during the run ({@code display(x)}, {@code plt.show()}, a figure left open at
         * its end), as a MIME bundle (images as bytes). Called on a reader thread, in order with the output;
         * the default prints its {@code text/plain}.
         */
        default void display(Object owner, Map<String, Object> bundle) {
            write(owner, false, bundle.getOrDefault(Displayable.PLAIN, "") + "\n");
        }

        /**
         * A line for Python's {@code input(prompt)} (or {@code getpass}), asked by a thread of the run; called
         * on a thread of its own, which may block until the line comes. Throw {@link UnsupportedOperationException}
         * with the reason when no input can be had: Python raises {@code StdinNotImplementedError} with it.
         * The default reads a line of {@code System.in}.
         */
        default String input(Object owner, String prompt, boolean password) throws Exception {
            write(owner, false, prompt);
            StringBuilder line = new StringBuilder();
            for (int c; (c = System.in.read()) >= 0 && c != '\n'; ) line.append((char) c);
            return line.toString();
        }
    }

    /** How long an interrupted run may take to stop before the worker is killed. */
    public static final long GRACE_NANOS = 1_000_000_000L;
    private static final String SCRIPT = "/conclab/python/cells.py";
    /* Spans and marks that child processes sent during a run (spawn, forkserver and forked children write
       their own frames), by run; written by the reader thread, taken by the run's thread. Guarded by itself. */
    private final Map<Long, List<JsonArray>> childSpans = new java.util.HashMap<>(), childMarks = new java.util.HashMap<>();
    /* Completion and inspection requests waiting for the worker's reply, by id. */
    private final Map<Long, CompletableFuture<JsonObject>> questions = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong nextQuestion = new java.util.concurrent.atomic.AtomicLong();
    /* Notices of a worker started by a question (completion), said by the next run; guarded by this. */
    private final List<String> startNotices = new ArrayList<>();
    private static final Output PRINT = (owner, err, text) -> {
        (err ? System.err : System.out).print(text);
        (err ? System.err : System.out).flush();
    };

    private static final class Shared {
        static final PythonWorker WORKER = new PythonWorker();
    }

    /* Where output goes; volatile: set by any thread, read by the reader threads. */
    private volatile Output output = PRINT;
    /* The worker process and its state; guarded by this (runs hold it for their whole length). */
    private volatile Process process;
    private OutputStream toWorker;
    private CPython python;
    private boolean announced;
    /** Why the last worker ended, said by the next run; guarded by this. */
    private String replacedBecause;
    private long nextRun;
    /* The run being served and its owner; written under this, read by the reader threads. */
    private volatile Pending pending;
    private volatile Trace lastTrace;
    /* Owners of recent runs, for output that comes late; guarded by itself. */
    private final Map<Long, Object> owners = new LinkedHashMap<>(64, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<Long, Object> e) {
            return size() > 1000;
        }
    };

    private record Pending(long run, Object owner, String name, long startNanos, CompletableFuture<JsonObject> done) {}

    /** A new worker, not started (the first run starts it). Prefer {@link #shared()}. */
    public PythonWorker() {
        Thread hook = Thread.ofPlatform().unstarted(this::kill);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The JVM's worker: the one {@code %%python} cells and {@code Lab.pythonWorker()} use. */
    public static PythonWorker shared() {
        return Shared.WORKER;
    }

    /** Sends what Python threads print to {@code output} from now on; returns this worker. */
    public PythonWorker output(Output output) {
        this.output = output == null ? PRINT : output;
        return this;
    }

    /** Runs {@code code} (several statements; the last expression's value is the result). */
    public Result run(String code) throws InterruptedException {
        return run(code, null, "<python>");
    }

    /**
     * Runs {@code code} in the worker, starting it if needed, and returns when the code's main thread
     * is done (threads it started may print on, under {@code owner}).
     *
     * @param owner what output of this run is handed to {@link Output#write} with (a cell)
     * @param name  the file name tracebacks show, e.g. {@code <cell [3]>}
     */
    public Result run(String code, Object owner, String name) throws InterruptedException {
        return run(code, owner, name, () -> false);
    }

    /**
     * As {@link #run(String, Object, String)}, also stopping the code as if interrupted once
     * {@code stopRequested} is true (looked at every 20 ms while the code runs): for a caller whose stop
     * request may come before its waiting thread exists (a kernel's interrupt of a cell).
     */
    public synchronized Result run(String code, Object owner, String name, java.util.function.BooleanSupplier stopRequested)
            throws InterruptedException {
        List<String> notices = new ArrayList<>(startNotices);
        startNotices.clear();
        if (process == null || !process.isAlive()) {
            if (process != null && replacedBecause == null) replacedBecause = "the Python worker ended (exit code " + exit() + ")";
            try {
                start(notices);
            } catch (IOException | RuntimeException e) {
                kill();
                return Result.failed("WorkerUnavailable", String.valueOf(e.getMessage()), List.of(
                        "WorkerUnavailable: cannot start the Python worker: " + e.getMessage()), null, notices);
            }
        }
        long run = ++nextRun;
        Pending p = new Pending(run, owner, name, System.nanoTime(), new CompletableFuture<>());
        synchronized (owners) {
            owners.put(run, owner == null ? NO_OWNER : owner);
        }
        pending = p;
        for (String n : notices) output.write(owner, false, n + "\n");
        JsonObject msg = new JsonObject();
        msg.addProperty("op", "run");
        msg.addProperty("run", run);
        msg.addProperty("code", code);
        msg.addProperty("name", name);
        try {
            send(msg);
        } catch (IOException e) {
            // it died just now: the reader completes the run with what is known
        }
        JsonObject done;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done = p.done.get(20, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    if (stopRequested.getAsBoolean()) {
                        done = stop(p);
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            done = stop(p);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pending = null;
        }
        Result r = result(p, done, notices);
        if (interrupted) Thread.currentThread().interrupt();
        return r;
    }

    private static final Object NO_OWNER = new Object();

    /** SIGINT to the worker's main thread; after the grace period, the worker killed. */
    private JsonObject stop(Pending p) {
        JsonObject interrupt = new JsonObject();
        interrupt.addProperty("op", "interrupt");
        interrupt.addProperty("run", p.run);
        try {
            send(interrupt);
        } catch (IOException ignored) {
            // dead already: the reader completes the run
        }
        // the grace period holds whatever else interrupts this thread (a kernel's stop interrupts it twice)
        long deadline = System.nanoTime() + GRACE_NANOS;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return p.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (TimeoutException | ExecutionException e) {
            replacedBecause = "the Python worker did not stop within 1 s of the interrupt and was killed";
            kill();
            JsonObject killed = new JsonObject();
            killed.addProperty("ok", false);
            killed.addProperty("ename", "KeyboardInterrupt");
            killed.addProperty("evalue", "the Python worker did not stop within 1 s and was killed");
            killed.addProperty("killed", true);
            return killed;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private Result result(Pending p, JsonObject done, List<String> notices) {
        Trace trace = trace(p, done);
        lastTrace = trace;
        if (done.has("died")) {
            String why = "the Python worker ended (exit code " + done.get("died").getAsInt() + ") while running "
                    + p.name + tail();
            replacedBecause = "the Python worker ended (exit code " + done.get("died").getAsInt() + ")";
            return Result.failed("WorkerDied", why, List.of("\u001b[1;31mWorkerDied\u001b[0m: " + why,
                    "The next Python cell starts a fresh worker: variables of earlier cells are gone."), trace, notices);
        }
        if (done.get("ok").getAsBoolean()) {
            Map<String, Object> bundle = null;
            if (done.has("value") && done.get("value").isJsonObject()) {
                bundle = new LinkedHashMap<>();
                for (var e : done.getAsJsonObject("value").entrySet()) {
                    String v = e.getValue().getAsString();
                    bundle.put(e.getKey(), e.getKey().startsWith("image/") && !e.getKey().contains("svg")
                            ? Base64.getDecoder().decode(v) : v);
                }
            }
            return new Result(Result.Kind.OK, bundle, null, null, List.of(), trace, notices);
        }
        String ename = done.get("ename").getAsString(), evalue = done.get("evalue").getAsString();
        List<String> tb = new ArrayList<>();
        if (done.has("traceback")) for (JsonElement l : done.getAsJsonArray("traceback")) tb.add(l.getAsString());
        if (done.has("killed")) {
            tb.add("\u001b[1;31mKeyboardInterrupt\u001b[0m: " + evalue);
            tb.add("The next Python cell starts a fresh worker: variables of earlier cells are gone.");
        }
        Result.Kind kind = "KeyboardInterrupt".equals(ename) ? Result.Kind.INTERRUPTED : Result.Kind.ERROR;
        return new Result(kind, null, ename, evalue, tb, trace, notices);
    }

    private Trace trace(Pending p, JsonObject done) {
        List<Span> spans = new ArrayList<>();
        List<Marker> marks = new ArrayList<>();
        long end = System.nanoTime();
        List<JsonElement> all = new ArrayList<>();
        if (done.has("spans")) done.getAsJsonArray("spans").forEach(all::add);
        List<JsonElement> allMarks = new ArrayList<>();
        if (done.has("marks")) done.getAsJsonArray("marks").forEach(allMarks::add);
        synchronized (childSpans) {
            List<JsonArray> c = childSpans.remove(p.run);
            if (c != null) all.addAll(c);
            c = childMarks.remove(p.run);
            if (c != null) allMarks.addAll(c);
        }
        {
            for (JsonElement e : all) {
                JsonArray a = e.getAsJsonArray();
                long s = a.get(3).getAsLong(), t = Math.max(s, a.get(4).getAsLong());
                spans.add(new Span(a.get(0).getAsString(), -1, a.get(2).getAsString(), a.get(1).getAsLong(), null,
                        s, t, SpanState.RUNNING));
            }
        }
        {
            for (JsonElement e : allMarks) {
                JsonArray a = e.getAsJsonArray();
                marks.add(new Marker(a.get(0).getAsString(), a.get(2).getAsString(), a.get(3).getAsLong(), 0,
                        a.get(0).getAsString()));
            }
        }
        long origin = p.startNanos;
        for (Span s : spans) origin = Math.min(origin, s.startNanos());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        if (python != null) meta.put("python", python.version() + (python.gil() ? ", GIL" : ", no GIL"));
        return new Trace("python " + p.name, origin, end, spans, marks, List.of(), meta);
    }

    /** The trace of the last run: its {@code lab.span}s and {@code lab.mark}s; null before the first run. */
    public Trace lastTrace() {
        return lastTrace;
    }

    /** The interpreter this worker runs on, or the one it would start with; never null. */
    public synchronized CPython interpreter() {
        return python != null && process != null && process.isAlive() ? python : CPython.find();
    }

    /** Ends the worker (the next run starts a fresh one, with its variables gone). */
    @Override
    public synchronized void close() {
        replacedBecause = "the Python worker was closed";
        kill();
    }

    /** Ends the worker if {@link CPython#find()} no longer names its interpreter (after {@link CPython#use}). */
    public synchronized void restartIfMoved() {
        if (process != null && python != null && !java.util.Objects.equals(CPython.find().interpreter(), python.interpreter())) {
            replacedBecause = "the interpreter changed to " + CPython.find().interpreter();
            kill();
            announced = false;
        }
    }

    // ------------------------------------------------------------------ the process

    private void start(List<String> notices) throws IOException, InterruptedException {
        CPython py = CPython.find();
        if (!py.available()) throw new IOException(py.problem());
        ProcessBuilder pb = new ProcessBuilder(py.interpreter().toString(), "-u", Script.PATH.toString());
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        Process proc = pb.start();
        process = proc;
        python = py;
        toWorker = proc.getOutputStream();
        err.setLength(0);
        CompletableFuture<JsonObject> hello = new CompletableFuture<>();
        // the readers belong to no cell: the top thread group, no inherited thread-locals
        ThreadGroup top = Thread.currentThread().getThreadGroup();
        while (top.getParent() != null) top = top.getParent();
        Thread.ofPlatform().group(top).daemon().name("python-worker-" + proc.pid()).inheritInheritableThreadLocals(false)
                .start(() -> readFrames(proc, hello));
        Thread.ofPlatform().group(top).daemon().name("python-stderr-" + proc.pid()).inheritInheritableThreadLocals(false)
                .start(() -> readErr(proc));
        JsonObject h;
        try {
            h = hello.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            kill();
            throw new IOException(py.interpreter() + " did not start the lab's worker" + tail());
        }
        if (replacedBecause != null) {
            notices.add(conclab.text.Messages.get("python.fresh", replacedBecause));
            replacedBecause = null;
        }
        if (!announced) {
            notices.add(conclab.text.Messages.get("python.announce", h.get("version").getAsString(), String.valueOf(py.interpreter()),
                    conclab.text.Messages.get(h.get("gil").getAsBoolean() ? "python.gil" : "python.nogil"), String.valueOf(h.get("pid").getAsLong())));
            announced = true;
        }
    }

    private void send(JsonObject msg) throws IOException {
        byte[] data = msg.toString().getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[4 + data.length];
        frame[0] = (byte) (data.length >>> 24);
        frame[1] = (byte) (data.length >>> 16);
        frame[2] = (byte) (data.length >>> 8);
        frame[3] = (byte) data.length;
        System.arraycopy(data, 0, frame, 4, data.length);
        OutputStream o = toWorker;
        if (o == null) throw new IOException("no worker");
        synchronized (o) {
            o.write(frame);
            o.flush();
        }
    }

    private void readFrames(Process proc, CompletableFuture<JsonObject> hello) {
        Map<String, StringBuilder> unfinished = new java.util.HashMap<>();   // by source; this thread's own
        try (DataInputStream in = new DataInputStream(proc.getInputStream())) {
            while (true) {
                int n = in.readInt();
                byte[] data = new byte[n];
                in.readFully(data);
                JsonObject ev = JsonParser.parseString(new String(data, StandardCharsets.UTF_8)).getAsJsonObject();
                switch (ev.get("ev").getAsString()) {
                    case "hello" -> hello.complete(ev);
                    case "out" -> {
                        // a long write comes in pieces that other processes' frames may separate: join them
                        String text = ev.get("text").getAsString();
                        if (ev.has("src")) {
                            String src = ev.get("src").getAsString();
                            StringBuilder b = unfinished.computeIfAbsent(src, k -> new StringBuilder()).append(text);
                            if (ev.get("more").getAsBoolean()) continue;
                            unfinished.remove(src);
                            text = b.toString();
                        }
                        write(runOf(ev), ev.get("err").getAsBoolean(), text);
                    }
                    case "done" -> {
                        Pending p = pending;
                        if (p != null && p.run == ev.get("run").getAsLong()) p.done.complete(ev);
                    }
                    case "display" -> display(runOf(ev), ev.getAsJsonObject("data"));
                    case "input" -> ask(runOf(ev), ev);
                    case "reply" -> {
                        CompletableFuture<JsonObject> q = questions.remove(ev.get("id").getAsLong());
                        if (q != null) q.complete(ev);
                    }
                    case "span", "mark" -> {
                        long run = runOf(ev);
                        synchronized (childSpans) {
                            (ev.get("ev").getAsString().equals("span") ? childSpans : childMarks)
                                    .computeIfAbsent(run, k -> new ArrayList<>()).add(ev.getAsJsonArray("item"));
                            if (childSpans.size() > 100) childSpans.keySet().removeIf(k -> k < run - 50);
                            if (childMarks.size() > 100) childMarks.keySet().removeIf(k -> k < run - 50);
                        }
                    }
                    default -> { }
                }
            }
        } catch (EOFException e) {
            // the worker ended
        } catch (IOException | RuntimeException e) {
            appendErr("[protocol] " + e + "\n");
        }
        hello.completeExceptionally(new EOFException("the worker ended"));
        int code;
        try {
            code = proc.waitFor(2, TimeUnit.SECONDS) ? proc.exitValue() : -1;
        } catch (InterruptedException e) {
            code = -1;
        }
        Pending p = pending;
        if (p != null) {
            JsonObject died = new JsonObject();
            died.addProperty("ok", false);
            died.addProperty("died", code);
            p.done.complete(died);
        }
    }

    /** The run a frame names; run 0 (a forkserver child, which cannot know) is the run being served, else the last. */
    private long runOf(JsonObject ev) {
        long run = ev.has("run") ? ev.get("run").getAsLong() : 0;
        if (run != 0) return run;
        Pending p = pending;
        if (p != null) return p.run;
        synchronized (owners) {
            return nextRunSeen();
        }
    }

    private Object owner(long run) {
        Object owner;
        synchronized (owners) {
            owner = owners.get(run);
        }
        return owner == NO_OWNER ? null : owner;
    }

    private void write(long run, boolean stderr, String text) {
        try {
            output.write(owner(run), stderr, text);
        } catch (RuntimeException e) {
            // a broken sink must not stop the reader
        }
    }

    private void display(long run, JsonObject data) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        for (var e : data.entrySet()) {
            String v = e.getValue().getAsString();
            bundle.put(e.getKey(), e.getKey().startsWith("image/") && !e.getKey().contains("svg") ? Base64.getDecoder().decode(v) : v);
        }
        try {
            output.display(owner(run), bundle);
        } catch (RuntimeException e) {
            // a broken sink must not stop the reader
        }
    }

    /** input() in Python: the line is asked on a thread of its own (the reader must go on reading). */
    private void ask(long run, JsonObject ev) {
        Object owner = owner(run);
        long id = ev.get("id").getAsLong();
        String prompt = ev.get("prompt").getAsString();
        boolean password = ev.get("password").getAsBoolean();
        Thread.ofVirtual().name("python-input-" + id).start(() -> {
            JsonObject reply = new JsonObject();
            reply.addProperty("op", "input_reply");
            reply.addProperty("id", id);
            try {
                reply.addProperty("value", output.input(owner, prompt, password));
            } catch (Exception e) {
                reply.addProperty("error", e.getMessage() == null ? e.toString() : e.getMessage());
            }
            try {
                send(reply);
            } catch (IOException ignored) {
                // the worker is gone
            }
        });
    }

    // ------------------------------------------------------------------ completion and inspection

    /**
     * Completions of {@code code} at {@code cursor}, both counted in Unicode code points (as Python
     * strings and the Jupyter protocol count), from the worker's namespace (names of earlier runs
     * included): Python's {@code rlcompleter}, and module names after {@code import}. Starts the worker
     * if needed; an empty result when it cannot answer within 2 s.
     */
    public Completions complete(String code, int cursor) {
        JsonObject r = ask("complete", code, cursor, 0);
        if (r == null || !r.has("matches")) return new Completions(List.of(), List.of(), cursor, cursor);
        List<String> texts = new ArrayList<>(), types = new ArrayList<>();
        for (JsonElement e : r.getAsJsonArray("matches")) {
            texts.add(e.getAsJsonObject().get("text").getAsString());
            types.add(e.getAsJsonObject().get("type").getAsString());
        }
        return new Completions(texts, types, r.get("start").getAsInt(), r.get("end").getAsInt());
    }

    /** What {@link #complete} found: {@code texts[i]} replaces the code points {@code start..end}. */
    public record Completions(List<String> texts, List<String> types, int start, int end) {}

    /**
     * What Shift-Tab shows for the name at {@code cursor} (code points) or the function being called
     * there: signature, type, value, docstring; {@code detail} 1 adds the source. Null when nothing is found.
     */
    public String inspect(String code, int cursor, int detail) {
        JsonObject r = ask("inspect", code, cursor, detail);
        return r == null || !r.has("text") || r.get("text").isJsonNull() ? null : r.get("text").getAsString();
    }

    private JsonObject ask(String op, String code, int cursor, int detail) {
        if (process == null || !process.isAlive()) {
            synchronized (this) {
                if (process == null || !process.isAlive()) {
                    try {
                        start(startNotices);
                    } catch (IOException | RuntimeException e) {
                        return null;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return null;
                    }
                }
            }
        }
        long id = nextQuestion.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        questions.put(id, answer);
        JsonObject msg = new JsonObject();
        msg.addProperty("op", op);
        msg.addProperty("id", id);
        msg.addProperty("code", code);
        msg.addProperty("cursor", cursor);
        msg.addProperty("detail", detail);
        try {
            send(msg);
            return answer.get(2, TimeUnit.SECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            questions.remove(id);
        }
    }

    /* The end of the worker's standard error, for reports; guarded by itself. */
    private final StringBuilder err = new StringBuilder();

    private void readErr(Process proc) {
        try (InputStream e = proc.getErrorStream()) {
            byte[] buf = new byte[8192];
            for (int k; (k = e.read(buf)) > 0; ) {
                String s = new String(buf, 0, k, StandardCharsets.UTF_8);
                appendErr(s);
                Pending p = pending;
                long run;
                synchronized (this.owners) {
                    run = p != null ? p.run : nextRunSeen();
                }
                write(run, true, s);
            }
        } catch (IOException ignored) {
            // the worker was killed
        }
    }

    private long nextRunSeen() {
        long last = 0;
        for (Long k : owners.keySet()) last = k;
        return last;
    }

    private void appendErr(String s) {
        synchronized (err) {
            err.append(s);
            if (err.length() > 4000) err.delete(0, err.length() - 2000);
        }
    }

    private String tail() {
        String s;
        synchronized (err) {
            s = err.toString().strip();
        }
        return s.isEmpty() ? "" : "; its standard error ends with: " + (s.length() > 1000 ? "…" + s.substring(s.length() - 1000) : s);
    }

    private int exit() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Kills the worker and its process group (children included). Safe from any thread, and twice. */
    private void kill() {
        Process p = process;
        if (p == null) return;
        try {
            // the worker leads its own process group: SIGKILL to the group ends forked children as well
            new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // no kill(1): the descendants below
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The worker script, copied once per JVM from the library to its temporary folder. */
    private static final class Script {
        // named so that children started with spawn can import it (conclab_cells)
        static final Path PATH = ScriptFiles.extract(SCRIPT, "conclab_cells.py");
    }

    // ------------------------------------------------------------------ results

    /**
     * What a run gave: the value of its last expression (as a MIME bundle: {@code text/plain} is its
     * {@code repr}, plus {@code _repr_html_}/{@code _repr_png_} when it has them), or the Python error
     * with its traceback, or that it was interrupted, or that the worker died; and its trace.
     */
    public record Result(Kind kind, Map<String, Object> value, String ename, String evalue, List<String> traceback,
                         Trace trace, List<String> notices) implements Displayable {

        /** How a run ended. */
        public enum Kind { OK, ERROR, INTERRUPTED, DIED }

        public Result {
            traceback = List.copyOf(traceback);
            notices = List.copyOf(notices);
        }

        static Result failed(String ename, String evalue, List<String> tb, Trace trace, List<String> notices) {
            return new Result("WorkerDied".equals(ename) ? Kind.DIED : Kind.ERROR, null, ename, evalue, tb, trace, notices);
        }

        /** True when the code ran to its end. */
        public boolean ok() {
            return kind == Kind.OK;
        }

        /** True when the last statement was an expression whose value was not None. */
        public boolean hasValue() {
            return value != null;
        }

        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            if (value != null) return value;
            return Map.of(PLAIN, toString());
        }

        @Override
        public String toString() {
            if (value != null) return String.valueOf(value.get(PLAIN));
            if (kind == Kind.OK) return "";
            return String.join("\n", traceback).replaceAll("\u001b\\[[0-9;]*m", "");
        }
    }
}
