package conclab.task;

import conclab.trace.CounterSample;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class PipelineTest {

    @Test
    void every_item_passes_every_stage_once_and_a_bounded_queue_pushes_back() throws Exception {
        int items = 120;
        AtomicIntegerArray produced = new AtomicIntegerArray(items), consumed = new AtomicIntegerArray(items);
        Trace t = Pipeline.of(items)
                .stage("make", 3, Work.named("make", produced::incrementAndGet))
                .stage("use", 1, 4, Work.named("use", i -> {
                    consumed.incrementAndGet(i);
                    Work.sleep(Duration.ofMillis(1)).run(i);
                }))
                .run();
        for (int i = 0; i < items; i++) {
            assertEquals(1, produced.get(i));
            assertEquals(1, consumed.get(i));
        }
        Set<String> tasks = t.spans().stream().map(Span::task).collect(Collectors.toSet());
        assertEquals(2 * items, tasks.size());
        double depth = t.counters().stream().filter(c -> c.name().equals("use queue depth"))
                .mapToDouble(CounterSample::value).max().orElse(-1);
        assertTrue(depth >= 1 && depth <= 4, "depth " + depth);
        assertTrue(t.spans().stream().anyMatch(s -> s.lane().startsWith("use-") && s.state() == SpanState.WAITING));
    }

    @Test
    void a_failing_stage_stops_the_pipeline_with_its_cause() {
        var e = assertThrows(TaskFailedException.class, () -> Pipeline.of(50).onVirtualThreads()
                .stage("a", 2, Work.named("a", i -> {}))
                .stage("b", 1, 2, Work.named("b", i -> {
                    if (i == 7) throw new IllegalStateException("bad item");
                }))
                .run());
        assertEquals("bad item", e.getCause().getMessage());
    }
}
