package conclab.check;

import conclab.task.Work;

import conclab.sync.RateLimiter;
import conclab.trace.Format;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Probes for exercise checks: each runs a learner's code on inputs of its own, instrumented so that a
 * wrong answer is caught by structure (which thread ran a job, how many ran at once, whether a permit
 * came back) rather than by timing luck, and returns a {@link Verdict} saying what it observed.
 *
 * <p>Every probe never throws (a failure of the code under test is a verdict) and never hangs: what it
 * waits for has a deadline, after which it gives up, interrupts the threads it started and reports.
 * Waits that make a race visible are forced: a probe holds the first jobs until as many as allowed are
 * running, then waits a little longer to see whether one more arrives, so "at most k at once" and
 * "exactly k at once" are observed, not hoped for.
 */
public final class Probes {

    private Probes() {}

    /** What a probe concluded: {@code ok}, and what it saw (a hint when not ok). */
    public record Verdict(boolean ok, String why) {
        static Verdict pass(String what) { return new Verdict(true, what); }
        static Verdict fail(String why) { return new Verdict(false, why); }
    }

    /** How long a probe waits for what a right answer does at once. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    /** The CPU time past which a producer that should be waiting is spinning (submitting its jobs takes milliseconds). */
    static final Duration SPIN_CPU = Duration.ofMillis(500);
    /** How long a probe holds a full batch to see whether one more job arrives (only wrong answers send one). */
    static final Duration OVERFLOW_WINDOW = Duration.ofMillis(300);

    // ------------------------------------------------------------------ back-pressure

    /**
     * Submits {@code workers + capacity + 3} jobs to {@code pool} from a producer thread of its own,
     * while every job waits on a gate, and says whether the pool behaves as "{@code workers} threads, a
     * queue of {@code capacity}, and a producer that waits when it is full": exactly {@code workers} jobs
     * running, {@code capacity} queued, the producer blocked (no job rejected, none run by the producer),
     * then every job run once the gate opens. Shuts the pool down.
     */
    public static Verdict backPressure(ExecutorService pool, int workers, int capacity) {
        if (pool == null) return Verdict.fail(m("probe.no_executor"));
        int jobs = workers + capacity + 3;
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger(), completed = new AtomicInteger(), byProducer = new AtomicInteger(),
                submitted = new AtomicInteger(), rejected = new AtomicInteger();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread[] producer = new Thread[1];
        Runnable job = () -> {
            if (Thread.currentThread() == producer[0]) {  // caller-runs: do not block the producer on the gate
                byProducer.incrementAndGet();
                completed.incrementAndGet();
                return;
            }
            running.incrementAndGet();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                completed.incrementAndGet();
            }
        };
        producer[0] = Thread.ofPlatform().daemon().name("probe-producer").unstarted(() -> {
            for (int k = 0; k < jobs; k++) {
                try {
                    pool.execute(job);
                    submitted.incrementAndGet();
                } catch (RejectedExecutionException e) {
                    rejected.incrementAndGet();
                } catch (Throwable t) {
                    errors.add(t);
                    return;
                }
            }
        });
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        producer[0].start();
        // settle: the producer finished, or it is blocked and nothing has moved for a while
        long deadline = System.nanoTime() + SETTLE.toNanos();
        int lastSubmitted = -1, still = 0;
        while (producer[0].isAlive() && System.nanoTime() < deadline) {
            sleepQuietly(5);
            Thread.State st = producer[0].getState();
            boolean blocked = st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING || st == Thread.State.BLOCKED;
            int s = submitted.get();
            still = blocked && s == lastSubmitted && running.get() >= Math.min(workers, s) ? still + 1 : 0;
            lastSubmitted = s;
            if (still >= 20) break;
        }
        boolean waited = producer[0].isAlive();
        // a producer that waits for room is parked; one that spins for it (a loop on offer or on the queue's
        // room) never settles and burns its CPU all along: seconds of it, where submitting takes milliseconds
        long producerCpu = waited ? cpu.getThreadCpuTime(producer[0].threadId()) : -1;
        boolean spun = producerCpu > SPIN_CPU.toNanos();
        int acceptedBeforeWait = submitted.get(), runningThen = running.get();
        int queued = pool instanceof ThreadPoolExecutor tpe ? tpe.getQueue().size() : -1;
        gate.countDown();
        try {
            producer[0].join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        String seen = m("probe.bp.seen", workers, capacity, runningThen, queued < 0 ? "" : m("probe.bp.queued", queued) + ", ",
                acceptedBeforeWait, waited ? m("probe.bp.waited") : m("probe.bp.finished", jobs));
        if (!errors.isEmpty()) return Verdict.fail(m("probe.bp.threw", errors.getFirst(), seen));
        if (rejected.get() > 0)
            return Verdict.fail(m("probe.bp.rejected", rejected.get(), seen));
        if (byProducer.get() > 0)
            return Verdict.fail(m("probe.bp.caller_runs", byProducer.get(), seen));
        if (spun)
            return Verdict.fail(m("probe.bp.spun", TimeUnit.NANOSECONDS.toMillis(producerCpu), seen));
        if (runningThen != workers)
            return Verdict.fail(m("probe.bp.size", runningThen, workers, seen));
        if (!waited)
            return Verdict.fail(m("probe.bp.unbounded", seen));
        if (acceptedBeforeWait != workers + capacity)
            return Verdict.fail(m("probe.bp.waited_after", acceptedBeforeWait, workers + capacity, seen));
        if (completed.get() != jobs)
            return Verdict.fail(m("probe.bp.drained", completed.get(), jobs, seen));
        return Verdict.pass(m("probe.bp.pass", seen));
    }

