package conclab.task;

import conclab.chart.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class StressTest {

    static final class Counter {
        final AtomicInteger n = new AtomicInteger();
    }

    static final class Pair {
        int x, y;
    }

    @Test
    void atomic_increments_never_lose_an_update_and_outcomes_are_counted() throws Exception {
        Stress.Result r = Stress.of(Counter::new)
                .actor(c -> c.n.incrementAndGet())
                .actor(c -> c.n.incrementAndGet())
                .arbiter(c -> Integer.toString(c.n.get()))
                .accept("2", "both counted")
                .forbid("1", "one lost")
                .batch(100)
                .run(Duration.ofMillis(30));
        assertTrue(r.trials() >= 100 && r.trials() % 100 == 0, "whole batches: " + r.trials());
        assertEquals(r.trials(), r.count("2"));
        assertEquals(0, r.count("1"), "declared outcomes are listed even when never seen");
        assertEquals(2, r.outcomes().size());
        assertTrue(r.passed());
        assertEquals(r.trials(), r.count(Outcome.Verdict.ACCEPTABLE));
        assertEquals(2, r.chart().outcomes().size());
        assertTrue(r.toString().contains("proves nothing"), r.toString());
    }

    @Test
    void every_actor_acts_on_every_state_and_undeclared_outcomes_are_forbidden() throws Exception {
        // each actor writes its own field: whatever the interleaving, the arbiter sees both writes
        Stress.Result r = Stress.of(Pair::new)
                .actor(p -> p.x = 1)
                .actor(p -> p.y = 1)
                .arbiter(p -> p.x + ", " + p.y)
                .run(Duration.ofMillis(20));
        assertEquals(1, r.outcomes().size(), r.toString());
        Outcome o = r.outcomes().getFirst();
        assertEquals("1, 1", o.outcome());
        assertEquals(Outcome.Verdict.FORBIDDEN, o.verdict(), "nobody declared it");
        assertEquals("not declared", o.note());
        assertFalse(r.passed());
    }

    @Test
    void a_failing_actor_fails_the_run_and_every_thread_ends() {
        var e = assertThrows(TaskFailedException.class, () -> Stress.of(Pair::new)
                .actor(p -> p.x = 1)
                .actor(p -> { throw new IllegalStateException("boom"); })
                .arbiter(p -> "x")
                .run(Duration.ofSeconds(5)));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("stress-actor")),
                "actor threads were joined");
    }

    @Test
    void interrupting_the_caller_ends_the_run_and_its_actors_even_blocked_ones() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                Stress.of(Pair::new)
                        .actor(p -> {
                            inside.countDown();
                            try {
                                new CountDownLatch(1).await(); // blocks until interrupted
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        })
                        .actor(p -> p.y = 1)
                        .arbiter(p -> "")
                        .run(Duration.ofDays(1));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        caller.start();
        inside.await();
        caller.interrupt();
        caller.join();
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("stress-actor")),
                "actor threads were joined");
    }

    @Test
    void a_race_needs_two_actors_and_an_arbiter() {
        assertThrows(IllegalStateException.class, () -> Stress.of(Pair::new).actor(p -> p.x = 1).arbiter(p -> "").run(Duration.ofMillis(1)));
        assertThrows(IllegalStateException.class, () -> Stress.of(Pair::new).actor(p -> p.x = 1).actor(p -> p.y = 1).run(Duration.ofMillis(1)));
    }
}
