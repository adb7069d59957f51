package conclab.task;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import conclab.spi.Displayable;
import conclab.trace.Format;
import conclab.trace.Recorder;
import conclab.trace.SpanState;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real CPython beside the simulated GIL: the library's {@code cpu}, {@code sleep} and {@code io}
 * workloads run on CPython threads or processes, driven and timed from Java, and come back as spans of
 * the same trace, so {@link Runs#timeline()} and {@link Runs#speedup()} show them next to
 * {@code platform(2).withGil()}. Reached through {@code Lab.python()}:
 * <pre>{@code
 * var py = python();                 // CPython 3.11.2 at /usr/bin/python3, GIL enabled, or "python3 not found: ..."
 * if (py.available()) {
 *     var runs = experiment(cpu(ms(40))).tasks(8)
 *             .on(py.threads(1), py.threads(2), py.processes(2), platform(2).withGil()).run();
 * }
 * }</pre>
 *
 * <h2>What runs</h2>
 * Each run starts the interpreter on a small script shipped with the library
 * ({@code conclab/python/workers.py}), aligns the two clocks (the round trip with the least delay out
 * of five), sends the tasks as one line of JSON and reads one line of JSON per event back. The script
 * runs {@code n} {@code threading.Thread}s taking the next task from a shared counter, or {@code n}
 * {@code multiprocessing} processes (forked where the platform can, else spawned) taking tasks from a
 * queue. CPU work is a pure-Python loop of a fixed number of steps, calibrated once per interpreter as
 * {@link Cpu} is per JVM, so a 20&nbsp;ms task is about 20&nbsp;ms of one idle core in both languages, and
 * the same work on threads and on processes; sleep is {@code time.sleep}; io is a request to the same
 * {@link LoopbackServer} the Java workload uses.
 *
 * <h2>What is recorded</h2>
 * The interpreter's start-up on lane {@code python}, and each worker process's start-up on its lane, as
 * WAITING spans of no task (they count in the makespan, as a real program pays them); each task on its
 * worker's lane ({@code python thread-k}, {@code python process-k}): RUNNING for CPU work, except the
 * stretches of at least 1&nbsp;ms during which a thread's CPU clock stood still (in a threads run: it
 * waited for the GIL, or for a core), which are BLOCKED; WAITING for sleep and io. The tasks' CPU time
 * goes into the trace's {@code cpu.nanos}, so the "cores used" column of {@link Runs} reads it.
 *
 * <h2>Processes it starts</h2>
 * One interpreter per run, plus its worker processes. Standard output and standard error are read by
 * two threads of their own, so a full pipe never blocks the interpreter. The run ends with the
 * interpreter's exit; if the calling thread is interrupted, or anything fails, the interpreter and
 * every process it started are destroyed before {@code run} returns (workers also end themselves when
 * their parent disappears).
 *
 * <p>Without a usable {@code python3}, {@link #available()} is false, the object shows
 * {@code python3 not found: ...} and its strategies refuse to run with the same message; nothing else
 * in the library depends on it. Immutable and thread-safe, apart from the cached calibration (a
 * volatile value any run may set).
 */
public final class CPython implements Displayable {

    /** Where the script is, inside the library. */
    private static final String SCRIPT = "/conclab/python/workers.py";
    private static final long PROBE_SECONDS = 20;

    private final Path interpreter;
    /** null when available, else why not. */
    private final String problem;
    private final String version;
    private final boolean gil;
    private final double switchIntervalSeconds;
    /** Steps per nanosecond of the Python loop, set by the first run (any run may set it; volatile). */
    private volatile double stepsPerNs;

    private CPython(Path interpreter, String problem, String version, boolean gil, double switchInterval) {
        this.interpreter = interpreter;
        this.problem = problem;
        this.version = version;
        this.gil = gil;
        this.switchIntervalSeconds = switchInterval;
    }

    /** Holder of the interpreter {@link #find()} returns, probed once per JVM. */
    private static final class Found {
        static final CPython PYTHON = search();
    }

    /**
     * The interpreter the lab uses: the one {@link #use} chose, else {@code $CONCLAB_PYTHON} when set,
     * else {@code /usr/bin/python3} if it runs, else the first {@code python3} on the {@code PATH} that does. Probed once per JVM (about 0.1 s); never throws: when none runs,
     * the result is not {@link #available()} and says why.
     */
    public static CPython find() {
        CPython chosen = used;
        return chosen != null ? chosen : Found.PYTHON;
    }

    /* The interpreter chosen by use(), or null; volatile: set by any thread (%python_use). */
    private static volatile CPython used;

    /**
     * Makes {@link #find()} return the interpreter at {@code interpreter} from now on, for the
     * {@code python()} strategies and the {@code %%python} worker alike (the {@code %python_use PATH}
     * magic). Returns it probed; when it does not run, nothing changes and the result says why.
     */
    public static CPython use(Path interpreter) {
        CPython py = at(interpreter);
        if (py.available()) used = py;
        return py;
    }

    /** The interpreter at {@code interpreter}, probed now; never throws (see {@link #available()}). */
    public static CPython at(Path interpreter) {
        return probe(Objects.requireNonNull(interpreter, "interpreter"));
    }

    private static CPython search() {
        List<Path> candidates = new ArrayList<>();
        String chosen = System.getenv("CONCLAB_PYTHON");
        if (chosen != null && !chosen.isBlank()) {
            CPython py = probe(Path.of(chosen.strip()));   // the user's choice, or why it does not run
            if (py.available()) return py;
            return new CPython(null, py.problem() + " (CONCLAB_PYTHON=" + chosen.strip() + ")", null, false, 0);
        }
        candidates.add(Path.of("/usr/bin/python3"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) candidates.add(Path.of(dir, "python3"));
            }
        }
        List<String> tried = new ArrayList<>();
        for (Path p : candidates) {
            if (!Files.isExecutable(p)) continue;
            CPython py = probe(p);
            if (py.available()) return py;
            tried.add(py.problem);
        }
        String why = tried.isEmpty() ? "no /usr/bin/python3 and no python3 on the PATH" : String.join("; ", tried);
        return new CPython(null, "python3 not found: " + why + ". The CPython comparison needs it; everything else"
                + " in the lab works without it.", null, false, 0);
    }

    private static CPython probe(Path p) {
        if (!Files.isExecutable(p)) {
            return new CPython(p, "python3 not found: " + p + " does not exist or cannot be executed", null, false, 0);
        }
        try (Session s = Session.start(p)) {
            JsonObject hello = s.next(TimeUnit.SECONDS.toNanos(PROBE_SECONDS));
            if (hello == null || !"hello".equals(str(hello, "event"))) {
                return new CPython(p, "python3 not found: " + p + " did not answer as Python 3" + s.errorTail(), null, false, 0);
            }
            return new CPython(p, null, str(hello, "version"), hello.get("gil").getAsBoolean(),
                    hello.get("switchInterval").getAsDouble());
        } catch (IOException | RuntimeException e) {
            return new CPython(p, "python3 not found: " + p + " could not run the lab's script (" + e + ")", null, false, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CPython(p, "python3 not found: probing " + p + " was interrupted", null, false, 0);
        }
    }

    /** True when the interpreter runs the lab's script. */
    public boolean available() {
        return problem == null;
    }

    /** Why it is not available ({@code "python3 not found: ..."}), or null when it is. */
    public String problem() {
        return problem;
    }

    /** The interpreter's path, or null when none was found. */
    public Path interpreter() {
        return interpreter;
    }

    /** The Python version, e.g. {@code "3.11.2"}, or null when not available. */
    public String version() {
        return version;
    }

    /**
     * True when the interpreter's GIL is enabled ({@code sys._is_gil_enabled()}, 3.13+): every default build, and a
     * free-threaded build (3.13+) whose GIL was turned back on (by an extension module, or {@code PYTHON_GIL=1});
     * false only on a free-threaded build running without it.
     */
    public boolean gil() {
        return gil;
    }

    /** {@code n} CPython threads in one interpreter (they share its GIL when it has one). */
    public Strategy threads(int n) {
        return new Run(this, false, n);
    }

    /** {@code n} CPython worker processes ({@code multiprocessing}), each with an interpreter and GIL of its own. */
    public Strategy processes(int n) {
        return new Run(this, true, n);
    }

    @Override
    public String toString() {
        if (!available()) return problem;
        return conclab.text.Messages.get("python.describe", version, String.valueOf(interpreter), conclab.text.Messages.get(gil ? "python.gil" : "python.nogil"),
                Format.millis((long) (switchIntervalSeconds * 1e9)));
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(PLAIN, toString());
        return m;
    }

    // ------------------------------------------------------------------ the strategies

    /** One interpreter per run, with {@code n} threads or {@code n} worker processes. */
    private static final class Run implements Strategy {
        private final CPython python;
        private final boolean processes;
        private final int n;

        Run(CPython python, boolean processes, int n) {
            if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.need_worker", n));
            this.python = python;
            this.processes = processes;
            this.n = n;
        }

        @Override
        public String name() {
            return "cpython " + (processes ? "processes(" : "threads(") + n + ")";
        }

        @Override
        public int workers(int tasks) {
            return n;
        }

        @Override
        public Strategy withGil(java.time.Duration switchInterval, boolean fair) {
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.cpython_gil", name()));
        }

        @Override
        public String toString() {
            return name();
        }

        @Override
        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            if (!python.available()) throw new IllegalStateException(python.problem);
            JsonArray list = tasksOf(work, tasks);
            Recorder.Task[] refs = new Recorder.Task[tasks];
            for (int i = 0; i < tasks; i++) refs[i] = rec.task("task " + i);
            Recorder.Task startUp = new Recorder.Task("start-up", -1);
            List<Throwable> failures = new ArrayList<>();
            boolean[] reported = new boolean[tasks];
            long cpu = 0;
            int cpuCount = 0;
            long t0 = System.nanoTime();
            try (Session s = Session.start(python.interpreter)) {
                JsonObject hello = s.expect("hello");
                long ready = System.nanoTime();
                rec.span("python", hello.get("pid").getAsLong(), startUp, SpanState.WAITING, t0, ready);
                long offset = s.clockOffset();
                JsonObject job = new JsonObject();
                job.addProperty("mode", processes ? "processes" : "threads");
                job.addProperty("workers", n);
                job.add("tasks", list);
                if (python.stepsPerNs > 0) job.addProperty("stepsPerNs", python.stepsPerNs);
                s.send(job.toString());
                s.closeInput();
                while (true) {
                    JsonObject e = s.next(-1);
                    if (e == null) {
                        throw new IllegalStateException(name() + ": python ended before reporting every task (exit code "
                                + s.exitCode() + ")" + s.errorTail());
                    }
                    switch (str(e, "event")) {
                        case "calibrated" -> python.stepsPerNs = e.get("stepsPerNs").getAsDouble();
                        case "start-up" -> rec.span("python " + str(e, "worker"), e.get("pid").getAsLong(), startUp,
                                SpanState.WAITING, e.get("start").getAsLong() + offset, e.get("end").getAsLong() + offset);
                        case "task" -> {
                            int i = e.get("task").getAsInt();
                            record(rec, e, refs[i], "cpu".equals(str(list.get(i).getAsJsonObject(), "kind")), offset);
                            reported[i] = true;
                            cpu += e.get("cpu").getAsLong();
                            cpuCount++;
                        }
                        case "failed" -> {
                            int i = e.get("task").getAsInt();
                            if (i >= 0 && i < tasks) reported[i] = true;
                            failures.add(new IllegalStateException((i >= 0 ? "task " + i : "run") + " failed in python "
                                    + str(e, "worker") + ": " + str(e, "error")));
                        }
                        case "done" -> { }
                        default -> throw new IllegalStateException("unexpected event from python: " + e);
                    }
                    if ("done".equals(str(e, "event"))) break;
                }
                s.awaitExit();
            } catch (IOException e) {
                throw new UncheckedIOException(name() + ": cannot talk to " + python.interpreter, e);
            }
            int missing = 0;
            for (boolean r : reported) if (!r) missing++;
            if (missing > 0 && failures.isEmpty()) failures.add(new IllegalStateException(missing + " task(s) not reported by python"));
            rec.meta("python", python.version + (python.gil ? ", GIL" : ", no GIL"));
            if (cpuCount == tasks && tasks > 0) rec.meta(Batch.CPU_META, Long.toString(cpu));
            if (!failures.isEmpty()) throw new TaskFailedException(name(), failures);
        }

        /** The spans of one task event: RUNNING (CPU) or WAITING (sleep, io), with BLOCKED gaps. */
        private static void record(Recorder rec, JsonObject e, Recorder.Task task, boolean cpu, long offset) {
            String lane = "python " + str(e, "worker");
            long tid = e.get("tid").getAsLong();
            long start = e.get("start").getAsLong() + offset, end = Math.max(start, e.get("end").getAsLong() + offset);
            SpanState state = cpu ? SpanState.RUNNING : SpanState.WAITING;
            long at = start;
            JsonArray gaps = e.has("gaps") ? e.getAsJsonArray("gaps") : new JsonArray();
            for (JsonElement g : gaps) {
                JsonArray ab = g.getAsJsonArray();
                long a = Math.max(at, ab.get(0).getAsLong() + offset), b = Math.min(end, ab.get(1).getAsLong() + offset);
                if (b <= a) continue;
                if (a > at) rec.span(lane, tid, task, state, at, a);
                rec.span(lane, tid, task, SpanState.BLOCKED, a, b);
                at = b;
            }
            rec.span(lane, tid, task, state, at, end);
        }

        /** The tasks as the script wants them; only the library's cpu, sleep and io workloads translate. */
        private static JsonArray tasksOf(Work work, int tasks) {
            String spec = work.spec();
            String[] p = spec == null ? new String[] {""} : spec.split(";", 2);
            JsonArray a = new JsonArray();
            for (int i = 0; i < tasks; i++) {
                JsonObject t = new JsonObject();
                switch (p[0]) {
                    case "cpu", "sleep" -> {
                        t.addProperty("kind", p[0]);
                        t.addProperty("ns", Sizes.parse(p[1]).of(i).toNanos());
                    }
                    case "io" -> {
                        String[] q = p[1].split(";");
                        t.addProperty("kind", "io");
                        t.addProperty("ns", Long.parseLong(q[0]));
                        t.addProperty("bytes", Integer.parseInt(q[1]));
                        t.addProperty("port", LoopbackServer.shared().port());
                    }
                    default -> throw new IllegalArgumentException(conclab.text.Messages.hint("arg.cpython_work", work.name()));
                }
                a.add(t);
            }
            return a;
        }
    }

    // ------------------------------------------------------------------ one interpreter

    /**
     * One running interpreter on the lab's script. Its standard output is read line by line by a thread
     * of its own into a queue (so the caller can wait interruptibly), its standard error by another into
     * a bounded tail; close destroys the interpreter and its descendants if they still run.
     */
    private static final class Session implements AutoCloseable {
        private static final JsonObject EOF = new JsonObject();
        private static final int ERR_TAIL = 2000;

        private final Process process;
        private final Writer in;
        private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        /** The end of standard error; guarded by itself. */
        private final StringBuilder err = new StringBuilder();
        private final Thread outReader, errReader;

        private Session(Process process) {
            this.process = process;
            this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.outReader = Thread.ofPlatform().daemon().name("python-stdout-" + process.pid()).start(this::readOut);
            this.errReader = Thread.ofPlatform().daemon().name("python-stderr-" + process.pid()).start(this::readErr);
        }

        static Session start(Path interpreter) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(interpreter.toString(), "-I", "-u", Script.PATH.toString());
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            return new Session(pb.start());
        }

        private void readOut() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isBlank()) continue;
                    try {
                        events.add(JsonParser.parseString(line).getAsJsonObject());
                    } catch (RuntimeException e) {
                        appendErr("[stdout] " + line + "\n");
                    }
                }
            } catch (IOException e) {
                // the process was destroyed: end of events
            } finally {
                events.add(EOF);
            }
        }

        private void readErr() {
            try (InputStream e = process.getErrorStream()) {
                byte[] buf = new byte[4096];
                for (int k; (k = e.read(buf)) > 0; ) appendErr(new String(buf, 0, k, StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // destroyed
            }
        }

        private void appendErr(String s) {
            synchronized (err) {
                err.append(s);
                if (err.length() > 2 * ERR_TAIL) err.delete(0, err.length() - ERR_TAIL);
            }
        }

        /** "; its standard error ends with: ..." or "". */
        String errorTail() {
            String s;
            synchronized (err) {
                s = err.toString().strip();
            }
            if (s.isEmpty()) return "";
            return "; its standard error ends with: " + (s.length() > ERR_TAIL ? "…" + s.substring(s.length() - ERR_TAIL) : s);
        }

        /** The next event, or null at the end of output (or after {@code timeoutNanos}, when not negative). */
        JsonObject next(long timeoutNanos) throws InterruptedException {
            JsonObject e = timeoutNanos < 0 ? events.take() : events.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            if (e == EOF) {
                events.add(EOF); // stays at the end for later calls
                return null;
            }
            return e;
        }

        JsonObject expect(String event) throws InterruptedException {
            JsonObject e = next(TimeUnit.SECONDS.toNanos(PROBE_SECONDS));
            if (e == null || !event.equals(str(e, "event"))) {
                throw new IllegalStateException("python did not say " + event + " (got " + e + ")" + errorTail());
            }
            return e;
        }

        void send(String line) throws IOException {
            in.write(line);
            in.write('\n');
            in.flush();
        }

        void closeInput() throws IOException {
            in.close();
        }

        /**
         * nanoTime − python's monotonic clock, from the round trip with the least delay of five; 0 when the
         * clocks agree within that delay (on Linux both are CLOCK_MONOTONIC).
         */
        long clockOffset() throws IOException, InterruptedException {
            long best = Long.MAX_VALUE, offset = 0;
            for (int k = 0; k < 5; k++) {
                long a = System.nanoTime();
                send("clock");
                JsonObject e = expect("clock");
                long b = System.nanoTime();
                if (b - a < best) {
                    best = b - a;
                    offset = (a + b) / 2 - e.get("now").getAsLong();
                }
            }
            return Math.abs(offset) <= best ? 0 : offset;
        }

        void awaitExit() throws InterruptedException {
            if (!process.waitFor(10, TimeUnit.SECONDS)) destroyTree();
            outReader.join();
            errReader.join();
        }

        int exitCode() throws InterruptedException {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        }

        private void destroyTree() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        /** Destroys the interpreter and what it started if they still run, and waits for the readers. */
        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // already closed or dead
            }
            if (process.isAlive() || process.descendants().findAny().isPresent()) destroyTree();
            boolean interrupted = false;
            while (true) {
                try {
                    process.waitFor();
                    outReader.join();
                    errReader.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The script, copied once per JVM from the library to its temporary folder. */
    private static final class Script {
        static final Path PATH = ScriptFiles.extract(SCRIPT, "workers.py");
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }
}
