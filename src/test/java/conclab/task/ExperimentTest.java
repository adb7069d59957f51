package conclab.task;

import conclab.spi.Displayable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class ExperimentTest {

    @Test
    void runs_each_strategy_repeat_times_after_discarded_warmups() {
        AtomicInteger executions = new AtomicInteger();
        List<Experiment.Progress> progress = new ArrayList<>();
        Runs runs = Experiment.of(Work.named("tick", i -> executions.incrementAndGet())).tasks(8)
                .on(Strategy.sequential(), Strategy.platform(2), Strategy.platform(2))
                .repeat(2).warmup(1).progress(progress::add).run();
        assertEquals(3 * 3 * 8, executions.get(), "warm-up and measured runs all execute every task");
        assertEquals(List.of("sequential", "platform(2)", "platform(2) #2"), runs.strategies());
        assertEquals(6, runs.all().size());
        assertEquals(9, progress.size());
        assertEquals(3, progress.stream().filter(Experiment.Progress::warmup).count());
        assertEquals(9, progress.getLast().done());
        for (String s : runs.strategies()) {
            assertEquals(2, runs.traces(s).size());
            runs.traces(s).forEach(t -> assertEquals(8, conclab.trace.Stats.of(t, 1).tasks()));
            assertEquals("2", runs.traces(s).getFirst().meta().get("runs"));
        }
        assertEquals(1.0, runs.speedup("sequential"), 1e-12);
        assertEquals(2, runs.workers("platform(2)"));
        assertEquals(2, runs.makespansMillis("platform(2)").length);
        assertTrue(runs.caption().contains("1 warm-up discarded"), runs.caption());
        String html = (String) runs.mimeBundle(Set.of(Displayable.HTML, Displayable.PLAIN)).get(Displayable.HTML);
        assertTrue(html.contains("platform(2) #2") && html.contains("<table"), html);
        assertTrue(runs.toString().contains("speedup"));
        assertThrows(IllegalArgumentException.class, () -> runs.of("nope"));
    }

    @Test
    void the_progress_bar_is_the_librarys_one_bar_finished_with_the_last_run() {
        var out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Experiment.of(Work.named("tick", i -> {})).tasks(2).on(Strategy.sequential(), Strategy.platform(2))
                    .repeat(1).warmup(1).progress(Experiment.progressBar()).run();
        } finally {
            System.setOut(old);
        }
        List<String> lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.getFirst().startsWith("runs  "), lines.toString());
        assertTrue(lines.getFirst().contains("1/4") && lines.getFirst().contains("sequential (warm-up)"), lines.toString());
        assertTrue(lines.getLast().contains("100%  4/4") && lines.getLast().contains("platform(2)")
                && lines.getLast().endsWith("done"), lines.toString());
    }

    @Test
    void efficiency_of_virtual_threads_is_per_carrier_not_per_task() {
        String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        int parallelism = p != null ? Integer.parseInt(p) : Runtime.getRuntime().availableProcessors();
        assertTrue(parallelism < 1_000, "the test needs fewer carriers than tasks: " + parallelism);
        Runs runs = Experiment.of(Work.named("noop", i -> {})).tasks(1_000)
                .on(Strategy.sequential(), Strategy.platform(3), Strategy.virtual(), Strategy.structured(),
                        Strategy.virtual().withGil())
                .repeat(1).warmup(0).run();
        for (String s : List.of("virtual", "structured", "virtual+GIL")) {
            assertEquals(1_000, runs.workers(s), s + ": one thread per task ran tasks");
            assertEquals(parallelism, runs.carriers(s), s + ": the carriers computed");
            assertEquals(runs.speedup(s) / parallelism, runs.efficiency(s), 1e-12, s);
        }
        assertEquals(3, runs.carriers("platform(3)"), "on platform threads the carriers are the workers");
        assertEquals(runs.speedup("platform(3)") / 3, runs.efficiency("platform(3)"), 1e-12);
        assertEquals(1, runs.carriers("sequential"));
        assertTrue(runs.toString().contains("carriers"), runs.toString());
    }

    @Test
    void a_virtual_strategy_has_no_more_carriers_than_tasks() {
        assertEquals(1, Strategy.virtual().carriers(1));
        assertEquals(1, Strategy.virtual().carriers(0));
        assertEquals(1, Strategy.structured().carriers(1));
        assertEquals(Strategy.platformPerTask().workers(1_000), Strategy.platformPerTask().carriers(1_000),
                "one platform thread per task: every one of them can run at once");
        assertEquals(4, Strategy.fixedPool(4).withGil().carriers(1_000));
    }

    @Test
    void scaling_fits_use_workers_and_speedups_of_the_named_strategies() {
        // sleeps: 4 workers finish 8 tasks in about a quarter of the time; the fit sees a small serial part
        Runs runs = Experiment.of(Work.sleep(java.time.Duration.ofMillis(10))).tasks(8)
                .on(Strategy.platform(1), Strategy.platform(2), Strategy.platform(4)).repeat(1).warmup(0).run();
        var a = runs.amdahl("platform(1)", "platform(2)", "platform(4)");
        assertTrue(a.serialFraction() >= 0 && a.serialFraction() < 0.5, "serial " + a.serialFraction());
        assertEquals(a, runs.amdahl());
        assertTrue(runs.usl().sigma() >= 0 && runs.usl().kappa() >= 0);
    }

    @Test
    void the_baseline_can_be_named() {
        Runs runs = Experiment.of(Work.named("noop", i -> {})).tasks(2).on(Strategy.virtual())
                .baseline(Strategy.sequential()).repeat(1).warmup(0).run();
        assertEquals("sequential", runs.baseline());
        assertEquals(List.of("sequential", "virtual"), runs.strategies());
    }

    @Test
    void interrupting_an_experiment_cancels_it() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Experiment.of(Work.named("long", i -> {
                    started.countDown();
                    Work.sleep(Duration.ofSeconds(60)).run(i);
                })).tasks(4).on(Strategy.virtual()).run();
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(t.isAlive());
        assertInstanceOf(CancellationException.class, outcome.get());
    }

    @Test
    void a_failing_task_fails_the_experiment() {
        var e = assertThrows(TaskFailedException.class, () -> Experiment.of(Work.named("bad", i -> {
            throw new IllegalStateException("no");
        })).on(Strategy.sequential()).run());
        assertEquals("no", e.getCause().getMessage());
    }
}
