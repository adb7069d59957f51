package conclab.task;

import conclab.trace.Recorder;
import conclab.trace.Span;
import conclab.trace.SpanState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class WorkTest {

    @Test
    void cpu_work_stops_when_interrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            started.countDown();
            try {
                Work.cpu(Duration.ofSeconds(60)).run(0);
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        started.await();
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(t.isAlive(), "cpu work ignored the interrupt");
        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    @Test
    void sleep_is_recorded_as_waiting() throws Exception {
        Recorder rec = Recorder.start("sleep");
        rec.begin(rec.task("s"));
        Work.sleep(Duration.ofMillis(5)).run(0);
        rec.end();
        List<SpanState> states = rec.stop().spans().stream()
                .sorted((a, b) -> Long.compare(a.startNanos(), b.startNanos())).map(Span::state).toList();
        assertEquals(List.of(SpanState.RUNNING, SpanState.WAITING, SpanState.RUNNING), states);
    }

    @Test
    void loopback_requests_wait_for_the_latency_and_overlap_on_virtual_threads() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(Duration.ofMillis(100))) {
            long t0 = System.nanoTime();
            assertEquals(10, server.request(Duration.ZERO, 10).length);
            long one = System.nanoTime() - t0;
            assertTrue(one >= 100_000_000, "answered before its latency: " + one);

            int n = 40;
            List<Thread> ts = new ArrayList<>();
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ts.add(Thread.ofVirtual().start(() -> {
                    try {
                        server.request(Duration.ZERO, 100);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (Thread t : ts) t.join();
            long all = System.nanoTime() - t1;
            assertEquals(n + 1, server.served());
            assertTrue(all < n * one / 4, n + " concurrent requests took " + all / 1e6 + " ms, one took " + one / 1e6);
        }
    }

    @Test
    void io_and_file_work_run() throws Exception {
        long before = LoopbackServer.shared().served();
        Work.io(Duration.ofMillis(1), 1000).run(3);
        assertEquals(before + 1, LoopbackServer.shared().served());
        Work.file(64 * 1024).run(5);
        try (var files = java.nio.file.Files.list(Work.tempDir())) {
            assertEquals(0, files.count(), "file work leaves no file behind");
        }
    }

    @Test
    void then_runs_both_and_named_keeps_the_name() throws Exception {
        StringBuilder b = new StringBuilder();
        Work w = Work.named("a", i -> b.append('a').append(i)).then(Work.named("b", i -> b.append('b')));
        w.run(4);
        assertEquals("a4b", b.toString());
        assertEquals("a + b", w.name());
    }
}
