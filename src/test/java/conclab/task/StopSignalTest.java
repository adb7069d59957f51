package conclab.task;

import conclab.widgets.Widgets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class StopSignalTest {

    /** Task 0 and 1 start, say so, then wait 60 s unless interrupted; the others would do the same. */
    private static Work blocking(CountDownLatch started, AtomicInteger finished) {
        return Work.named("blocking", i -> {
            started.countDown();
            Thread.sleep(60_000);
            finished.incrementAndGet();
        });
    }

    @Test
    void a_stop_during_the_run_cancels_its_tasks_and_returns_what_was_measured() throws Exception {
        var started = new CountDownLatch(2);
        var finished = new AtomicInteger();
        var stop = StopSignal.manual();
        var other = new CountDownLatch(1);
        Thread bystander = Thread.ofPlatform().start(() -> {
            try { other.await(); } catch (InterruptedException e) { fail("the stop reached another thread"); }
        });
        Thread stopper = Thread.ofVirtual().start(() -> {
            try {
                assertTrue(started.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertEquals(1, stop.stop(), "the experiment was armed");
        });
        long t0 = System.nanoTime();
        Runs runs = Experiment.of(blocking(started, finished)).tasks(40).on(Strategy.platform(2))
                .warmup(0).repeat(3).stopOn(stop).run();
        long took = System.nanoTime() - t0;
        stopper.join();
        assertTrue(runs.stopped());
        assertFalse(Thread.currentThread().isInterrupted(), "the caller goes on: its interrupt was taken back");
        assertEquals(0, finished.get(), "every task was cancelled");
        assertEquals(1, runs.all().size(), "the cancelled run is kept, the later ones never ran");
        assertEquals("true", runs.all().getFirst().trace().meta().get("stopped"));
        assertTrue(runs.caption().contains("2 of 40 tasks had started"), runs.caption());
        assertTrue(took < TimeUnit.SECONDS.toNanos(50), "stopped long before the 60 s tasks");
        assertTrue(bystander.isAlive(), "another thread is not touched");
        other.countDown();
        bystander.join();
        assertEquals(0, stop.stop(), "disarmed when the run ended");
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void a_stop_before_or_after_the_run_does_nothing_to_it() {
        var stop = StopSignal.manual();
        assertEquals(0, stop.stop());
        var ran = new AtomicInteger();
        Runs runs = Experiment.of(Work.named("tick", i -> ran.incrementAndGet())).tasks(8)
                .on(Strategy.platform(2)).warmup(1).repeat(2).stopOn(stop).run();
        assertFalse(runs.stopped());
        assertEquals(24, ran.get());
        assertEquals(0, stop.stop());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void a_deadline_stops_a_run_that_takes_too_long() {
        var finished = new AtomicInteger();
        Runs runs = Experiment.of(blocking(new CountDownLatch(0), finished)).tasks(4).on(Strategy.virtual())
                .warmup(0).repeat(1).stopOn(StopSignal.after(Duration.ofMillis(50))).run();
        assertTrue(runs.stopped());
        assertEquals(0, finished.get());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void a_stop_button_is_clickable_only_while_it_can_stop_something() throws Exception {
        var button = Widgets.button("Stop").disabled(true);
        var started = new CountDownLatch(1);
        var finished = new AtomicInteger();
        assertTrue(button.disabled());
        button.click();                              // before the run: nothing to stop
        Thread clicker = Thread.ofVirtual().start(() -> {
            try {
                assertTrue(started.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertFalse(button.disabled(), "clickable while the run can be stopped");
            button.click();
        });
        Runs runs = Experiment.of(blocking(started, finished)).tasks(8).on(Strategy.platform(1))
                .warmup(0).repeat(1).stopOn(button).run();
        clicker.join();
        assertTrue(runs.stopped());
        assertEquals(0, finished.get());
        assertEquals(2, button.clicks());
        assertTrue(button.disabled(), "greyed out again after the run");
        button.click();                              // after: nothing happens
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void a_stop_as_soon_as_armed_still_gives_a_result_to_show() {
        StopSignal at_once = action -> { action.run(); return () -> {}; };
        for (int warmup : new int[] {0, 1}) {
            Runs runs = Experiment.of(Work.named("tick", i -> Thread.sleep(60_000))).tasks(8)
                    .on(Strategy.platform(2), Strategy.sequential()).warmup(warmup).repeat(2).stopOn(at_once).run();
            assertTrue(runs.stopped());
            assertEquals(1, runs.all().size(), "the cancelled run, empty or nearly");
            assertEquals(java.util.List.of("platform(2)"), runs.strategies());
            assertNotNull(runs.timeline().toString());
            assertTrue(runs.caption().contains(warmup == 0 ? "platform(2)'s run 1" : "platform(2)'s warm-up run"), runs.caption());
            assertFalse(runs.toString().isEmpty());
            assertFalse(Thread.currentThread().isInterrupted());
        }
    }
}
