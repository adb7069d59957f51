package conclab.trace;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class RecorderTest {

    @Test
    void loses_no_span_under_8_concurrent_writers_while_a_reader_snapshots() throws Exception {
        Recorder rec = Recorder.start("writers");
        int writers = 8, perWriter = 50_000;
        CyclicBarrier go = new CyclicBarrier(writers + 1);
        AtomicBoolean done = new AtomicBoolean();
        Thread[] ts = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            int id = w;
            ts[w] = Thread.ofPlatform().name("writer-" + w).start(() -> {
                try {
                    go.await();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                for (int i = 0; i < perWriter; i++) {
                    rec.begin(rec.task("w" + id + "-" + i));
                    rec.end();
                }
            });
        }
        go.await();
        long last = 0;
        int snapshots = 0;
        while (!done.get()) {
            Trace t = rec.snapshot(); // reading while writers write must be safe and monotonic
            assertTrue(t.spans().size() >= last, "snapshot went backwards");
            last = t.spans().size();
            snapshots++;
            boolean alive = false;
            for (Thread x : ts) alive |= x.isAlive();
            done.set(!alive);
        }
        for (Thread x : ts) x.join();
        Trace trace = rec.stop();
        assertEquals(writers * perWriter, trace.spans().size());
        Set<Long> ids = new HashSet<>();
        Map<String, Integer> perLane = new HashMap<>();
        for (Span s : trace.spans()) {
            assertTrue(ids.add(s.taskId()), "duplicate task " + s.taskId());
            assertTrue(s.task().startsWith(s.lane().replace("writer-", "w") + "-"), s.task() + " in " + s.lane());
            perLane.merge(s.lane(), 1, Integer::sum);
        }
        assertEquals(writers, perLane.size());
        perLane.values().forEach(n -> assertEquals(perWriter, n));
        assertTrue(snapshots > 0);
    }

    @Test
    void state_changes_make_contiguous_spans_of_one_task() {
        Recorder rec = Recorder.start("states");
        Recorder.Task t = rec.task("t");
        rec.begin(t);
        assertEquals(SpanState.RUNNING, Recorder.state(SpanState.WAITING));
        Recorder.state(SpanState.WAITING); // no change: no span
        Recorder.state(SpanState.BLOCKED);
        Recorder.state(SpanState.HOLDING_LOCK);
        rec.end();
        List<Span> spans = rec.stop().spans().stream()
                .sorted((a, b) -> Long.compare(a.startNanos(), b.startNanos())).toList();
        assertEquals(List.of(SpanState.RUNNING, SpanState.WAITING, SpanState.BLOCKED, SpanState.HOLDING_LOCK),
                spans.stream().map(Span::state).toList());
        for (int i = 1; i < spans.size(); i++) assertEquals(spans.get(i - 1).endNanos(), spans.get(i).startNanos());
        assertTrue(spans.stream().allMatch(s -> s.taskId() == t.id() && s.task().equals("t")));
        assertEquals(Thread.currentThread().getName(), spans.getFirst().lane());
    }

    @Test
    void state_outside_a_task_records_nothing() {
        Recorder rec = Recorder.start("none");
        rec.counter("x", 1); // binds the thread, but no task
        assertNull(Recorder.state(SpanState.WAITING));
        assertEquals(0, rec.stop().spans().size());
    }

    @Test
    void counters_markers_and_meta_are_in_the_trace() {
        Recorder rec = Recorder.start("meta").meta("runs", "3");
        rec.counter("depth", 2);
        rec.counter("depth", 5);
        rec.marker("note", "hello");
        Trace t = rec.stop();
        assertEquals(List.of(2.0, 5.0), t.counters().stream().map(CounterSample::value).toList());
        assertEquals("hello", t.markers().getFirst().detail());
        assertEquals(Runtime.version().toString(), t.meta().get("jdk"));
        assertEquals(Integer.toString(Runtime.getRuntime().availableProcessors()), t.meta().get("cores"));
        assertEquals("3", t.meta().get("runs"));
        assertTrue(t.endNanos() >= t.originNanos());
    }

    @Test
    void writes_after_stop_are_ignored_and_the_thread_moves_to_a_new_recorder() {
        Recorder a = Recorder.start("a");
        a.run("one", () -> {});
        Trace ta = a.stop();
        a.run("late", () -> {});
        assertEquals(1, a.stop().spans().size());
        assertEquals(ta.spans(), a.stop().spans());
        assertNull(Recorder.current());
        Recorder b = Recorder.start("b");
        b.run("two", () -> assertSame(b, Recorder.current()));
        assertEquals(List.of("two"), b.stop().spans().stream().map(Span::task).toList());
    }

    @Test
    void virtual_threads_get_lanes_and_optionally_carriers() throws Exception {
        Recorder rec = Recorder.startWithCarriers("vt");
        Thread t = Thread.ofVirtual().start(() -> rec.run("v", () -> {}));
        t.join();
        Span s = rec.stop().spans().getFirst();
        assertTrue(s.lane().startsWith("virtual #"), s.lane());
        assertNotNull(s.carrier(), "carrier of a mounted virtual thread");
    }
}
