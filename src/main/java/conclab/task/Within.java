package conclab.task;

import conclab.spi.Hosts;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call with a deadline, for exercise checks that must never hang: the call runs on a daemon platform
 * thread of its own (wrapped by the host, so its output shows under the calling cell) and the caller
 * waits at most the given time for its result.
 *
 * <pre>{@code
 * List<Sample> got = Within.call(Duration.ofSeconds(20), () -> openLoop(probe, 200, ms(1000)));
 * }</pre>
 *
 * <p>On time-out the thread is interrupted and left to end on its own (code that ignores interrupts
 * keeps running, as a daemon). Memory effects: actions of the call happen-before the return of
 * {@link #call}.
 */
public final class Within {

    private Within() {}

    /**
     * Runs {@code body} on a thread of its own and returns its result.
     *
     * @throws TimeoutException     if it did not finish within {@code limit} (it was interrupted)
     * @throws Exception            what {@code body} threw
     * @throws InterruptedException if the caller was interrupted while waiting (the call was interrupted too)
     */
    public static <T> T call(Duration limit, Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(Objects.requireNonNull(body, "body"));
        Thread t = Thread.ofPlatform().name("within-" + limit.toMillis() + "ms").daemon()
                .unstarted(Hosts.current().capture(task));
        t.start();
        try {
            return task.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new TimeoutException("still running after " + limit.toMillis() + " ms (interrupted)");
        } catch (InterruptedException e) {
            t.interrupt();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) throw x;
            if (cause instanceof Error x) throw x;
            throw e;
        }
    }
}
