package conclab.balance;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

/** The queues, the cluster and the balancer, and each probe on right answers and on the wrong answers it exists to catch. */
class BalanceTest {

    private record Tag(String name) implements Runnable {
        @Override public void run() {}
    }

    private static List<String> drain(TaskQueue q, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(((Tag) q.take()).name);
        return out;
    }

    // ------------------------------------------------------------------ queues

    @Test
    void fifo_hands_jobs_out_in_arrival_order_whoever_sent_them() throws InterruptedException {
        var q = TaskQueue.fifo();
        q.put("greedy", new Tag("g1"));
        q.put("greedy", new Tag("g2"));
        q.put("polite", new Tag("p1"));
        assertEquals(List.of("g1", "g2", "p1"), drain(q, 3));
    }

    @Test
    void weighted_shares_a_backlog_in_proportion_to_the_weights() throws InterruptedException {
        var q = TaskQueue.weighted(Map.of("gold", 3));
        for (int i = 0; i < 40; i++) { q.put("gold", new Tag("gold")); q.put("free", new Tag("free")); }
        long gold = drain(q, 40).stream().filter("gold"::equals).count();
        assertEquals(30, gold, 1, "3 shares against 1: 30 of the first 40 jobs");
    }

    @Test
    void weighted_with_equal_weights_is_round_robin_and_passes_the_fair_queue_probe() {
        var v = Checks.fairQueue(() -> TaskQueue.weighted(Map.of()));
        assertTrue(v.ok(), v.why());
    }

