package conclab.kernel.cell;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cell's life: the transitions of its state, its snippet thread, stopping and giving up. */
class CellContextTest {

    private static int count = 1000;

    private static CellContext cell() {
        return new CellContext(++count, new JsonObject(), List.of(), false);
    }

    @Test
    void aCellRunsThenFinishesAndAStoppedCellStaysStopped() {
        CellContext c = cell();
        assertFalse(c.stopRequested());
        assertFalse(c.finished());
        CellThreads.stop(c);
        assertTrue(c.stopRequested());
        assertFalse(c.abandoned());
        Contexts contexts = new Contexts();
        contexts.started(c);
        assertSame(c, contexts.runningCell());
        contexts.finished(c);
        assertTrue(c.finished());
        assertTrue(c.stopRequested(), "threads the cell left behind still stop at their next check");
        assertNull(contexts.runningCell());
        assertSame(c, contexts.lastCell());
    }

    @Test
    void aSnippetRunsOnAThreadOfItsCellUnderItsContext() throws Exception {
        CellContext c = cell();
        CellThreads.Result r = CellThreads.run(c, () -> List.of(Contexts.current(), Thread.currentThread().getThreadGroup()));
        assertNull(r.failure());
        assertEquals(List.of(c, c.group()), r.value());
        assertNull(Contexts.current(), "the calling thread's context is untouched");
    }

    @Test
    void aStopInterruptsTheSnippetThreadAndTheThreadsTheCellOwns() throws Exception {
        CellContext c = cell();
        CountDownLatch started = new CountDownLatch(1);
        Thread owned = Thread.ofPlatform().unstarted(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // stopped with its cell
            }
        });
        c.own(owned);
        owned.start();
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            CellThreads.stop(c);
        });
        CellThreads.Result r = CellThreads.run(c, () -> {
            started.countDown();
            Thread.sleep(60_000);
            return null;
        });
        assertTrue(r.failure() instanceof InterruptedException, String.valueOf(r.failure()));
        owned.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(owned.isAlive());
        stopper.join();
    }

    @Test
    void aSnippetThatIgnoresTheStopIsAbandoned() throws Exception {
        CellContext c = cell();
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                return;
            }
            CellThreads.stop(c);
        });
        UnstoppableError e = assertThrows(UnstoppableError.class, () -> CellThreads.run(c, () -> {
            started.countDown();
            while (!release.get()) Thread.onSpinWait();   // no stop check, interrupts ignored
            return null;
        }));
        assertTrue(c.abandoned());
        assertTrue(e.thread().isAlive());
        release.set(true);
        e.thread().join(TimeUnit.SECONDS.toMillis(30));
        stopper.join();
    }
}