    // ------------------------------------------------------------------ a semaphore around a resource

    /**
     * Wraps, with {@code limited}, a query of the probe's own in a semaphore of {@code permits} permits
     * and runs 20 tasks on virtual threads through it; one query in five fails (throws) after it has
     * started. While the first {@code permits} queries are held, one task still waiting for a permit is
     * interrupted (as a cancelled request would be): it may give up without its query, but must not give
     * back a permit it never got (a {@code release} in a {@code finally} around the {@code acquire}).
     * Says whether exactly {@code permits} queries ran at once (never more; not fewer, so not one at a
     * time), each holding a permit of the semaphore it was given (a semaphore of the wrapper's own, even of
     * the same size, limits nothing that shares {@code slots}), every other task's query ran (none
     * dropped), and exactly the permits came back.
     */
    public static Verdict semaphoreLimit(BiFunction<Semaphore, Work, Work> limited, int permits) {
        int tasks = 20;
        Semaphore slots = new Semaphore(permits);
        AtomicInteger inFlight = new AtomicInteger(), peak = new AtomicInteger(), calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicIntegerArray queried = new java.util.concurrent.atomic.AtomicIntegerArray(tasks);
        Batches hold = new Batches(permits);
        CountDownLatch interrupted = new CountDownLatch(1);   // the first batch stays until the probe has interrupted one
        Work query = i -> {
            calls.incrementAndGet();
            queried.set(i, 1);
            int n = inFlight.incrementAndGet();
            peak.accumulateAndGet(n, Math::max);
            try {
                hold.arrive(n);
                interrupted.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                Thread.sleep(2);
                if (i % 5 == 4) throw new java.io.IOException(m("probe.sem.query_failed", i));
            } finally {
                inFlight.decrementAndGet();
            }
        };
        Work wrapped;
        try {
            wrapped = limited.apply(slots, query);
        } catch (Throwable t) {
            return Verdict.fail(m("probe.sem.threw", t));
        }
        if (wrapped == null) return Verdict.fail(m("probe.sem.null"));
        Work w = wrapped;
        Thread[] threads = startEach(w, tasks);   // the forced failures are swallowed there: either is fine
        int victim = -1, freeWhileHeld = -1;
        if (hold.awaitFull()) {
            freeWhileHeld = slots.availablePermits();   // the first batch holds every permit of `slots`: none free
            // the first batch is held: the tasks not in a query are waiting for a permit; interrupt one of them
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (victim < 0 && System.nanoTime() < deadline) {
                boolean someLeft = false;
                for (int k = 0; k < tasks && victim < 0; k++) {
                    if (queried.get(k) != 0 || !threads[k].isAlive()) continue;
                    someLeft = true;
                    if (threads[k].getState() == Thread.State.WAITING || threads[k].getState() == Thread.State.TIMED_WAITING) {
                        threads[k].interrupt();
                        victim = k;
                    }
                }
                if (!someLeft) break;
                if (victim < 0) sleepQuietly(1);
            }
        }
        interrupted.countDown();
        Duration allowed = SETTLE.plusSeconds(5);
        int stuck = joinAll(threads, allowed);
        boolean victimSkipped = victim >= 0 && queried.get(victim) == 0;   // gave up waiting: no query, no permit
        String seen = m("probe.sem.seen", permits, calls.get(), tasks, peak.get(), slots.availablePermits())
                + (victim >= 0 ? m("probe.sem.interrupted", victim) : "");
        if (stuck > 0)
            return Verdict.fail(m("probe.sem.stuck", stuck, allowed.toSeconds(), seen));
        if (slots.availablePermits() > permits)
            return Verdict.fail(m("probe.sem.extra", slots.availablePermits(), permits, seen));
        if (peak.get() > permits)
            return Verdict.fail(m("probe.sem.too_many", peak.get(), permits, seen));
        if (calls.get() + (victimSkipped ? 1 : 0) != tasks)
            return Verdict.fail(m("probe.sem.dropped", calls.get(), tasks, seen));
        if (slots.availablePermits() != permits)
            return Verdict.fail(m("probe.sem.lost", seen));
        if (hold.gaveUp() || peak.get() < permits)
            return Verdict.fail(m("probe.sem.too_few", peak.get(), permits, seen));
        if (freeWhileHeld > 0)
            return Verdict.fail(m("probe.sem.not_given", permits, freeWhileHeld, seen));
        return Verdict.pass(m("probe.sem.pass", seen));
    }