    @Test
    void a_weight_below_one_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> TaskQueue.weighted(Map.of("x", 0)));
    }

    @Test
    void strict_priority_serves_level_zero_first_however_long_the_other_waited() throws InterruptedException {
        var q = TaskQueue.strictPriority(Map.of("batch", 1));
        q.put("batch", new Tag("b"));
        Thread.sleep(30);
        q.put("web", new Tag("w"));
        assertEquals(List.of("w", "b"), drain(q, 2));
    }

    @Test
    void ageing_lets_a_job_that_waited_longer_than_its_level_go_first() throws InterruptedException {
        var aged = TaskQueue.ageing(Map.of("batch", 1), Duration.ofMillis(20));
        var young = TaskQueue.ageing(Map.of("batch", 1), Duration.ofSeconds(10));
        for (TaskQueue q : List.of(aged, young)) q.put("batch", new Tag("b"));
        Thread.sleep(60);                                   // at least 60 ms: more than 20 ms, less than 10 s
        for (TaskQueue q : List.of(aged, young)) q.put("web", new Tag("w"));
        assertEquals(List.of("b", "w"), drain(aged, 2));
        assertEquals(List.of("w", "b"), drain(young, 2));
    }

    // ------------------------------------------------------------------ tenants

    @Test
    void tenants_runs_every_job_and_records_each_clients_latency() throws InterruptedException {
        var r = Tenants.of().client("a", 100).clients("b", 2, 50).service(Duration.ofMillis(1)).workers(2)
                .duration(Duration.ofMillis(300)).run("test", TaskQueue.fifo());
        assertEquals(List.of("a", "b 1", "b 2"), List.copyOf(r.clients()));
        long jobs = r.clients().stream().mapToLong(c -> r.latencies(c).getTotalCount()).sum();
        assertTrue(jobs > 0);
        assertEquals(r.latencies("b 1").getTotalCount() + r.latencies("b 2").getTotalCount(), r.allBut("a").getTotalCount());
        assertTrue(r.ms("a", 50) >= 1.0, "a job takes at least its 1 ms of service");
        assertTrue(r.toString().contains("served /s"));
    }

    @Test
    void a_queue_whose_take_returns_null_stops_the_run_with_a_message_instead_of_hanging() {
        TaskQueue broken = new TaskQueue() {
            @Override public void put(String client, Runnable job) {}
            @Override public Runnable take() { return null; }
        };
        var e = assertThrows(IllegalStateException.class, () -> Tenants.of().client("a", 100)
                .duration(Duration.ofMillis(100)).run("broken", broken));
        assertTrue(e.getMessage().contains("never ran"), e.getMessage());
    }

    // ------------------------------------------------------------------ the fair-queue probe

    /** Serves the first client (in order of arrival) that has a job: round-robin's usual mistake. */
    static final class FirstClientFirst implements TaskQueue {
        private final Map<String, ArrayDeque<Runnable>> queues = new LinkedHashMap<>();
        @Override public synchronized void put(String client, Runnable job) {
            queues.computeIfAbsent(client, c -> new ArrayDeque<>()).add(job);
            notifyAll();
        }
        @Override public synchronized Runnable take() throws InterruptedException {
            while (true) {
                for (var q : queues.values()) if (!q.isEmpty()) return q.poll();
                wait();
            }
        }
    }

    /** Round-robin over per-client queues, but take() returns null when empty instead of waiting. */
    static final class NoWait implements TaskQueue {
        private final Map<String, ArrayDeque<Runnable>> queues = new LinkedHashMap<>();
        private final ArrayDeque<String> turns = new ArrayDeque<>();
        @Override public synchronized void put(String client, Runnable job) {
            var q = queues.computeIfAbsent(client, c -> new ArrayDeque<>());
            if (q.isEmpty()) turns.add(client);
            q.add(job);
        }
        @Override public synchronized Runnable take() {
            String c = turns.poll();
            if (c == null) return null;
            var q = queues.get(c);
            Runnable job = q.poll();
            if (!q.isEmpty()) turns.add(c);
            return job;
        }
    }

    /** The lesson's solution: per-client deques under one lock, clients with jobs waiting in a line. */
    static final class RoundRobin implements TaskQueue {
        private final Map<String, ArrayDeque<Runnable>> waiting = new java.util.HashMap<>();
        private final ArrayDeque<String> turns = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notEmpty = lock.newCondition();
        @Override public void put(String client, Runnable job) {
            lock.lock();
            try {
                var q = waiting.computeIfAbsent(client, c -> new ArrayDeque<>());
                if (q.isEmpty()) turns.addLast(client);
                q.addLast(job);
                notEmpty.signal();
            } finally { lock.unlock(); }
        }
        @Override public Runnable take() throws InterruptedException {
            lock.lock();
            try {
                while (turns.isEmpty()) notEmpty.await();
                String client = turns.pollFirst();
                var q = waiting.get(client);
                Runnable job = q.pollFirst();
                if (!q.isEmpty()) turns.addLast(client);
                return job;
            } finally { lock.unlock(); }
        }
    }

    @Test
    void the_fair_queue_probe_passes_round_robin() {
        var v = Checks.fairQueue(RoundRobin::new);
        assertTrue(v.ok(), v.why());
    }

    @Test
    void the_fair_queue_probe_fails_fifo_first_client_first_and_a_take_that_does_not_wait() {
        for (var wrong : List.<java.util.function.Supplier<TaskQueue>>of(TaskQueue::fifo, FirstClientFirst::new, NoWait::new)) {
            var v = Checks.fairQueue(wrong);
            assertFalse(v.ok(), "should fail: " + wrong.get().getClass());
        }
        assertTrue(Checks.fairQueue(NoWait::new).why().contains("wait"), Checks.fairQueue(NoWait::new).why());
    }

    // ------------------------------------------------------------------ the least-outstanding probe

    /** Reads the counts, then claims what it chose: check-then-act. */
    static final Policy READ_THEN_CLAIM = s -> {
        int best = -1;
        for (int i = 0; i < s.size(); i++) if (s.up(i) && (best < 0 || s.outstanding(i) < s.outstanding(best))) best = i;
        s.claim(best);
        return best;
    };

    /** claimIf against the count read again just before it: the compare-and-set compares nothing. */
    static final Policy REREAD_THEN_CLAIM_IF = s -> {
        while (true) {
            int best = -1;
            for (int i = 0; i < s.size(); i++) if (s.up(i) && (best < 0 || s.outstanding(i) < s.outstanding(best))) best = i;
            if (s.claimIf(best, s.outstanding(best))) return best;
        }
    };

    /** A count of its own, never decremented when an answer comes. */
    static final class OwnCount implements Policy {
        private final int[] sent = new int[16];
        @Override public synchronized int pick(Servers s) {
            int best = -1;
            for (int i = 0; i < s.size(); i++) if (s.up(i) && (best < 0 || sent[i] < sent[best])) best = i;
            sent[best]++;
            s.claim(best);
            return best;
        }
    }

    /** Least outstanding, ignoring whether a server is up. */
    static final Policy IGNORES_DOWN = s -> {
        while (true) {
            int best = 0;
            for (int i = 1; i < s.size(); i++) if (s.outstanding(i) < s.outstanding(best)) best = i;
            if (s.claimIf(best, s.outstanding(best))) return best;
        }
    };

    /** Right, with a lock around the whole pick instead of a compare-and-set. */
    static final class Locked implements Policy {
        @Override public synchronized int pick(Servers s) {
            int best = -1;
            for (int i = 0; i < s.size(); i++) if (s.up(i) && (best < 0 || s.outstanding(i) < s.outstanding(best))) best = i;
            s.claim(best);
            return best;
        }
    }

    @Test
    void the_least_outstanding_probe_passes_compare_and_set_and_a_lock() {
        for (var right : List.<java.util.function.Supplier<Policy>>of(Policy::leastOutstanding, Locked::new)) {
            var v = Checks.leastOutstanding(right);
            assertTrue(v.ok(), v.why());
        }
    }

    @Test
    void the_least_outstanding_probe_fails_each_wrong_policy_every_time() {
        for (int round = 0; round < 3; round++) {
            assertFalse(Checks.leastOutstanding(Policy::roundRobin).ok());
            assertFalse(Checks.leastOutstanding(Policy::random).ok());
            assertFalse(Checks.leastOutstanding(Policy::powerOfTwo).ok());
            assertFalse(Checks.leastOutstanding(OwnCount::new).ok());
            var down = Checks.leastOutstanding(() -> IGNORES_DOWN);
            assertFalse(down.ok());
            assertTrue(down.why().contains("down"), down.why());
            var race = Checks.leastOutstanding(() -> READ_THEN_CLAIM);
            assertFalse(race.ok());
            assertTrue(race.why().contains("two picks at once"), race.why());
            var reread = Checks.leastOutstanding(() -> REREAD_THEN_CLAIM_IF);
            assertFalse(reread.ok());
            assertTrue(reread.why().contains("two picks at once"), reread.why());
        }
    }

    @Test
    void the_probe_gives_up_on_a_pick_that_never_returns() {
        var v = Checks.leastOutstanding(() -> s -> { while (true) Thread.onSpinWait(); });
        assertFalse(v.ok());
        assertTrue(v.why().contains("did not return"), v.why());
    }

    // ------------------------------------------------------------------ cluster and balancer

    @Test
    void every_request_is_answered_and_the_slow_server_gets_less_from_least_outstanding() throws InterruptedException {
        try (var c = Cluster.start(2, Duration.ofMillis(2), 1, 0.1)) {
            var r = c.load(Policy.leastOutstanding(), 300, Duration.ofMillis(300)).run();
            assertEquals(0, r.errors());
            assertEquals(r.requests(), r.perServer()[0] + r.perServer()[1]);
            assertTrue(r.share(1) < r.share(0), "server 1 is ten times slower: " + r);
            var rr = c.load(Policy.roundRobin(), 300, Duration.ofMillis(300)).run();
            assertEquals(rr.perServer()[0], rr.perServer()[1], 1, "round-robin alternates: " + rr);
        }
    }

    @Test
    void a_dead_server_fails_its_requests_until_health_checks_take_it_out() throws InterruptedException {
        try (var c = Cluster.start(2, Duration.ofMillis(2), 1, 1, 1)) {
            c.server(1).kill();
            var blind = c.load(Policy.roundRobin(), 300, Duration.ofMillis(300)).run();
            assertEquals(blind.perServer()[1], 0);
            assertTrue(blind.errors() > 0, blind.toString());
            var checked = c.load(Policy.roundRobin(), 300, Duration.ofMillis(300)).healthChecks(Duration.ofMillis(10)).run();
            assertEquals(0, checked.errors(), "dead before the first check: never picked: " + checked);
            assertFalse(c.server(1).alive(), "the run leaves the servers as it found them");
        }
    }

    @Test
    void changes_during_a_run_are_undone_after_it() throws InterruptedException {
        try (var c = Cluster.start(1, Duration.ofMillis(1), 1, 1)) {
            var r = c.load(Policy.roundRobin(), 200, Duration.ofMillis(200))
                    .at(Duration.ofMillis(50), cl -> { cl.server(0).speed(0.5); cl.server(1).kill(); }).run();
            assertTrue(r.errors() > 0);
            assertEquals(1.0, c.server(0).speed());
            assertTrue(c.server(1).alive());
        }
    }

    @Test
    void a_policy_that_does_not_claim_is_reported_not_hung() throws InterruptedException {
        try (var c = Cluster.start(1, Duration.ofMillis(1), 1, 1)) {
            var r = c.load(s -> 0, 200, Duration.ofMillis(100)).run();
            assertEquals(r.requests(), r.errors());
            assertTrue(Cluster.table(r).toString().contains("without claiming"), Cluster.table(r).toString());
        }
    }

    @Test
    void a_policy_that_loops_forever_fails_its_requests_instead_of_spinning_on() throws InterruptedException {
        try (var c = Cluster.start(1, Duration.ofMillis(1), 1, 1)) {
            var r = c.load(s -> { while (true) if (s.claimIf(0, -1)) return 0; }, 100, Duration.ofMillis(100)).run();
            assertEquals(r.requests(), r.errors());
            assertTrue(Cluster.table(r).toString().contains("without returning"), Cluster.table(r).toString());
        }
    }

    @Test
    void results_compare_on_one_percentile_chart() throws InterruptedException {
        try (var c = Cluster.start(1, Duration.ofMillis(1), 1, 1)) {
            var t = Cluster.table(c.load(Policy.random(), 200, Duration.ofMillis(100)).run(),
                    c.load(Policy.powerOfTwo(), 200, Duration.ofMillis(100)).run());
            assertNotNull(t.chart().toXChart());
            assertEquals("power of two", t.get("power of two").label());
        }
    }
}
