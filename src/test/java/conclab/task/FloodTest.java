package conclab.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import conclab.sync.TracedQueue;

import static org.junit.jupiter.api.Assertions.*;

class FloodTest {

    private static ThreadPoolExecutor pool(java.util.concurrent.BlockingQueue<Runnable> q,
                                           java.util.concurrent.RejectedExecutionHandler h) {
        return new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, q, h);
    }

    @Test
    void an_unbounded_queue_takes_every_item_and_holds_its_data() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        var r = Flood.of(i -> never.await(), 1000, Duration.ofMillis(100)).payload(64 * 1024).drain(Duration.ZERO)
                .into("unbounded", pool(TracedQueue.unbounded("jobs"), new ThreadPoolExecutor.AbortPolicy()));
        assertTrue(r.produced() >= 10, "produced " + r.produced());
        // the two workers took the first two items directly; every other item waited in the queue
        assertEquals(r.produced() - 2, r.peakDepth());
        assertEquals(0, r.served());
        assertEquals(0, r.rejected());
        assertEquals(r.produced(), r.unserved(), "dropped or interrupted at the end");
        assertTrue(r.retainedBytes() > r.peakDepth() * 64 * 1024L / 2, "retained " + r.retainedBytes());
        assertTrue(r.trace().counters().stream().anyMatch(c -> c.name().equals("heap used (MB)")));
    }

    @Test
    void a_bounded_queue_that_waits_never_grows_beyond_its_capacity_and_loses_nothing() throws Exception {
        var r = Flood.of(Work.sleep(Duration.ofMillis(2)), 2000, Duration.ofMillis(150)).drain(Duration.ofSeconds(30))
                .into("wait", pool(TracedQueue.bounded("jobs", 5), new WaitWhenFull()));
        assertTrue(r.peakDepth() <= 5 && r.peakDepth() >= 0, "peak " + r.peakDepth());
        assertEquals(0, r.rejected());
        assertEquals(0, r.byProducer());
        assertEquals(r.produced(), r.served(), "every item accepted was served in the drain time");
        assertEquals(r.served(), r.latencies().percentiles().count());
    }

    @Test
    void caller_runs_makes_the_producer_do_jobs_itself() throws Exception {
        var r = Flood.of(Work.sleep(Duration.ofMillis(5)), 2000, Duration.ofMillis(150)).drain(Duration.ofSeconds(30))
                .into("caller", pool(TracedQueue.bounded("jobs", 3), new ThreadPoolExecutor.CallerRunsPolicy()));
        assertTrue(r.byProducer() > 0, "the queue filled at least once");
        assertTrue(r.peakDepth() <= 3);
        assertEquals(r.produced(), r.served());
        // the producer's own jobs show in the trace as tasks on its thread
        String producerLane = r.trace().spans().stream().filter(s -> s.task().equals("producer")).findFirst().orElseThrow().lane();
        assertTrue(r.trace().spans().stream().anyMatch(s -> s.task().startsWith("item ") && s.lane().equals(producerLane)));
    }

    @Test
    void an_abort_policy_sheds_load_and_an_untraced_queue_is_sampled() throws Exception {
        var r = Flood.of(Work.sleep(Duration.ofMillis(5)), 2000, Duration.ofMillis(150)).drain(Duration.ofSeconds(30))
                .into("abort", pool(new ArrayBlockingQueue<>(3), new ThreadPoolExecutor.AbortPolicy()));
        assertTrue(r.rejected() > 0);
        assertEquals(r.produced(), r.served() + r.rejected());
        assertTrue(r.peakDepth() >= 0 && r.peakDepth() <= 3, "sampled 'queue depth': " + r.peakDepth());
        assertTrue(Flood.table(r, r).toString().contains("abort"));
    }

    @Test
    void wait_when_full_blocks_the_submitter_until_there_is_room() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var ran = new java.util.concurrent.atomic.AtomicInteger();
        var exec = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), new WaitWhenFull());
        exec.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                return;
            }
            ran.incrementAndGet();
        });
        exec.execute(ran::incrementAndGet);                     // queued
        Thread submitter = Thread.ofPlatform().start(() -> exec.execute(ran::incrementAndGet));
        while (submitter.getState() != Thread.State.WAITING) Thread.onSpinWait();
        assertEquals(0, ran.get());
        release.countDown();
        submitter.join();
        exec.shutdown();
        assertTrue(exec.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(3, ran.get());
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> new WaitWhenFull().rejectedExecution(() -> {}, exec));
    }
}