    // ------------------------------------------------------------------ a token bucket around a call

    /**
     * Wraps, with {@code paced}, a call of the probe's own in a fresh {@link RateLimiter} of
     * {@code perSecond} and {@code burst}, and runs {@code calls} tasks on virtual threads through it.
     * Says whether every call ran and every one started only after a token had been granted for it
     * (the limiter's count of grants is never behind the count of calls started).
     */
    public static Verdict rateLimit(BiFunction<RateLimiter, Work, Work> paced, double perSecond, int burst, int calls) {
        RateLimiter api = new RateLimiter("probe", perSecond, burst);
        AtomicInteger started = new AtomicInteger(), ahead = new AtomicInteger();
        Work call = i -> {
            int n = started.incrementAndGet();
            if (api.granted() < n) ahead.incrementAndGet();
        };
        Work wrapped;
        try {
            wrapped = paced.apply(api, call);
        } catch (Throwable t) {
            return Verdict.fail(m("probe.paced.threw", t));
        }
        if (wrapped == null) return Verdict.fail(m("probe.paced.null"));
        Work w = wrapped;
        long t0 = System.nanoTime();
        Thread[] threads = startEach(w, calls);   // a call that throws is counted below as not run
        Duration allowed = Duration.ofMillis(5_000 + (long) (2_000 * calls / perSecond));
        int stuck = joinAll(threads, allowed);
        double took = (System.nanoTime() - t0) / 1e6;
        String seen = conclab.text.Messages.format(m("probe.paced.seen"), perSecond, burst, started.get(),
                calls, ahead.get(), api.granted(), took);
        if (stuck > 0) return Verdict.fail(m("probe.paced.stuck", stuck, allowed.toSeconds(), seen));
        if (ahead.get() > 0)
            return Verdict.fail(m("probe.paced.no_token", seen));
        if (started.get() != calls)
            return Verdict.fail(m("probe.paced.dropped", seen));
        return Verdict.pass(m("probe.paced.pass", seen));
    }

    // ------------------------------------------------------------------ one virtual thread per task

