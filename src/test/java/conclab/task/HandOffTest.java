package conclab.task;

import conclab.spi.Displayable;
import conclab.trace.CounterSample;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandOffTest {

    @Test
    void everyQueueCarriesEveryItemAndCountsThemOverTime() throws InterruptedException {
        var race = HandOff.of(50_000)
                .through("array", () -> new ArrayBlockingQueue<>(64))
                .through("linked", ConcurrentLinkedQueue::new);
        assertEquals(2, race.runs().size());
        for (var run : race.runs()) {
            assertNull(run.notRun(), run.label());
            assertEquals(50_000, run.items());
            assertTrue(run.perSecond() > 0, run.label());
            var counted = run.trace().counters().stream().filter(c -> c.name().equals(HandOff.COUNTER))
                    .mapToDouble(CounterSample::value).toArray();
            assertEquals(0, counted[0]);
            assertEquals(50_000, counted[counted.length - 1]);   // the last sample is the last item
            for (int i = 1; i < counted.length; i++) assertTrue(counted[i] >= counted[i - 1], "counts only grow");
        }
        assertTrue(race.ratio() >= 1);
        var bundle = race.mimeBundle(Set.of(Displayable.PNG, Displayable.PLAIN));
        assertNotNull(bundle.get(Displayable.PNG));
        assertTrue(bundle.get(Displayable.PLAIN).toString().contains("fastest / slowest"), bundle.get(Displayable.PLAIN).toString());
    }

    @Test
    void aQueueThatCannotBeBuiltIsReportedAndTheRaceGoesOn() throws InterruptedException {
        var race = HandOff.of(10_000)
                .through("missing library", () -> { throw new NoClassDefFoundError("org/jctools/queues/SpscArrayQueue"); })
                .through("array", () -> new ArrayBlockingQueue<>(16));
        var missing = race.runs().getFirst();
        assertTrue(missing.notRun().contains("org/jctools/queues/SpscArrayQueue"), missing.notRun());
        assertEquals(0, missing.perSecond());
        assertNull(race.runs().get(1).notRun());
        assertEquals(1, race.ratio());   // one queue ran: nothing to compare
        String text = race.toString();
        assertTrue(text.contains("not run") && text.contains("array"), text);
    }

    @Test
    void aQueueThatFailsIsAnError() {
        Queue<Integer> refusing = new ArrayDeque<>() {
            @Override public boolean offer(Integer i) { throw new IllegalStateException("refused"); }
        };
        var e = assertThrows(IllegalStateException.class, () -> HandOff.of(10).through("broken", () -> refusing));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HandOff.of(0));
    }
}
