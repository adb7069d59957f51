package conclab.task;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A way to ask running work to stop from outside it: a Stop button ({@code Lab.stopButton()}), a
 * deadline ({@link #after}), or your own ({@link #manual()}). The work {@link #whenStopped arms} the
 * signal while it runs and disarms it when it ends, so a stop asked before or after does nothing to it;
 * {@link Experiment#stopOn(StopSignal)} uses it to cancel the tasks of a running experiment, and only
 * them. The Python parallel is a {@code threading.Event} that the work polls, or an asyncio task's
 * {@code cancel()}; here the work is told at once.
 *
 * <p>Memory consistency: actions of the thread asking to stop, before it asks, happen-before the
 * armed action runs.
 */
public interface StopSignal {

    /**
     * Runs {@code action} (at most once, on the thread that asks to stop) if a stop is asked from now
     * until the returned registration is closed.
     */
    Armed whenStopped(Runnable action);

    /** An armed signal; {@link #close()} disarms it (idempotent, never throws). */
    interface Armed extends AutoCloseable {
        @Override
        void close();
    }

    /** A signal you fire yourself with {@link Manual#stop()} (from any thread). */
    static Manual manual() {
        return new Manual();
    }

    /** A signal that fires {@code delay} after each time it is armed: a deadline. */
    static StopSignal after(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        return action -> {
            var f = Manual.TIMER.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }

    /** The signal of {@link #manual()}: {@link #stop()} runs every action armed at that moment. */
    final class Manual implements StopSignal {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("conclab-stop-timer").daemon(true).unstarted(r));
        private final CopyOnWriteArrayList<Runnable> armed = new CopyOnWriteArrayList<>();

        private Manual() {}

        /** Asks the work armed now to stop; returns how many were armed. */
        public int stop() {
            int n = 0;
            for (Runnable r : armed) if (armed.remove(r)) { r.run(); n++; }
            return n;
        }

        @Override
        public Armed whenStopped(Runnable action) {
            Runnable once = action::run;       // its own identity, so the same action may be armed twice
            armed.add(once);
            return () -> armed.remove(once);
        }
    }
}
