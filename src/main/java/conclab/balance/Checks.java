package conclab.balance;

import conclab.check.Probes.Verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;

/**
 * The probes behind lesson 12's checks. Each one drives the learner's code through scripted situations
 * and says what it did wrong, never hanging (every call the learner wrote runs on a daemon thread with a
 * deadline) and never throwing. Races are forced, not hoped for: see {@link #leastOutstanding}.
 */
public final class Checks {

    private Checks() {}

    /** How long a call of the learner's code may take before the probe gives up on it. */
    static final Duration PATIENCE = Duration.ofSeconds(3);

    // ------------------------------------------------------------------ a fair queue

    /** A job of the probe: who sent it and its number among that client's jobs. */
    private record Job(String client, int n) implements Runnable {
        @Override public void run() {}
        @Override public String toString() { return client + " #" + (n + 1); }
    }

    /**
     * Checks a round-robin {@link TaskQueue} made by {@code make} (a fresh one per scenario):
     * <ol>
     *   <li>with 6 jobs of "greedy" then 2 of "a" and 1 of "b" waiting, the takes go in rounds: every
     *       client's first job before anyone's second, and so on, each client's jobs in order;
     *   <li>the same again on the same queue once emptied, with the clients arriving in another order;
     *   <li>take() on an empty queue waits (neither returns nor returns null) until a job is put;
     *   <li>4 threads putting 500 jobs each while 2 threads take: every job comes out exactly once.
     * </ol>
     */
    public static Verdict fairQueue(Supplier<? extends TaskQueue> make) {
        try {
            TaskQueue q = call(make::get);
            if (q == null) return new Verdict(false, m("balance.queue.null"));
            String why = rounds(q, new String[]{"greedy", "greedy", "greedy", "greedy", "greedy", "greedy", "a", "a", "b"});
            if (why != null) return new Verdict(false, why);
            why = rounds(q, new String[]{"b", "greedy", "greedy", "greedy", "c"});
            if (why != null) return new Verdict(false, m("balance.queue.second_time", why));
            why = waitsWhenEmpty(call(make::get));
            if (why != null) return new Verdict(false, why);
            why = concurrent(call(make::get));
            if (why != null) return new Verdict(false, why);
            return new Verdict(true, m("balance.queue.pass"));
        } catch (Throwable t) {
            return new Verdict(false, m("balance.threw", t));
        }
    }

    /** Null when {@code q}, given {@code puts} (client names, in order), hands them out in rounds. */
    private static String rounds(TaskQueue q, String[] puts) throws Exception {
        Map<String, Integer> sent = new HashMap<>();
        List<Job> jobs = new ArrayList<>();
        for (String c : puts) {
            Job j = new Job(c, sent.merge(c, 1, Integer::sum) - 1);
            jobs.add(j);
            call(() -> { q.put(j.client, j); return null; });
        }
        List<String> order = new ArrayList<>();
        Map<String, Integer> taken = new HashMap<>();
        int round = 0;
        for (int k = 0; k < jobs.size(); k++) {
            Runnable r = call(q::take);
            if (!(r instanceof Job j)) return m("balance.queue.returned", r, order);
            order.add(j.toString());
            int expected = taken.merge(j.client, 1, Integer::sum) - 1;
            if (j.n != expected) return m("balance.queue.out_of_order", j.client, order);
            if (j.n < round) return m("balance.queue.not_rounds", order);
            if (j.n > round) return m("balance.queue.ahead", order, j, round + 1);
            // the round is over when every client with more than `round` jobs has had its job number round + 1
            final int r0 = round;
            boolean over = sent.entrySet().stream().allMatch(e -> e.getValue() <= r0 || taken.getOrDefault(e.getKey(), 0) > r0);
            if (over) round++;
        }
        return null;
    }