    /**
     * Calls {@code runAll} with {@code n} tasks of the probe's own (each records its thread, start and
     * end, and waits until all {@code n} have started, or gives up after a few seconds) and says whether
     * every task ran on a virtual thread, all {@code n} were in progress at once (from their recorded
     * starts and ends), and all had ended when {@code runAll} returned. Once all {@code n} have started,
     * the tasks are held until the caller is seen waiting (or a few seconds pass), and the caller's stack is
     * looked at then: a caller that sleeps ({@code Thread.sleep}, a guess at how long the tasks take) or
     * spins instead of waiting for the tasks is caught whatever its guess.
     */
    public static Verdict virtualPerTask(Consumer<List<Runnable>> runAll, int n) {
        long[] starts = new long[n], ends = new long[n];
        AtomicInteger ended = new AtomicInteger(), platform = new AtomicInteger();
        Batches hold = new Batches(n);
        AtomicInteger inProgress = new AtomicInteger(), startedCount = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);   // counted down once the caller is seen waiting
        List<Runnable> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            tasks.add(() -> {
                starts[k] = System.nanoTime();
                startedCount.incrementAndGet();
                boolean virtual = Thread.currentThread().isVirtual();
                if (!virtual) {
                    platform.incrementAndGet();
                    hold.abandon();                    // a verdict already: no need to wait for the others
                }
                int now = inProgress.incrementAndGet();
                try {
                    hold.arrive(now);
                    if (virtual) release.await(HOLD_FOR_CALLER.toMillis() + 5_000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inProgress.decrementAndGet();
                    ends[k] = System.nanoTime();
                    ended.incrementAndGet();
                }
            });
        }
        AtomicInteger endedAtReturn = new AtomicInteger(-1);
        AtomicBoolean threw = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().daemon().name("probe-caller").start(() -> {
            try {
                runAll.accept(List.copyOf(tasks));
            } catch (Throwable t) {
                threw.set(true);
            } finally {
                endedAtReturn.set(ended.get());
            }
        });
        // hold the started tasks until the caller waits for them; how it waits is what a sleep gives away
        AtomicBoolean slept = new AtomicBoolean(), spun = new AtomicBoolean();
        long holdUntil = System.nanoTime() + Duration.ofSeconds(15).toNanos(), allStartedAt = 0;
        while (caller.isAlive() && release.getCount() > 0 && System.nanoTime() < holdUntil) {
            if (startedCount.get() >= n || hold.gaveUp()) {
                if (allStartedAt == 0) allStartedAt = System.nanoTime();
                Thread.State st = caller.getState();
                if (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING || st == Thread.State.BLOCKED) {
                    if (conclab.task.internal.Waits.sleeping(caller)) slept.set(true);
                    release.countDown();
                } else if (System.nanoTime() - allStartedAt > HOLD_FOR_CALLER.toNanos()) {
                    spun.set(true);                    // runnable all along, the tasks done but held: it polls
                    release.countDown();
                }
            }
            sleepQuietly(2);
        }
        release.countDown();
        boolean returned = joinQuietly(caller, Duration.ofSeconds(15));
        if (!returned) caller.interrupt();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ended.get() < n && System.nanoTime() < deadline) sleepQuietly(5);   // leaked tasks: let them end
        int overlap = maxOverlap(starts, ends, ended.get() == n);
        String seen = m("probe.vt.seen", n, Math.max(0, endedAtReturn.get()), overlap, platform.get());
        if (!returned) return Verdict.fail(m("probe.vt.no_return", seen));
        if (threw.get()) return Verdict.fail(m("probe.vt.threw", seen));
        if (platform.get() > 0)
            return Verdict.fail(m("probe.vt.platform", platform.get(), seen));
        if (slept.get())
            return Verdict.fail(m("probe.vt.slept", seen));
        if (spun.get())
            return Verdict.fail(m("probe.vt.spun", HOLD_FOR_CALLER.toSeconds(), seen));
        if (endedAtReturn.get() < n)
            return Verdict.fail(m("probe.vt.early", seen));
        if (hold.gaveUp() || overlap < n)
            return Verdict.fail(m("probe.vt.serial", seen));
        return Verdict.pass(m("probe.vt.pass", seen));
    }

    // ------------------------------------------------------------------ bounded and in order

    /**
     * Calls {@code fetchAll.apply(n, fetch)} with a fetch of the probe's own (page 0 slow, the others
     * quick; the first {@code atOnce} held until that many are in flight, then page {@code atOnce / 2}
     * held until a page after the first {@code atOnce} has started, or a few seconds) and says whether the
     * pages came back in order, each fetched once, on virtual threads, exactly {@code atOnce} at once, and
     * whether the next page started while one of the first was still being fetched: fetches made in chunks
     * of {@code atOnce} (start 8, wait for all 8, start the next 8) start nothing until the slowest of a
     * chunk ends, and are caught on every run.
     */
    public static Verdict boundedInOrder(BiFunction<Integer, IntFunction<String>, List<String>> fetchAll, int n, int atOnce) {
        AtomicInteger inFlight = new AtomicInteger(), peak = new AtomicInteger(), calls = new AtomicInteger(),
                platform = new AtomicInteger();
        Batches hold = new Batches(atOnce);
        int slow = atOnce / 2;                                   // held until a page beyond the first batch starts
        CountDownLatch beyond = new CountDownLatch(1);
        AtomicBoolean slid = new AtomicBoolean(), heldSlow = new AtomicBoolean();
        IntFunction<String> fetch = i -> {
            calls.incrementAndGet();
            if (i >= atOnce) beyond.countDown();
            if (!Thread.currentThread().isVirtual()) {
                platform.incrementAndGet();
                hold.abandon();
            }
            int now = inFlight.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                hold.arrive(now);
                if (i == slow && !hold.gaveUp() && Thread.currentThread().isVirtual() && heldSlow.compareAndSet(false, true))
                    slid.set(beyond.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS));
                Thread.sleep(i == 0 ? 60 : 3);         // page 0 ends last of its batch, by far
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            return "page " + i;
        };
        List<String>[] got = new List[1];
        AtomicBoolean threw = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().daemon().name("probe-caller").start(() -> {
            try {
                got[0] = fetchAll.apply(n, fetch);
            } catch (Throwable t) {
                threw.set(true);
            }
        });
        boolean returned = joinQuietly(caller, Duration.ofSeconds(20));
        if (!returned) caller.interrupt();
        List<String> expected = java.util.stream.IntStream.range(0, n).mapToObj(i -> "page " + i).toList();
        String seen = m("probe.fetch.seen", n, calls.get(), peak.get(), platform.get());
        if (!returned) return Verdict.fail(m("probe.fetch.no_return", seen));
        if (threw.get()) return Verdict.fail(m("probe.fetch.threw", seen));
        if (got[0] == null || !got[0].equals(expected)) {
            String first = got[0] == null ? "null" : got[0].subList(0, Math.min(3, got[0].size())).toString();
            return Verdict.fail(m("probe.fetch.order", first, seen));
        }
        if (calls.get() != n) return Verdict.fail(m("probe.fetch.once", seen));
        if (platform.get() > 0)
            return Verdict.fail(m("probe.fetch.platform", seen));
        if (peak.get() > atOnce) return Verdict.fail(m("probe.fetch.too_many", atOnce, seen));
        if (hold.gaveUp() || peak.get() < atOnce)
            return Verdict.fail(m("probe.fetch.too_few", atOnce, seen));
        if (heldSlow.get() && !slid.get())
            return Verdict.fail(m("probe.fetch.chunks", slow, atOnce, SETTLE.toSeconds(), seen));
        return Verdict.pass(m("probe.fetch.pass", seen));
    }

    // ------------------------------------------------------------------ lazy, without pinning

    /**
     * A slow store to load settings from: {@link #load()} waits {@code delay} (a sleep, as a file or a
     * network read would) and counts its loads and those in progress. Thread-safe.
     */
    public static final class SlowStore {
        private final Duration delay;
        private final AtomicInteger loads = new AtomicInteger(), loading = new AtomicInteger();

        public SlowStore(Duration delay) {
            this.delay = delay;
        }

        /** Waits the store's delay, then returns {@code "settings v1"}. */
        public String load() throws InterruptedException {
            loads.incrementAndGet();
            loading.incrementAndGet();
            try {
                Thread.sleep(delay);
                return "settings v1";
            } finally {
                loading.decrementAndGet();
            }
        }

        /** Loads started so far. */
        public int loads() {
            return loads.get();
        }

        /** Loads in progress now. */
        public int loading() {
            return loading.get();
        }

        @Override
        public String toString() {
            return "SlowStore[" + Format.millis(delay.toNanos()) + " a load, " + loads() + " loads]";
        }
    }

    /**
     * Calls {@code settings} from 4 × cores virtual threads at once; once a load of {@code store} is
     * in progress, starts one more virtual thread (a bystander that touches nothing of theirs) and says
     * whether every caller got the same value, the store was loaded at most once, and the bystander
     * got a carrier while the load was still in progress: it cannot when the waiting callers pin every
     * carrier (a wait in a class initialiser does; on JDK 24+ a wait in {@code synchronized} does not).
     */
    public static Verdict lazyWithoutPinning(java.util.concurrent.Callable<String> settings, SlowStore store) {
        int n = 4 * Runtime.getRuntime().availableProcessors();
        int before = store.loads();
        String[] got = new String[n];
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] callers = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            callers[i] = Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    got[k] = settings.call();
                } catch (Throwable t) {
                    failed.incrementAndGet();
                }
            });
        }
        go.countDown();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (store.loads() == before && System.nanoTime() < deadline && anyAlive(callers)) sleepQuietly(2);
        boolean loadedNow = store.loads() > before;
        AtomicBoolean duringLoad = new AtomicBoolean();
        Thread bystander = null;
        if (loadedNow) {
            sleepQuietly(30);   // let the other callers reach their wait
            bystander = Thread.ofVirtual().start(() -> duringLoad.set(store.loading() > 0));
        }
        int stuck = joinAll(callers, Duration.ofSeconds(10));
        if (bystander != null) joinQuietly(bystander, Duration.ofSeconds(10));
        int loads = store.loads() - before;
        java.util.Set<String> values = new java.util.HashSet<>(Arrays.asList(got));
        String seen = m(loads == 1 ? "probe.cache.seen.one" : "probe.cache.seen.many", n, loads,
                loadedNow ? m(duringLoad.get() ? "probe.cache.bystander_ran" : "probe.cache.bystander_stuck") : "");
        if (stuck > 0) return Verdict.fail(m("probe.cache.stuck", stuck, seen));
        if (failed.get() > 0) return Verdict.fail(m("probe.cache.threw", failed.get(), seen));
        if (values.size() != 1 || values.contains(null))
            return Verdict.fail(m("probe.cache.values", values, seen));
        if (loads > 1)
            return Verdict.fail(m("probe.cache.loads", loads, seen));
        if (loadedNow && !duringLoad.get())
            return Verdict.fail(m("probe.cache.pinned", seen));
        return Verdict.pass(m("probe.cache.pass", seen));
    }

    /** How long {@link #virtualPerTask} holds its started tasks for a caller that never waits (it spins). */
    static final Duration HOLD_FOR_CALLER = Duration.ofSeconds(5);

    private static boolean anyAlive(Thread[] threads) {
        for (Thread t : threads) if (t.isAlive()) return true;
        return false;
    }

    // ------------------------------------------------------------------ several cases at once

    /**
     * {@link #backPressure} on a pool made by {@code make(workers, capacity)} for each pair of
     * {@code cases} (so that an answer right for one pair only, e.g. one sized from the core count, is
     * caught); the first failure, or a pass. An exception from {@code make} is a failure.
     */
    public static Verdict backPressure(BiFunction<Integer, Integer, ? extends ExecutorService> make, int[]... cases) {
        Verdict last = Verdict.fail(m("probe.no_cases"));
        for (int[] c : cases) {
            ExecutorService pool;
            try {
                pool = make.apply(c[0], c[1]);
            } catch (Throwable t) {
                return Verdict.fail(m("probe.bp.make_threw", c[0], c[1], t));
            }
            last = backPressure(pool, c[0], c[1]);
            if (!last.ok()) return last;
        }
        return last;
    }

    /** {@link #semaphoreLimit} for each number of permits; the first failure, or a pass. */
    public static Verdict semaphoreLimit(BiFunction<Semaphore, Work, Work> limited, int... permits) {
        Verdict last = Verdict.fail(m("probe.no_cases"));
        for (int k : permits) {
            last = semaphoreLimit(limited, k);
            if (!last.ok()) return last;
        }
        return last;
    }

    /**
     * Tries {@code poolSize(perSecond, latency)} on fixed cases (some where rounding to the nearest
     * would be wrong) and on four drawn at random for this run (so that a table of the fixed answers is
     * caught): the answer must be ⌈λW / utilisation⌉, with λW = perSecond × latency in seconds. Cases
     * where λW / utilisation is within 10⁻⁶ of a whole number are skipped (floating-point ties).
     */
    public static Verdict poolSize(java.util.function.ToIntBiFunction<Double, Duration> poolSize, double utilisation) {
        List<double[]> cases = new ArrayList<>(List.of(new double[]{100, 50}, new double[]{300, 20},
                new double[]{30, 1000}, new double[]{10, 20}, new double[]{250, 4}, new double[]{40, 30}));
        java.util.Random rnd = new java.util.Random();
        while (cases.size() < 10) {
            double rate = 20 + rnd.nextInt(400), millis = 5 + rnd.nextInt(900);
            double x = rate * millis / 1000 / utilisation;
            if (Math.abs(x - Math.rint(x)) > 1e-6) cases.add(new double[]{rate, millis});
        }
        for (double[] c : cases) {
            double busy = c[0] * c[1] / 1000;
            int expected = (int) Math.ceil(busy / utilisation);
            int got;
            try {
                got = poolSize.applyAsInt(c[0], Duration.ofMillis((long) c[1]));
            } catch (Throwable t) {
                return Verdict.fail(conclab.text.Messages.format(m("probe.size.threw"), c[0], c[1], t));
            }
            if (got != expected)
                return Verdict.fail(conclab.text.Messages.format(m("probe.size.gave"), c[0], c[1], got, c[0],
                        c[1] / 1000, busy, utilisation, busy / utilisation, expected));
        }
        return Verdict.pass(m("probe.size.pass", cases.size()));
    }

    // ------------------------------------------------------------------ helpers

    /** A hint or a message of the bundles ({@link conclab.text.Messages#hint}). */
    private static String m(String key, Object... args) {
        return conclab.text.Messages.hint(key, args);
    }

    /**
     * Holds the first arrivals until {@code target} are in progress together, then holds that full
     * batch a little longer to let a wrong answer's extra arrival show; gives up (and remembers it)
     * after {@link #SETTLE}. One-shot: later arrivals pass straight through.
     */
    static final class Batches {
        private final int target;
        private final CountDownLatch full = new CountDownLatch(1);
        private final AtomicBoolean gaveUp = new AtomicBoolean(), done = new AtomicBoolean();

        Batches(int target) {
            this.target = target;
        }

        /** Called by a job on arrival with the number now in progress (itself included). */
        void arrive(int inProgress) throws InterruptedException {
            if (done.get()) return;
            if (inProgress >= target) full.countDown();
            if (!full.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS)) {
                gaveUp.set(true);
                full.countDown();
            } else if (!done.get()) {
                Thread.sleep(OVERFLOW_WINDOW);
            }
            done.set(true);
        }

        /** Waits until the batch is full (true), or until this gives up or is abandoned (false). */
        boolean awaitFull() {
            try {
                return full.await(SETTLE.toMillis() + 1_000, TimeUnit.MILLISECONDS) && !gaveUp.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Stops holding: the probe has its verdict already. */
        void abandon() {
            gaveUp.set(true);
            done.set(true);
            full.countDown();
        }

        boolean gaveUp() {
            return gaveUp.get();
        }
    }

    /** The most intervals open at once; starts and ends as recorded (all of them when {@code complete}). */
    static int maxOverlap(long[] starts, long[] ends, boolean complete) {
        if (!complete) return -1;
        int n = starts.length;
        long[][] ev = new long[2 * n][];
        for (int i = 0; i < n; i++) {
            ev[2 * i] = new long[]{starts[i], 1};
            ev[2 * i + 1] = new long[]{ends[i], -1};
        }
        Arrays.sort(ev, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int open = 0, most = 0;
        for (long[] e : ev) {
            open += (int) e[1];
            most = Math.max(most, open);
        }
        return most;
    }

    /** Joins every thread within {@code max} in all; interrupts those still alive; returns how many were. */
    static int joinAll(Thread[] threads, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        int stuck = 0;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) joinQuietly(t, Duration.ofNanos(left));
            if (t.isAlive()) {
                stuck++;
                t.interrupt();
            }
        }
        for (Thread t : threads) joinQuietly(t, Duration.ofSeconds(1));
        return stuck;
    }

    private static boolean joinQuietly(Thread t, Duration max) {
        try {
            return t.join(max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !t.isAlive();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs task {@code k} of {@code w} on a virtual thread of its own, for k < n, all started; what a task throws is dropped. */
    private static Thread[] startEach(Work w, int n) {
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            threads[i] = Thread.ofVirtual().unstarted(() -> {
                try {
                    w.run(k);
                } catch (Throwable ignored) {
                    // the probe judges by what it counted, not by what the task threw
                }
            });
        }
        for (Thread t : threads) t.start();
        return threads;
    }
}
