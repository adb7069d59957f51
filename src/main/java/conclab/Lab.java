package conclab;

import conclab.spi.DisplayHandle;
import conclab.spi.Hosts;
import conclab.sync.Gil;
import conclab.task.Experiment;
import conclab.task.Load;
import conclab.task.LoopbackServer;
import conclab.task.MemoryDemos;
import conclab.task.Pipeline;
import conclab.task.Scope;
import conclab.task.Sizes;
import conclab.task.Strategy;
import conclab.task.Work;
import conclab.trace.Recorder;
import conclab.trace.Stats;
import conclab.trace.Trace;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Concurrency Lab's front door: everything a lesson needs, as static methods. Notebooks and
 * {@code kernel/startup.jsh} import {@code static conclab.Lab.*}.
 *
 * <pre>{@code
 * var runs = experiment(cpu(ms(20))).tasks(16)
 *         .on(sequential(), platform(2), platform(2).withGil(), virtual())
 *         .repeat(5).run();
 * display(runs);                                   // a table: makespan, speedup, efficiency, ...
 * check("two threads are faster", runs.speedup("platform(2)") > 1.3, "is the work CPU-bound?");
 * }</pre>
 *
 * <h2>What is where</h2>
 * <ul>
 *   <li>Workloads ({@link Work}): {@link #cpu}, {@link #sleep}, {@link #io}, {@link #file}, with skewed
 *       sizes from {@link #zipf} or {@link #exponential}; a local server: {@link #server}.
 *   <li>Strategies ({@link Strategy}): {@link #sequential}, {@link #platform}, {@link #chunks},
 *       {@link #fixedPool}, {@link #virtual}, {@link #forkJoin}, {@link #completableFuture},
 *       {@link #parallelStream}, {@link #structured}, {@link #processes}; any of them {@code .withGil()}.
 *   <li>Experiments ({@link Experiment}, results in {@link conclab.task.Runs}): {@link #experiment};
 *       producer/consumer pipelines: {@link #pipeline}; open-loop load with Little's law: {@link #load}.
 *   <li>Recording ({@link Recorder}, {@link Trace}, {@link Stats}): {@link #recorder}, {@link #stats}.
 *   <li>Traced synchronisation ({@code conclab.sync}): {@link #lock}, {@link #readWriteLock},
 *       {@link #semaphore}, {@link #queue}, {@link #unboundedQueue},
 *       {@link #barrier}, {@link #latch}, {@link #rateLimiter}, {@link #gil}.
 *   <li>Memory-model experiments run in library code: {@link #visibility}, {@link #falseSharing}.
 *   <li>The real CPython beside the simulated GIL: {@link #python}.
 *   <li>Servers and load: {@link #eventLoopServer} (one thread, a NIO selector), {@link #flood} (a fast
 *       producer, with {@link #waitWhenFull} for bounded pools); a CPU-time budget instead of a fixed
 *       amount of work (platform threads only): {@link #cpuTime}; pinning a virtual thread:
 *       {@link #sleepInClassInit}.
 *   <li>Stress tests in the manner of jcstress: {@link #stress}.
 *   <li>Notebook helpers: {@link #display}, {@link #check}, {@link #ms}.
 * </ul>
 */
public final class Lab {

    private Lab() {}

    // ------------------------------------------------------------------ durations

    /** {@code n} milliseconds. */
    public static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    /** {@code n} microseconds. */
    public static Duration us(long n) {
        return Duration.ofNanos(n * 1000);
    }

    // ------------------------------------------------------------------ workloads

    /**
     * A fixed amount of computation per task, about {@code d} of one idle core, the same on every kind
     * of thread; see {@link Work#cpu(Duration)}.
     */
    public static Work cpu(Duration d) {
        return Work.cpu(d);
    }

    /** Computation of skewed sizes; see {@link Work#cpu(Sizes)}. */
    public static Work cpu(Sizes sizes) {
        return Work.cpu(sizes);
    }

    /**
     * A CPU-time budget per task: computes until the thread's CPU clock advanced by {@code d}; platform
     * threads only (a virtual thread throws); see {@link Work#cpuTime(Duration)}.
     */
    public static Work cpuTime(Duration d) {
        return Work.cpuTime(d);
    }

    /** Sleeps {@code d} per task (recorded as waiting). */
    public static Work sleep(Duration d) {
        return Work.sleep(d);
    }

    /** Sleeps of skewed sizes. */
    public static Work sleep(Sizes sizes) {
        return Work.sleep(sizes);
    }

    /** A blocking request to a server on 127.0.0.1 answering after {@code latency}. */
    public static Work io(Duration latency) {
        return Work.io(latency);
    }

    /** Writes, syncs and reads back {@code bytes} in a temporary file per task. */
    public static Work file(int bytes) {
        return Work.file(bytes);
    }

    /** A workload of one's own, with a name for tables. */
    public static Work work(String name, Work body) {
        return Work.named(name, body);
    }

    /** Zipf-distributed sizes: {@code unit × k}, k in 1..max, P(k) ∝ 1/k^exponent; seeded. */
    public static Sizes zipf(Duration unit, int max, double exponent, long seed) {
        return Sizes.zipf(unit, max, exponent, seed);
    }

    /** Exponentially distributed sizes with the given mean; seeded. */
    public static Sizes exponential(Duration mean, long seed) {
        return Sizes.exponential(mean, seed);
    }

    /** A loopback server of its own answering after {@code latency}; close it when done. */
    public static LoopbackServer server(Duration latency) {
        return LoopbackServer.start(latency);
    }

    /** Computes, on the calling thread, now, the fixed amount of work of {@link #cpu(Duration) cpu(d)}: about {@code d} of one idle core. */
    public static void compute(Duration d) throws InterruptedException {
        conclab.task.Cpu.compute(d);
    }

    // ------------------------------------------------------------------ strategies

    /** Tasks one after the other on the calling thread. */
    public static Strategy sequential() { return Strategy.sequential(); }

    /** {@code n} platform threads sharing a task counter. */
    public static Strategy platform(int n) { return Strategy.platform(n); }

    /** One platform thread per task. */
    public static Strategy platformPerTask() { return Strategy.platformPerTask(); }

    /** {@code n} platform threads with fixed contiguous chunks (static partitioning). */
    public static Strategy chunks(int n) { return Strategy.chunks(n); }

    /** A fixed thread pool of {@code n}. */
    public static Strategy fixedPool(int n) { return Strategy.fixedPool(n); }

    /** One virtual thread per task. */
    public static Strategy virtual() { return Strategy.virtual(); }

    /** A ForkJoinPool of {@code n} with work stealing. */
    public static Strategy forkJoin(int n) { return Strategy.forkJoin(n); }

    /** CompletableFuture.runAsync on a pool of {@code n}. */
    public static Strategy completableFuture(int n) { return Strategy.completableFuture(n); }

    /** A parallel stream on the common pool. */
    public static Strategy parallelStream() { return Strategy.parallelStream(); }

    /** {@code n} worker JVMs (the multiprocessing analogue); library workloads only. */
    public static Strategy processes(int n) { return Strategy.processes(n); }

    /** A structured scope on virtual threads that cancels siblings on the first failure. */
    public static Strategy structured() { return Strategy.structured(); }

    /** A structured scope for code of one's own; see {@link Scope}. */
    public static Scope scope() { return Scope.open(); }

    // ------------------------------------------------------------------ experiments and traces

    /** Open-loop load: {@code perSecond} requests of {@code work} a second for {@code duration}; see {@link Load}. */
    public static Load load(Work work, double perSecond, Duration duration) {
        return Load.open(work, perSecond, duration);
    }

    /**
     * A progress bar for {@code experiment(...).progress(progressBar())}, updated in place in notebooks:
     * a {@link conclab.chart.Progress} bar over the experiment's runs; see {@link Experiment#progressBar()}.
     */
    public static java.util.function.Consumer<Experiment.Progress> progressBar() {
        return Experiment.progressBar();
    }

    /** A producer/consumer pipeline of {@code items} items; see {@link Pipeline}. */
    public static Pipeline pipeline(int items) {
        return Pipeline.of(items);
    }

    /** An experiment running {@code work}; see {@link Experiment}. */
    public static Experiment experiment(Work work) {
        return Experiment.of(work);
    }

    /** A recorder started now; see {@link Recorder}. */
    public static Recorder recorder(String label) {
        return Recorder.start(label);
    }

    /** The figures of a trace run by {@code workers} workers. */
    public static Stats stats(Trace trace, int workers) {
        return Stats.of(trace, workers);
    }

    // ------------------------------------------------------------------ traced synchronisation

    /** A traced reentrant lock (not fair). */
    public static conclab.sync.TracedLock lock(String name) {
        return new conclab.sync.TracedLock(name, false);
    }

    /** A traced read-write lock (not fair). */
    public static conclab.sync.TracedReadWriteLock readWriteLock(String name) {
        return new conclab.sync.TracedReadWriteLock(name, false);
    }

    /** A traced semaphore with {@code permits} permits. */
    public static conclab.sync.TracedSemaphore semaphore(String name, int permits) {
        return new conclab.sync.TracedSemaphore(name, permits);
    }

    /** A traced bounded blocking queue of {@code capacity}. */
    public static <E> conclab.sync.TracedQueue<E> queue(String name, int capacity) {
        return conclab.sync.TracedQueue.bounded(name, capacity);
    }

    /** A traced unbounded blocking queue. */
    public static <E> conclab.sync.TracedQueue<E> unboundedQueue(String name) {
        return conclab.sync.TracedQueue.unbounded(name);
    }

    /** A traced cyclic barrier for {@code parties}. */
    public static conclab.sync.TracedBarrier barrier(String name, int parties) {
        return new conclab.sync.TracedBarrier(name, parties);
    }

    /** A traced count-down latch. */
    public static conclab.sync.TracedLatch latch(String name, int count) {
        return new conclab.sync.TracedLatch(name, count);
    }

    /** A token bucket granting {@code perSecond} permits a second, up to {@code burst} at once. */
    public static conclab.sync.RateLimiter rateLimiter(String name, double perSecond, int burst) {
        return new conclab.sync.RateLimiter(name, perSecond, burst);
    }

    /**
     * Spins a reader in compiled library code on a {@code field} flag that this thread sets after
     * 200 ms, and says whether the reader saw it (within 1 s); see {@link MemoryDemos}.
     */
    public static MemoryDemos.Visibility visibility(MemoryDemos.Field field) throws InterruptedException {
        return MemoryDemos.visibility(field, Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    /** Two threads writing their own counters, on one cache line or padded apart; see {@link MemoryDemos}. */
    public static MemoryDemos.Sharing falseSharing(MemoryDemos.Layout layout, long increments) throws InterruptedException {
        return MemoryDemos.falseSharing(layout, increments);
    }

    /** A simulated global interpreter lock, 5 ms switch interval, as CPython. */
    public static Gil gil() {
        return new Gil();
    }

    // ------------------------------------------------------------------ the real CPython, beside the simulated GIL

    /**
     * The machine's {@code python3} ({@code /usr/bin/python3}, else the first on the PATH), to run the
     * library's cpu, sleep and io workloads on real CPython threads and processes beside the simulated
     * GIL: {@code python().threads(2)}, {@code python().processes(2)} are strategies for
     * {@link #experiment}. Without python3 it shows {@code python3 not found: ...} and
     * {@code available()} is false; see {@link conclab.task.CPython}.
     */
    public static conclab.task.CPython python() {
        return conclab.task.CPython.find();
    }

    // ------------------------------------------------------------------ event loops

    /**
     * A server on 127.0.0.1 that serves every connection from one thread, an event loop on a NIO
     * selector (asyncio's machine); it speaks {@link #server}'s protocol. Close it when done.
     */
    public static conclab.task.EventLoopServer eventLoopServer(Duration latency) {
        return conclab.task.EventLoopServer.start(latency);
    }

    // ------------------------------------------------------------------ stress tests

    /**
     * A stress test in the manner of jcstress: actors race on a fresh {@code state} per trial, an
     * arbiter names each outcome; see {@link conclab.task.Stress}.
     */
    public static <S> conclab.task.Stress<S> stress(Supplier<S> state) {
        return conclab.task.Stress.of(state);
    }

    // ------------------------------------------------------------------ floods, pinning, calibrated work

    /**
     * A producer making {@code perSecond} items a second during {@code duration}, each served by running
     * {@code job} on the executor given to {@link conclab.task.Flood#into}; see {@link conclab.task.Flood}.
     */
    public static conclab.task.Flood flood(Work job, double perSecond, Duration duration) {
        return conclab.task.Flood.of(job, perSecond, duration);
    }

    /** For a bounded {@code ThreadPoolExecutor}: the submitter waits for room in the queue; see {@link conclab.task.WaitWhenFull}. */
    public static java.util.concurrent.RejectedExecutionHandler waitWhenFull() {
        return new conclab.task.WaitWhenFull();
    }

    /** A blocking request to {@code server} (say, a database), recorded as waiting; see {@link Work#io(LoopbackServer)}. */
    public static Work io(LoopbackServer server) {
        return Work.io(server);
    }

    /** Sleeps {@code d} in the static initialiser of a class of its own, which pins a virtual thread; see {@link conclab.task.ClassInit}. */
    public static Work sleepInClassInit(Duration d) {
        return Work.sleepInClassInit(d);
    }

    // ------------------------------------------------------------------ notebook helpers

    /** Shows {@code value} (a table, a chart, text) now; the handle updates it in place, from any thread. */
    public static DisplayHandle display(Object value) {
        return Hosts.current().display(value);
    }

    /** Clears this cell's output now. */
    public static void clearOutput() {
        Hosts.current().clearOutput(false);
    }

    /** Clears this cell's output; with {@code wait}, when the next output arrives (no flicker). */
    public static void clearOutput(boolean wait) {
        Hosts.current().clearOutput(wait);
    }

    /** HTML to display: {@code display(html("<b>bold</b>"))}. */
    public static conclab.spi.Mime html(String html) {
        return conclab.spi.Mime.html(html);
    }

    /** Markdown to display. */
    public static conclab.spi.Mime markdown(String markdown) {
        return conclab.spi.Mime.markdown(markdown);
    }

    /**
     * {@code task}, to run under the cell that calls this, whichever thread runs it: its output, displays
     * and failures show under this cell, and interrupting this cell cancels it.
     */
    public static Runnable inThisCell(Runnable task) {
        return Hosts.current().capture(task);
    }

    /**
     * A self-check for exercises: prints {@code ✓ name} when {@code ok}, else {@code ✗ name — hint}.
     * Never throws.
     *
     * @return {@code ok}
     */
    public static boolean check(String name, boolean ok, String hint) {
        System.out.println(ok ? "✓ " + name : "✗ " + name + " — " + hint);
        System.out.flush();
        return ok;
    }

    /**
     * As {@link #check(String, boolean, String)}, evaluating {@code condition}; an exception it throws
     * counts as ✗ and is named in the hint. Never throws.
     */
    public static boolean check(String name, Supplier<Boolean> condition, String hint) {
        boolean ok;
        String why = hint;
        try {
            Boolean b = condition.get();
            ok = b != null && b;
        } catch (Throwable t) {
            ok = false;
            why = hint + " " + conclab.text.Messages.get("check.threw", t.toString());
        }
        return check(name, ok, why);
    }

    // lesson 01

    /** {@code n} instrumented calls for exercise checks: who ran them, how many at once; see {@link conclab.check.CallProbe}. */
    public static conclab.check.CallProbe callProbe(int n) {
        return conclab.check.CallProbe.of(n);
    }

    /** Runs {@code body} on a daemon thread a check can watch, wait for and give up on; see {@link conclab.check.Attempt}. */
    public static <T> conclab.check.Attempt<T> attempt(java.util.concurrent.Callable<T> body) {
        return conclab.check.Attempt.start(body);
    }

    /** Polls {@code condition} until it holds or {@code within} has passed; never throws. */
    public static boolean eventually(java.util.function.BooleanSupplier condition, Duration within) {
        return conclab.check.Attempt.eventually(condition, within);
    }

    /** How many threads wait on {@code condition} of {@code lock} right now. */
    public static int waiters(java.util.concurrent.locks.ReentrantLock lock, java.util.concurrent.locks.Condition condition) {
        return conclab.check.Attempt.waiters(lock, condition);
    }

    // lesson 02

    /**
     * Runs a whole Python program on the machine's {@code python3} and returns what it printed, its exit
     * code and how long it took; see {@link conclab.task.PythonProgram}. Without python3 the result says so.
     */
    public static conclab.task.PythonProgram.Result runPython(String program) throws InterruptedException {
        return conclab.task.PythonProgram.run(program);
    }

    /**
     * Starts {@code command} and runs {@code parent} on the child, watched: whether it read the child's
     * output, and whether it waited for the child before reading; see {@link conclab.task.WatchedProcess}.
     */
    public static conclab.task.WatchedProcess.Trial pipeTrial(java.util.List<String> command,
                                                              conclab.task.WatchedProcess.Parent parent)
            throws java.io.IOException, InterruptedException {
        return conclab.task.WatchedProcess.trial(command, parent);
    }

    // lesson 06, 07: Little's law against the server's own count; probes for the exercises' checks

    /**
     * Little's law on an open load against a {@link #server}: λ and W from the load, L from the server's
     * own count of requests in flight recorded in {@code counted}; see {@link conclab.task.LittlesLaw}.
     */
    public static conclab.task.LittlesLaw littlesLaw(Load.Result run, Trace counted) {
        return conclab.task.LittlesLaw.of(run, counted, "requests in flight");
    }

    /**
     * Checks a pool maker for back-pressure on pools of (2 workers, 20 queued), (3, 5) and (1, 7): that
     * many running, that many queued, then the producer waits; see {@link conclab.check.Probes}.
     */
    public static conclab.check.Probes.Verdict probeBackPressure(
            java.util.function.BiFunction<Integer, Integer, ? extends java.util.concurrent.ExecutorService> pool) {
        return conclab.check.Probes.backPressure(pool, new int[]{2, 20}, new int[]{3, 5}, new int[]{1, 7});
    }

    /**
     * Checks a semaphore wrapper with 3 and with 5 permits: exactly that many at once, nothing dropped,
     * every permit back although queries fail; see {@link conclab.check.Probes}.
     */
    public static conclab.check.Probes.Verdict probeLimit(java.util.function.BiFunction<java.util.concurrent.Semaphore, Work, Work> limited) {
        return conclab.check.Probes.semaphoreLimit(limited, 3, 5);
    }

    /** Checks a token-bucket wrapper (20 a second, bursts of 2, 12 calls): every call ran, each after its token; see {@link conclab.check.Probes}. */
    public static conclab.check.Probes.Verdict probeRate(java.util.function.BiFunction<conclab.sync.RateLimiter, Work, Work> paced) {
        return conclab.check.Probes.rateLimit(paced, 20, 2, 12);
    }

    /** Checks a pool-sizing formula at 80 % utilisation on fixed and random cases; see {@link conclab.check.Probes}. */
    public static conclab.check.Probes.Verdict probePoolSize(java.util.function.ToIntBiFunction<Double, Duration> poolSize) {
        return conclab.check.Probes.poolSize(poolSize, 0.8);
    }

    /** Checks a run-all method on 1,000 tasks: a virtual thread per task, all at once, all ended on return; see {@link conclab.check.Probes}. */
    public static conclab.check.Probes.Verdict probeVirtualPerTask(java.util.function.Consumer<java.util.List<Runnable>> runAll) {
        return conclab.check.Probes.virtualPerTask(runAll, 1000);
    }

    /** Checks a bounded, ordered fetch of 40 pages: in order, exactly 8 at once, on virtual threads; see {@link conclab.check.Probes}. */
    public static conclab.check.Probes.Verdict probeBoundedInOrder(
            java.util.function.BiFunction<Integer, java.util.function.IntFunction<String>, java.util.List<String>> fetchAll) {
        return conclab.check.Probes.boundedInOrder(fetchAll, 40, 8);
    }

    /** A slow store whose {@code load()} waits {@code delay} and counts its loads; see {@link conclab.check.Probes.SlowStore}. */
    public static conclab.check.Probes.SlowStore slowStore(Duration delay) {
        return new conclab.check.Probes.SlowStore(delay);
    }

    /**
     * Checks lazy settings loaded from {@code store}: called by 4 × cores virtual threads at once, loaded
     * once, and no carrier pinned while the load waits; see {@link conclab.check.Probes}.
     */
    public static conclab.check.Probes.Verdict probeLazy(java.util.concurrent.Callable<String> settings, conclab.check.Probes.SlowStore store) {
        return conclab.check.Probes.lazyWithoutPinning(settings, store);
    }

    // lesson 10

    /**
     * Runs {@code body} on a thread of its own and waits at most {@code limit} for its result, for checks
     * that must never hang; see {@link conclab.task.Within}.
     *
     * @throws java.util.concurrent.TimeoutException if it did not finish in time (it was interrupted)
     */
    public static <T> T within(Duration limit, java.util.concurrent.Callable<T> body) throws Exception {
        return conclab.task.Within.call(limit, body);
    }

    // %%python
    // ------------------------------------------------------------------ Python code on the real CPython

    /**
     * The CPython worker that {@code %%python} cells run on, for plain JShell too:
     * {@code pythonWorker().run("x = 41")}, then {@code pythonWorker().run("x + 1")} shows 42. It keeps its
     * variables between runs; see {@link conclab.task.PythonWorker}.
     */
    public static conclab.task.PythonWorker pythonWorker() {
        return conclab.task.PythonWorker.shared();
    }

    /**
     * The trace of the last {@code %%python} cell (or {@code pythonWorker().run}): the spans its threads
     * recorded with {@code lab.span}/{@code @lab.traced} and its {@code lab.mark}s, one lane per Python
     * thread; {@code Charts.timeline(pythonTrace())} draws it. Null before the first run.
     */
    public static conclab.trace.Trace pythonTrace() {
        return conclab.task.PythonWorker.shared().lastTrace();
    }

    // fair
    // ------------------------------------------------------------------ fair shares and load balancing (lesson 12)

    /**
     * Clients sharing a pool of workers through a {@link conclab.balance.TaskQueue}: add them with
     * {@code .client(name, perSecond)}, then {@code .run(label, queue)} records each client's latency; see
     * {@link conclab.balance.Tenants}.
     */
    public static conclab.balance.Tenants tenants() {
        return conclab.balance.Tenants.of();
    }

    /**
     * Starts one in-process server per speed, each with 2 worker threads and its own queue, serving a
     * request in 4 ms at speed 1 (±50 %), and warms them up (0.15 s of load, figures thrown away); close
     * the cluster when done. See {@link conclab.balance.Cluster}.
     */
    public static conclab.balance.Cluster servers(double... speeds) throws InterruptedException {
        var cluster = conclab.balance.Cluster.start(2, Duration.ofMillis(4), speeds);
        try {
            return cluster.warmUp();
        } catch (InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Checks a round-robin queue: rounds, each client's order, take() waits, 6 threads at once; see {@link conclab.balance.Checks}. */
    public static conclab.check.Probes.Verdict probeFairQueue(Supplier<? extends conclab.balance.TaskQueue> make) {
        return conclab.balance.Checks.fairQueue(make);
    }

    /**
     * Checks a least-outstanding-requests policy: the fewest every time, answers counted, down servers
     * skipped, two picks at once forced to race; see {@link conclab.balance.Checks}.
     */
    public static conclab.check.Probes.Verdict probeLeastOutstanding(Supplier<? extends conclab.balance.Policy> make) {
        return conclab.balance.Checks.leastOutstanding(make);
    }

    // data
    // ------------------------------------------------------------------ lesson 13: a data set in parallel

    /**
     * The lesson's data set: {@code rows} bike trips drawn with {@code seed}, as one CSV file and as
     * {@code parts} files; written once under {@code $TMPDIR/conclab-data}, read from there afterwards.
     * See {@link conclab.data.Trips}.
     */
    public static conclab.data.Trips trips(long rows, long seed, int parts) {
        return conclab.data.Trips.of(rows, seed, parts);
    }

    /**
     * Checks a result against the sequential one, station by station, and says so; throws
     * {@code IllegalStateException} naming the first station that differs. See {@link conclab.data.Totals#same}.
     */
    public static String sameAsSequential(java.util.Map<String, conclab.data.Tally> sequential,
                                          java.util.Map<String, conclab.data.Tally> result) {
        return conclab.data.Totals.same(sequential, result);
    }

    /** Per-station totals as a table, busiest station first. See {@link conclab.data.Totals#table}. */
    public static conclab.spi.Mime totalsTable(java.util.Map<String, conclab.data.Tally> totals) {
        return conclab.data.Totals.table(totals);
    }

    /** Checks sequential totals of lines on 600 rows of its own. See {@link conclab.data.DataChecks#totals}. */
    public static conclab.check.Probes.Verdict probeTotals(
            java.util.function.Function<java.util.stream.Stream<String>, java.util.Map<String, conclab.data.Tally>> totals) {
        return conclab.data.DataChecks.totals(totals);
    }

    /**
     * Checks parallel totals three times on 400,000 rows, 8 workers started together: right every time,
     * and the rows parsed by threads at once. See {@link conclab.data.DataChecks#parallel}.
     */
    public static conclab.data.DataChecks.Parallel probeParallelTotals(
            java.util.function.BiFunction<java.util.stream.Stream<String>, java.util.function.Function<String, conclab.data.Trip>,
                    java.util.Map<String, conclab.data.Tally>> totals) {
        return conclab.data.DataChecks.parallel(totals);
    }

    /** Checks where a block is cut into whole lines. See {@link conclab.data.DataChecks#lineEnd}. */
    public static conclab.check.Probes.Verdict probeLineEnd(conclab.data.Chunks.LineEnd cut) {
        return conclab.data.DataChecks.lineEnd(cut);
    }

    // sys
    // ------------------------------------------------------------------ talking to other systems (lessons 11a, 11b)

    /**
     * Starts an HTTP service on 127.0.0.1 whose every answer takes {@code latency}; the lesson sets its
     * failures and capacity and reads what it received; close it when done. See
     * {@link conclab.services.HttpTestService}.
     */
    public static conclab.services.HttpTestService httpService(Duration latency) {
        return conclab.services.HttpTestService.start(latency);
    }

    /** A circuit breaker that opens after {@code threshold} failures in a row, for {@code coolDown}; see {@link conclab.services.CircuitBreaker}. */
    public static conclab.services.CircuitBreaker circuitBreaker(String name, int threshold, Duration coolDown) {
        return new conclab.services.CircuitBreaker(name, threshold, coolDown);
    }

    /** Checks a back-off policy: jitter, doubling, the cap; see {@link conclab.services.ServiceChecks#backoff}. */
    public static conclab.services.ServiceChecks.Backoff probeBackoff(java.util.function.IntFunction<Duration> backoff,
                                                                      Duration base, Duration cap) {
        return conclab.services.ServiceChecks.backoff(backoff, base, cap);
    }

    /** Checks a retrying send: GETs retried up to {@code attempts}, a POST sent once; see {@link conclab.services.ServiceChecks#retries}. */
    public static conclab.services.ServiceChecks.Retries probeRetries(conclab.services.ServiceChecks.Sender send, int attempts) {
        return conclab.services.ServiceChecks.retries(send, attempts);
    }

    /** Checks a request built for a deadline: its timeout and the budget it carries; see {@link conclab.services.ServiceChecks#deadline}. */
    public static conclab.services.ServiceChecks.Deadline probeDeadline(conclab.services.ServiceChecks.RequestWithin build) {
        return conclab.services.ServiceChecks.deadline(build);
    }

    /** Checks transfers that cross, forced to collide; see {@link conclab.services.ServiceChecks#lockOrder}. */
    public static conclab.services.ServiceChecks.LockOrder probeLockOrder(javax.sql.DataSource pool,
                                                                          conclab.services.ServiceChecks.Transfer transfer) {
        return conclab.services.ServiceChecks.lockOrder(pool, transfer);
    }

    // py
    /**
     * Runs Python code on the session's CPython worker, as a {@code %%python} cell does, for plain JShell
     * ({@code ./lab jshell}) too: {@code python("""
     * import threading
     * x = 41
     * x + 1""")} prints what the code printed and returns the value of its last expression (shown as its
     * repr); variables stay for the next call; {@link #pythonTrace()} is its trace.
     */
    public static conclab.task.PythonWorker.Result python(String code) throws InterruptedException {
        return conclab.task.PythonWorker.shared().run(code);
    }

    // widgets

    /**
     * A slider of whole numbers, for the front end's widget manager (JupyterLab) and as text elsewhere:
     * {@code var threads = intSlider("Threads", 1, 8, 2)}; read it with {@code threads.value()} from any
     * thread. See {@link conclab.widgets.Widgets}.
     */
    public static conclab.widgets.Slider.Int intSlider(String label, int min, int max, int value) {
        return conclab.widgets.Widgets.intSlider(label, min, max, value);
    }

    /** A slider of decimal numbers from {@code min} to {@code max} (100 steps). */
    public static conclab.widgets.Slider.Float floatSlider(String label, double min, double max, double value) {
        return conclab.widgets.Widgets.floatSlider(label, min, max, value);
    }

    /** A slider with two handles: the range {@code [lower, upper]}. */
    public static conclab.widgets.Slider.IntRange intRangeSlider(String label, int min, int max, int lower, int upper) {
        return conclab.widgets.Widgets.intRangeSlider(label, min, max, lower, upper);
    }

    /** A drop-down list of {@code options}; its {@code value()} is the chosen one. */
    public static conclab.widgets.Choice.Dropdown dropdown(String label, String... options) {
        return conclab.widgets.Widgets.dropdown(label, options);
    }

    /** A row of buttons, one of them pressed: {@code toggleButtons("Strategy", "platform", "virtual")}. */
    public static conclab.widgets.Choice.ToggleButtons toggleButtons(String label, String... options) {
        return conclab.widgets.Widgets.toggleButtons(label, options);
    }

    /** A check box. */
    public static conclab.widgets.Checkbox checkbox(String label, boolean value) {
        return conclab.widgets.Widgets.checkbox(label, value);
    }

    /** A one-line text input. */
    public static conclab.widgets.Text textInput(String label, String value) {
        return conclab.widgets.Widgets.text(label, value);
    }

    /** A line of text in a widget layout; change it with {@code value(text)} from any thread. */
    public static conclab.widgets.Text label(String text) {
        return conclab.widgets.Widgets.label(text);
    }

    /**
     * A button: {@code button("Stop").onClick(() -> stop.set(true))}. The click reaches its handler at once,
     * also while a cell runs.
     */
    public static conclab.widgets.Button button(String label) {
        return conclab.widgets.Widgets.button(label);
    }

    /** A progress bar from 0 to {@code max}: {@code p.value(n)} or {@code p.step()} from any thread. */
    public static conclab.widgets.Progress.Int progress(String label, int max) {
        return conclab.widgets.Widgets.progress(label, max);
    }

    /** An output area for text and charts written from any thread ({@code println}, {@code display}). */
    public static conclab.widgets.Output output() {
        return conclab.widgets.Widgets.output();
    }

    /** Widgets side by side. */
    public static conclab.widgets.Box hbox(conclab.widgets.Widget... children) {
        return conclab.widgets.Widgets.hbox(children);
    }

    /** Widgets one above the other. */
    public static conclab.widgets.Box vbox(conclab.widgets.Widget... children) {
        return conclab.widgets.Widgets.vbox(children);
    }

    /** Keeps two widgets' values equal, both ways. */
    public static <T> conclab.widgets.Link link(conclab.widgets.ValueWidget<T> a, conclab.widgets.ValueWidget<T> b) {
        return conclab.widgets.Widgets.link(a, b);
    }

    /**
     * Shows what {@code function} returns for the control's value, and again after each change (debounced,
     * the previous run interrupted): {@code interact(intSlider("Threads", 1, 8, 2), n -> chartFor(n))}.
     */
    public static <A> conclab.widgets.Interact interact(conclab.widgets.ValueWidget<A> control,
                                                        java.util.function.Function<? super A, ?> function) {
        return conclab.widgets.Widgets.interact(control, function);
    }

    /** As {@link #interact(conclab.widgets.ValueWidget, java.util.function.Function)}, with two controls. */
    public static <A, B> conclab.widgets.Interact interact(conclab.widgets.ValueWidget<A> a,
                                                           conclab.widgets.ValueWidget<B> b,
                                                           java.util.function.BiFunction<? super A, ? super B, ?> function) {
        return conclab.widgets.Widgets.interact(a, b, function);
    }

    // language

    /**
     * Chooses the language and number format of what the lab prints in this session: {@code language("en")}
     * (English, the default) or {@code language("fr")} (French: {@code 1 000,5}, {@code 12,3 ms}, {@code 45 %}).
     * Every notebook calls it in its first code cell.
     */
    public static void language(String tag) {
        conclab.text.Language.set(tag);
    }

    /** The session's language: {@code "en"} or {@code "fr"}. */
    public static String language() {
        return conclab.text.Language.tag();
    }

    // maven

    /**
     * A race of queues: one producer thread hands {@code items} items to one consumer thread through each
     * queue given to {@link conclab.task.HandOff#through}, the same work on the same two threads; the
     * result draws the items handed over against time, one line per queue.
     */
    public static conclab.task.HandOff handOffs(int items) {
        return conclab.task.HandOff.of(items);
    }

    /**
     * Runs line magic {@code name} from code, as IJava's {@code lineMagic}: {@code lineMagic("maven",
     * List.of("org.jctools:jctools-core:4.0.7"))}. A magic inside a cell's code ({@code List<String> added =
     * %jars lib/*.jar}) becomes such a call. Returns the magic's value, typed as the caller needs it
     * (unchecked): the jars added by {@code maven} and {@code jars}, else null.
     *
     * @throws conclab.spi.MagicCalls.MagicFailed when the magic fails (its message says why)
     */
    @SuppressWarnings("unchecked")
    public static <T> T lineMagic(String name, java.util.List<String> args) {
        return (T) conclab.spi.MagicCalls.current().line(name, args);
    }

    /** Runs cell magic {@code name} from code with {@code body} as its cell, as IJava's {@code cellMagic}. */
    @SuppressWarnings("unchecked")
    public static <T> T cellMagic(String name, java.util.List<String> args, String body) {
        return (T) conclab.spi.MagicCalls.current().cell(name, args, body);
    }

    /**
     * Adds Maven artifacts and their dependencies to the class path, as {@code %maven} does:
     * {@code maven("org.jctools:jctools-core:4.0.7")}; returns the jars. In plain JShell started by
     * {@code ./lab jshell}, the jars go to JShell's class path, so the next snippet can import them.
     *
     * @throws conclab.spi.MagicCalls.MagicFailed when an artifact cannot be resolved (the message says why)
     */
    public static java.util.List<String> maven(String... coordinates) {
        return lineMagic("maven", java.util.List.of(coordinates));
    }

    // wlessons

    /**
     * A Stop button for work that accepts a {@link conclab.task.StopSignal}: greyed out until the work
     * runs, clickable while it runs, and a click cancels that work only:
     * {@code var stop = stopButton(); display(stop); experiment(cpu(ms(20))).tasks(400).on(platform(2)).stopOn(stop).run()}.
     * Nobody clicking (a notebook run headless), the work runs to its end.
     */
    public static conclab.widgets.Button stopButton() {
        return conclab.widgets.Widgets.button("Stop").style("danger").disabled(true);
    }

    /** A stop signal you fire yourself, from any thread: {@code var s = stopSignal(); ... s.stop()}. */
    public static conclab.task.StopSignal.Manual stopSignal() {
        return conclab.task.StopSignal.manual();
    }
}
