package conclab.task;

import conclab.spi.DisplayHandle;
import conclab.spi.Host;
import conclab.spi.Hosts;
import conclab.spi.PlainHost;
import conclab.trace.Recorder;
import conclab.trace.Span;
import conclab.trace.Stats;
import conclab.trace.Trace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class StrategyTest {

    /** Counts captures; installed when no other host is (else capture checks are skipped). */
    static final class CountingHost implements Host {
        final AtomicInteger captures = new AtomicInteger();
        private final PlainHost plain = new PlainHost();
        public Runnable capture(Runnable task) { captures.incrementAndGet(); return task; }
        public <T> Callable<T> capture(Callable<T> task) { captures.incrementAndGet(); return task; }
        public DisplayHandle display(Object value) { return plain.display(value); }
        public boolean rich() { return false; }
    }

    static final CountingHost HOST = new CountingHost();
    private static Host previous;

    /** Installs the counting host for this class only when no other host is (else capture checks are skipped). */
    @org.junit.jupiter.api.BeforeAll
    static void install() {
        previous = Hosts.current();
        try {
            if (previous instanceof PlainHost) Hosts.install(HOST);
        } catch (IllegalStateException e) {
            // another test installed its host
        }
    }

    /** Puts the previous host back (Hosts has no uninstall: tests only), so other test classes see the JVM as before. */
    @org.junit.jupiter.api.AfterAll
    static void restore() throws ReflectiveOperationException {
        if (Hosts.current() != HOST) return;
        var f = Hosts.class.getDeclaredField("current");
        f.setAccessible(true);
        f.set(null, previous);
    }

    static List<Strategy> all() {
        return List.of(Strategy.sequential(), Strategy.platform(3), Strategy.platformPerTask(), Strategy.chunks(3),
                Strategy.fixedPool(3), Strategy.virtual(), Strategy.forkJoin(3), Strategy.completableFuture(3),
                Strategy.parallelStream(), Strategy.structured(), Strategy.platform(3).withGil(),
                Strategy.virtual().withGil(Duration.ofMillis(1), true));
    }

    static List<Strategy> cancellable() {
        return all().stream().filter(s -> !s.name().equals("parallelStream") && !s.name().equals("sequential")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void runs_every_task_exactly_once_and_records_a_span_for_each(Strategy s) throws Exception {
        int n = 37;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        Recorder rec = Recorder.start(s.name());
        int before = HOST.captures.get();
        s.run(Work.named("count", i -> {
            runs.incrementAndGet(i);
            Thread.sleep(1); // lets tasks overlap
        }), n, rec);
        Trace t = rec.stop();
        for (int i = 0; i < n; i++) assertEquals(1, runs.get(i), "task " + i);
        Set<Long> ids = t.spans().stream().map(Span::taskId).collect(Collectors.toSet());
        assertEquals(n, ids.size());
        Set<String> labels = t.spans().stream().map(Span::task).collect(Collectors.toSet());
        for (int i = 0; i < n; i++) assertTrue(labels.contains("task " + i));
        assertEquals(n, Stats.of(t, s.workers(n)).tasks());
        if (Hosts.current() == HOST) assertTrue(HOST.captures.get() - before >= n, "every task wrapped by the host");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void a_failing_task_is_reported_with_its_cause(Strategy s) {
        Recorder rec = Recorder.start(s.name());
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> s.run(Work.named("fail", i -> {
            if (i == 2) throw new IllegalStateException("boom " + i);
        }), 5, rec));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("boom 2", e.getCause().getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cancellable")
    void interrupting_the_caller_cancels_every_task_and_leaves_no_thread_running(Strategy s) throws Exception {
        int n = 4;
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                s.run(Work.named("long", i -> {
                    workers.add(Thread.currentThread());
                    started.countDown();
                    Work.cpu(Duration.ofSeconds(60)).run(i);
                }), n, Recorder.start("cancel"));
                outcome.set(new AssertionError("run returned"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(caller.isAlive(), "run did not return after interrupt");
        assertInstanceOf(InterruptedException.class, outcome.get());
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(w.isAlive(), w + " still runs");
        }
    }

    @Test
    void structured_cancels_siblings_blocked_on_a_latch_when_one_fails() {
        int n = 6;
        CountDownLatch siblingsWaiting = new CountDownLatch(n - 1), never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> Strategy.structured().run(
                Work.named("fail fast", i -> {
                    if (i == 0) {
                        siblingsWaiting.await();
                        throw new IllegalArgumentException("first failure");
                    }
                    siblingsWaiting.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException x) {
                        interrupted.incrementAndGet();
                        throw x;
                    }
                }), n, Recorder.start("structured")));
        assertEquals("first failure", e.getCause().getMessage());
        assertEquals(n - 1, interrupted.get(), "every sibling was interrupted before run returned");
    }

    @Test
    void scope_join_returns_results_and_reports_the_first_failure() throws Exception {
        try (Scope scope = Scope.open()) {
            var a = scope.fork(() -> 1);
            var b = scope.fork(() -> 2);
            scope.join();
            assertEquals(3, a.get() + b.get());
            assertEquals(Scope.State.SUCCESS, a.state());
        }
        CountDownLatch forever = new CountDownLatch(1);
        try (Scope scope = Scope.open()) {
            var slow = scope.fork(() -> {
                forever.await();
                return "never";
            });
            var bad = scope.fork(() -> {
                throw new java.io.IOException("down");
            });
            var ex = assertThrows(java.util.concurrent.ExecutionException.class, scope::join);
            assertEquals("down", ex.getCause().getMessage());
            assertEquals(Scope.State.FAILED, bad.state());
            assertEquals(Scope.State.CANCELLED, slow.state());
            assertThrows(IllegalStateException.class, slow::get);
        }
    }

    @Test
    void work_stealing_leaves_less_idle_time_than_static_chunks_on_skewed_sleeps() throws Exception {
        int n = 24, workers = 2;
        Sizes sizes = Sizes.zipf(Duration.ofMillis(4), 24, 1.0, 7);
        long[] ns = sizes.nanos(n);
        long min = java.util.Arrays.stream(ns).min().orElseThrow(), max = java.util.Arrays.stream(ns).max().orElseThrow();
        assertTrue(max >= 3 * min, "sizes differ at least 3×");
        long first = 0, second = 0;
        for (int i = 0; i < n; i++) if (i < n / 2) first += ns[i]; else second += ns[i];
        assertTrue(Math.max(first, second) > 1.3 * Math.min(first, second), "the seed gives unequal static chunks");

        Stats chunks = stats(Strategy.chunks(workers), Work.sleep(sizes), n);
        Stats stealing = stats(Strategy.forkJoin(workers), Work.sleep(sizes), n);
        assertTrue(stealing.idleNanos() < chunks.idleNanos(),
                "idle: stealing " + stealing.idleNanos() / 1e6 + " ms, chunks " + chunks.idleNanos() / 1e6 + " ms");
        assertTrue(stealing.imbalance() < chunks.imbalance());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twoAtOnce")
    void parallel_strategies_run_two_tasks_at_the_same_time(Strategy s) throws Exception {
        // Speedup on this shared, noisy machine is a benchmark figure (LibBench); what a test can say
        // for certain is that two tasks are in progress at once: both reach a barrier only together.
        java.util.concurrent.CyclicBarrier both = new java.util.concurrent.CyclicBarrier(2);
        Recorder rec = Recorder.start(s.name());
        s.run(Work.named("meet", i -> {
            if (i < 2) both.await(30, TimeUnit.SECONDS);
        }), 2, rec);
        Trace t = rec.stop();
        Span a = t.spans().stream().filter(x -> x.task().equals("task 0")).findFirst().orElseThrow();
        Span b = t.spans().stream().filter(x -> x.task().equals("task 1")).findFirst().orElseThrow();
        assertNotEquals(a.lane(), b.lane());
        assertTrue(a.startNanos() < b.endNanos() && b.startNanos() < a.endNanos(), "the spans overlap");
    }

    static List<Strategy> twoAtOnce() {
        return List.of(Strategy.platform(2), Strategy.platformPerTask(), Strategy.chunks(2), Strategy.fixedPool(2),
                Strategy.virtual(), Strategy.forkJoin(2), Strategy.completableFuture(2), Strategy.structured());
    }

    @Test
    void more_threads_than_cores_run_without_computing_all_the_time() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Assumptions.assumeTrue(cores <= 8, "needs few cores to oversubscribe cheaply");
        Work w = Work.cpu(Duration.ofMillis(10));
        Stats one = stats(Strategy.sequential(), w, 4);
        Assumptions.assumeFalse(Double.isNaN(one.computingShare()), "no thread CPU time on this JVM");
        assertTrue(one.cpuNanos() > 0 && one.computingShare() <= 1.05, "cpu time never exceeds running time");
        // 4 threads per core: a thread computes at most a quarter of the time it is running, less under load
        Stats many = stats(Strategy.platform(4 * cores), w, 8 * cores);
        assertTrue(many.computingShare() < 0.6, "oversubscribed computing share " + many.computingShare());
        assertTrue(Double.isNaN(stats(Strategy.virtual(), w, 2).computingShare()), "unknown on virtual threads");
    }

    @Test
    void under_a_gil_at_most_one_core_computes_on_average() throws Exception {
        // Timing alone misleads on a loaded machine (a thread that sleeps between turns gets a better
        // share from the OS scheduler); CPU time over wall time counts the cores that computed.
        Work w = Work.cpu(Duration.ofMillis(15));
        Cpu.stepsPerNano();
        Stats gil = stats(Strategy.platform(2).withGil(), w, 8);
        Assumptions.assumeFalse(Double.isNaN(gil.parallelism()), "no thread CPU time on this JVM");
        assertTrue(gil.parallelism() <= 1.1, "cores computing under the GIL: " + gil.parallelism());
        assertTrue(gil.blockedNanos() > 0, "waits for the GIL are recorded as BLOCKED");
    }

    private static Stats stats(Strategy s, Work w, int n) throws InterruptedException {
        Recorder rec = Recorder.start(s.name());
        s.run(w, n, rec);
        return Stats.of(rec.stop(), s.workers(n));
    }

    @Test
    void gil_strategy_names_say_so() {
        assertEquals("platform(2)+GIL", Strategy.platform(2).withGil().name());
        assertEquals("virtual+GIL(1.00 ms, fair)", Strategy.virtual().withGil(Duration.ofMillis(1), true).name());
        assertThrows(IllegalArgumentException.class, () -> Strategy.virtual().withGil().withGil());
        assertThrows(IllegalArgumentException.class, () -> Strategy.platform(0));
        var names = new HashSet<String>();
        for (Strategy s : all()) assertTrue(names.add(s.name()), s.name());
    }
}