    private static String waitsWhenEmpty(TaskQueue q) throws Exception {
        var task = new FutureTask<>(q::take);
        Thread taker = Thread.ofPlatform().daemon().name("probe: take() on an empty queue").start(task);
        try {
            Runnable early = task.get(200, TimeUnit.MILLISECONDS);
            return m("balance.queue.no_wait", early);
        } catch (TimeoutException waiting) {
            // right: it waits
        } catch (ExecutionException e) {
            return m("balance.queue.empty_threw", e.getCause());
        }
        if (wakeWithoutReason(q, taker, task)) {
            try {
                return m("balance.queue.spurious", task.get());
            } catch (ExecutionException e) {
                return m("balance.queue.spurious", e.getCause());
            }
        }
        Job j = new Job("late", 0);
        call(() -> { q.put("late", j); return null; });
        try {
            Runnable got = task.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return got == j ? null : m("balance.queue.wrong_job", got);
        } catch (TimeoutException stuck) {
            task.cancel(true);
            return m("balance.queue.no_signal");
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Wakes {@code taker}, waiting in {@code q.take()} on an empty queue, as the JVM may without a reason
     * (a spurious wakeup, which {@link Object#wait()} and {@link java.util.concurrent.locks.Condition#await()}
     * both allow): the JVM names the object it waits on, and the probe finds it among the queue and its
     * fields, then {@code notifyAll()} on it, or {@code signalAll()} on it under the queue's lock that owns
     * it. A take() that waits in a loop ({@code while (empty) await();}) goes back to waiting; one that
     * waits under an {@code if} goes on with nothing to take, on every run. True when take() returned
     * (or threw) after the wakeup; false when it went back to waiting, or waits on something the probe
     * cannot find (a blocking queue of the JDK's, say: nothing to check then).
     */
    private static boolean wakeWithoutReason(TaskQueue q, Thread taker, FutureTask<Runnable> task) throws Exception {
        var info = THREADS.getThreadInfo(taker.threadId());
        if (info == null || info.getLockInfo() == null) return false;
        int waitedOn = info.getLockInfo().getIdentityHashCode();
        long waitsBefore = info.getWaitedCount();
        List<Object> parts = new ArrayList<>(List.of(q));
        for (Class<?> c = q.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (var f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                try {
                    f.setAccessible(true);
                    Object v = f.get(q);
                    if (v != null) parts.add(v);
                } catch (RuntimeException | IllegalAccessException unreadable) {
                    // not ours to read: not a candidate
                }
            }
        }
        Object target = parts.stream().filter(o -> System.identityHashCode(o) == waitedOn).findFirst().orElse(null);
        if (target == null) return false;
        boolean woken = false;
        if (target instanceof java.util.concurrent.locks.Condition condition) {
            for (Object o : parts) {
                if (!(o instanceof java.util.concurrent.locks.Lock lock)) continue;
                lock.lock();
                try {
                    condition.signalAll();
                    woken = true;
                } catch (IllegalMonitorStateException notItsLock) {
                    // another lock of the queue's
                } finally {
                    lock.unlock();
                }
                if (woken) break;
            }
        } else {
            synchronized (target) { target.notifyAll(); }
            woken = true;
        }
        if (!woken) return false;
        // now it returns (wrong), or waits again (right): its count of waits goes up
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < giveUp) {
            if (task.isDone()) return true;
            var now = THREADS.getThreadInfo(taker.threadId());
            if (now != null && now.getWaitedCount() > waitsBefore && now.getLockInfo() != null
                    && now.getLockInfo().getIdentityHashCode() == waitedOn) return false;   // waits on it again
            Thread.sleep(1);
        }
        return task.isDone();
    }

    private static String concurrent(TaskQueue q) throws Exception {
        int producers = 4, each = 500, total = producers * each;
        Set<Job> out = ConcurrentHashMap.newKeySet();
        var dup = new AtomicBoolean();
        var done = new CountDownLatch(total);
        var start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            String client = "client " + p;
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) q.put(client, new Job(client, i));
                } catch (Throwable t) {
                    // counted as missing jobs
                }
            }));
        }
        for (int c = 0; c < 2; c++) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        if (q.take() instanceof Job j && !out.add(j)) dup.set(true);
                        done.countDown();
                    }
                } catch (Throwable t) {
                    // interrupted at the end, or the learner's code failed: missing jobs say so
                }
            }));
        }
        start.countDown();
        boolean all = done.await(PATIENCE.toMillis() * 2, TimeUnit.MILLISECONDS);
        threads.forEach(Thread::interrupt);
        if (dup.get()) return m("balance.queue.twice");
        if (!all || out.size() != total)
            return m("balance.queue.lost", total - out.size(), total);
        return null;
    }

    // ------------------------------------------------------------------ least outstanding requests

    /**
     * Checks a least-outstanding-requests {@link Policy} made by {@code make} (a fresh one per scenario),
     * on a scripted view of the servers:
     * <ol>
     *   <li>outstanding {5, 0, 2}: six picks in a row, each the server with the fewest at that moment,
     *       each claimed once (round-robin and random fail here);
     *   <li>three picks on {0, 0, 0} take the three servers; then the requests on servers 1 and 2 are
     *       answered, except one on server 1, so the view shows {1, 1, 0}: the next pick is server 2 (a
     *       count of one's own that answers never decrement fails here);
     *   <li>server 0 down with none outstanding: never picked;
     *   <li>two picks at once on {0, 0, 6}: they must take different servers. The view holds each
     *       pick at its first claim, or at its first second look at a count (a read after it has read as
     *       many counts as there are servers), until both picks are held (at most 300 ms), so both have read
     *       the counts before either claims; then lets the first go on, and the second once the first has
     *       claimed: a pick that reads, then claims whatever it chose, takes server 0 twice on every run, on
     *       any number of cores, and so does one that reads server 0's count again to pass it to claimIf
     *       (a compare-and-set against a count read just now compares nothing); a compare-and-set
     *       ({@link Servers#claimIf}) against the count the choice was made on, or a lock around the whole
     *       pick, takes 0 and 1.
     * </ol>
     */
    public static Verdict leastOutstanding(Supplier<? extends Policy> make) {
        try {
            String why = leastInTurn(call(make::get));
            if (why == null) why = answersCount(call(make::get));
            if (why == null) why = skipsDown(call(make::get));
            if (why == null) why = twoAtOnce(call(make::get));
            return why == null
                    ? new Verdict(true, m("balance.pick.pass"))
                    : new Verdict(false, why);
        } catch (Throwable t) {
            return new Verdict(false, m("balance.threw", t));
        }
    }

    private static String leastInTurn(Policy p) throws Exception {
        var v = new Scripted(new int[]{5, 0, 2}, new boolean[]{true, true, true});
        for (int k = 0; k < 6; k++) {
            int[] before = v.counts();
            int i = v.pick(p);
            String why = v.claimedOnce(i);
            if (why != null) return why;
            if (before[i] != Arrays.stream(before).min().getAsInt())
                return m("balance.pick.not_fewest", Arrays.toString(before), i);
        }
        return null;
    }

    private static String answersCount(Policy p) throws Exception {
        var v = new Scripted(new int[]{0, 0, 0}, new boolean[]{true, true, true});
        for (int k = 0; k < 3; k++) {
            int i = v.pick(p);
            String why = v.claimedOnce(i);
            if (why != null) return why;
        }
        if (!Arrays.equals(v.counts(), new int[]{1, 1, 1}))
            return m("balance.pick.same_idle", Arrays.toString(v.counts()));
        v.set(new int[]{1, 1, 0});   // the request on server 2 was answered (and server 0 and 1 still have theirs)
        int i = v.pick(p);
        String why = v.claimedOnce(i);
        if (why != null) return why;
        if (i != 2)
            return m("balance.pick.own_count", i);
        return null;
    }

    private static String skipsDown(Policy p) throws Exception {
        var v = new Scripted(new int[]{0, 3, 1}, new boolean[]{false, true, true});
        for (int k = 0; k < 4; k++) {
            int[] before = v.counts();
            int i = v.pick(p);
            if (i == 0) return m("balance.pick.down");
            String why = v.claimedOnce(i);
            if (why != null) return why;
            if (before[i] > Math.min(before[1], before[2]))
                return m("balance.pick.not_fewest_up", Arrays.toString(before), i);
        }
        return null;
    }

    private static String twoAtOnce(Policy p) throws Exception {
        var v = new Scripted(new int[]{0, 0, 6}, new boolean[]{true, true, true});
        v.holdFirstClaims();
        var go = new CountDownLatch(1);
        List<FutureTask<Integer>> picks = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            var task = new FutureTask<>(() -> { go.await(); return p.pick(v); });
            picks.add(task);
            Thread.ofPlatform().daemon().name("probe: pick " + t).start(task);
        }
        go.countDown();
        int[] got = new int[2];
        for (int t = 0; t < 2; t++) {
            try {
                got[t] = picks.get(t).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                picks.forEach(f -> f.cancel(true));
                return m("balance.pick.two_stuck", PATIENCE.toSeconds());
            } catch (ExecutionException e) {
                return m("balance.pick.two_threw", e.getCause());
            }
        }
        if (got[0] == got[1] || !Arrays.equals(v.counts(), new int[]{1, 1, 6}))
            return m("balance.pick.race", got[0], got[1], Arrays.toString(v.counts()));
        return null;
    }

    /** A scripted view of three servers: set counts, claims recorded per thread, an optional hold on first claims. */
    private static final class Scripted implements Servers {
        private final AtomicIntegerArray outstanding;
        private final boolean[] up;
        private final ThreadLocal<int[]> claims = ThreadLocal.withInitial(() -> new int[]{-1, 0});
        private final java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        private volatile CountDownLatch bothHeld, firstClaimed;   // set by holdFirstClaims
        private final java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
        private final Set<Thread> held = ConcurrentHashMap.newKeySet();
        private final ThreadLocal<int[]> reads = ThreadLocal.withInitial(() -> new int[1]);   // this thread's outstanding() calls

        Scripted(int[] counts, boolean[] up) {
            this.outstanding = new AtomicIntegerArray(counts);
            this.up = up.clone();
        }

        void set(int[] counts) { for (int i = 0; i < counts.length; i++) outstanding.set(i, counts[i]); }

        int[] counts() {
            int[] c = new int[outstanding.length()];
            for (int i = 0; i < c.length; i++) c[i] = outstanding.get(i);
            return c;
        }

        /**
         * From now on, each pick is held at its first claim, or at the first outstanding() call after it has
         * read as many counts as there are servers (a second look, made before it claims): once both picks are
         * held, the first to arrive goes on, and the second only once a claim has succeeded. A pick that
         * claims what it saw, or reads the count again to claim it with claimIf, then takes what the other
         * has just taken. Each wait gives up after 300 ms (a lock around the pick keeps the other out).
         */
        void holdFirstClaims() {
            firstClaimed = new CountDownLatch(1);
            bothHeld = new CountDownLatch(2);
        }

        /** Runs p.pick(this) on a thread of its own with a deadline; resets this thread's claims first. */
        int pick(Policy p) throws Exception {
            return call(() -> {
                int[] c = claims.get();
                c[0] = -1;
                c[1] = 0;
                int i = p.pick(this);
                int[] after = claims.get();
                lastClaims = new int[]{after[0], after[1]};
                return i;
            });
        }

        private volatile int[] lastClaims = {-1, 0};

        String claimedOnce(int i) {
            int[] c = lastClaims;
            if (i < 0 || i >= size()) return m("balance.pick.bad_index", i, size() - 1);
            if (c[1] == 0) return m("balance.pick.unclaimed", i);
            if (c[1] > 1 || c[0] != i) return m("balance.pick.claims", i, c[1], c[0]);
            return null;
        }

        private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

        /** Stops a pick that loops forever (the probe has given up on it by then) instead of letting it spin on. */
        private void called() {
            if (calls.incrementAndGet() > 10_000_000L) throw new IllegalStateException(m("balance.pick.never"));
        }

        private void beforeClaim() {
            CountDownLatch both = bothHeld;
            if (both == null || !held.add(Thread.currentThread())) return;
            boolean first = arrivals.incrementAndGet() == 1;
            both.countDown();
            try {
                // false after 300 ms: the other pick never got here (a lock around the pick): go on
                if (first) both.await(300, TimeUnit.MILLISECONDS);
                else firstClaimed.await(300, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void claimed(int i) {
            CountDownLatch done = firstClaimed;
            if (done != null) done.countDown();
            int[] c = claims.get();
            c[0] = i;
            c[1]++;
        }

        @Override public int size() { return outstanding.length(); }
        @Override public boolean up(int i) { called(); return up[i]; }
        @Override public int outstanding(int i) {
            called();
            if (bothHeld != null && ++reads.get()[0] > size()) beforeClaim();   // a second look: held there too
            return outstanding.get(i);
        }
        @Override public void claim(int i) { beforeClaim(); outstanding.incrementAndGet(i); claimed(i); }
        @Override public boolean claimIf(int i, int seen) {
            called();
            beforeClaim();
            if (!outstanding.compareAndSet(i, seen, seen + 1)) return false;
            claimed(i);
            return true;
        }
        @Override public synchronized int random(int bound) { return random.nextInt(bound); }
    }

    /** A hint or a message of the bundles ({@link conclab.text.Messages#hint}). */
    private static String m(String key, Object... args) {
        return conclab.text.Messages.hint(key, args);
    }

    /** Runs {@code body} on a daemon thread and waits at most {@link #PATIENCE} for it. */
    private static <T> T call(Callable<T> body) throws Exception {
        var task = new FutureTask<>(body);
        Thread.ofPlatform().daemon().name("probe").start(task);
        try {
            return task.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new IllegalStateException(m("balance.no_return", PATIENCE.toSeconds()));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
        }
    }
}
