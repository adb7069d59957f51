package conclab.kernel;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LifelineTest {

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final List<String> events = new ArrayList<>();
    private final Lifeline lifeline = new Lifeline(new Log(new PrintStream(logged, true), false), 1 << 20);

    LifelineTest() {
        lifeline.onFarewell(() -> events.add("farewell"));
        lifeline.onHalt(() -> events.add("halt"));
    }

    @Test
    void otherFailuresLeaveTheReserveAlone() {
        lifeline.caught("shell", new IllegalStateException("a bug"));
        assertTrue(lifeline.armed());
        assertEquals(List.of(), events);
    }

    @Test
    void theFirstOutOfMemorySpendsTheReserveAndTheKernelGoesOn() {
        lifeline.caught("shell", new RuntimeException("wrapped", new OutOfMemoryError("Java heap space")));
        assertFalse(lifeline.armed());
        assertEquals(List.of(), events);
        assertTrue(logged.toString().contains("reserve is spent"));
    }

    @Test
    void aSecondOutOfMemoryWithTheReserveSpentEndsTheKernelAfterItsFarewell() {
        lifeline.caught("shell", new OutOfMemoryError());
        lifeline.caught("iopub", new OutOfMemoryError());
        assertEquals(List.of("farewell", "halt"), events);
        assertTrue(logged.toString().contains("the kernel exits"));
    }

    @Test
    void theReserveIsTakenAgainWhenThereIsRoom() {
        lifeline.caught("shell", new OutOfMemoryError());
        lifeline.rearm();   // a 1 MiB reserve: the test JVM has room
        assertTrue(lifeline.armed());
        lifeline.caught("shell", new OutOfMemoryError());
        assertEquals(List.of(), events, "armed again, so the next failure is survived too");
    }

    @Test
    void spendingTheReserveOnAFullHeapIsNoFailureButTheNextOutOfMemoryIs() {
        lifeline.spend();
        assertFalse(lifeline.armed());
        assertEquals(List.of(), events);
        lifeline.caught("shell", new OutOfMemoryError());
        assertEquals(List.of("farewell", "halt"), events);
    }

    @Test
    void aKernelThreadThatDiesEndsTheKernel() {
        lifeline.threadDied(new Thread(() -> {}, "conclab-iopub"), new OutOfMemoryError());
        assertEquals(List.of("farewell", "halt"), events);
        assertTrue(logged.toString().contains("conclab-iopub died"));
    }

    @Test
    void aFarewellThatFailsStillEndsTheKernel() {
        lifeline.onFarewell(() -> { throw new OutOfMemoryError(); });
        lifeline.threadDied(new Thread(() -> {}, "reaper-1"), new OutOfMemoryError());
        assertEquals(List.of("halt"), events);
    }

    @Test
    void aFarewellThatBlocksCannotKeepTheKernelAlive() throws Exception {
        // the farewell waits on something that never comes (a lock held by a thread that cannot allocate):
        // the watchdog halts the process once the grace period is over, while the farewell still waits
        var halted = new java.util.concurrent.CountDownLatch(1);
        var never = new java.util.concurrent.CountDownLatch(1);
        Lifeline l = new Lifeline(new Log(new PrintStream(logged, true), false), 1 << 20, 200);
        l.onFarewell(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        var halts = new java.util.concurrent.atomic.AtomicInteger();
        l.onHalt(() -> { halts.incrementAndGet(); halted.countDown(); });
        Thread dying = Thread.ofPlatform().daemon(true).start(
                () -> l.threadDied(new Thread(() -> {}, "iothread-2"), new OutOfMemoryError()));
        assertTrue(halted.await(30, java.util.concurrent.TimeUnit.SECONDS), "halted while the farewell blocks");
        assertTrue(dying.isAlive(), "the farewell is still waiting");
        never.countDown();   // the farewell returns at last: the process is not halted a second time
        dying.join(30_000);
        assertFalse(dying.isAlive());
        assertEquals(1, halts.get());
    }

    @Test
    void theReserveIsThreePercentOfTheHeapWithinBounds() {
        assertEquals(1 << 20, Lifeline.reserveFor(8L << 20));
        assertEquals((64L << 20) / 33, Lifeline.reserveFor(64L << 20));
        assertEquals(4 << 20, Lifeline.reserveFor(256L << 20));
        assertEquals(4 << 20, Lifeline.reserveFor(8L << 30));
    }
}
