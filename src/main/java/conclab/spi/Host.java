package conclab.spi;

import java.util.concurrent.Callable;

/**
 * What the program running the helper library offers it: the Concurrency Lab kernel in a notebook,
 * or plain JShell and plain Java, where {@link PlainHost} stands in.
 *
 * <p>The helper library never depends on the kernel. The kernel installs its host once, at start-up,
 * through {@link Hosts#install}; library code reaches it through {@link Hosts#current()}.
 *
 * <p>Implementations are thread-safe: every method may be called from any thread, also after the
 * notebook cell that started the calling thread has finished.
 */
public interface Host {

    /**
     * Returns a task that runs {@code task} under the context of the calling thread: in the kernel,
     * the notebook cell that submitted it, so its output, displays and failures show under that cell,
     * and an interrupt of that cell cancels it. Call this on the submitting thread.
     */
    Runnable capture(Runnable task);

    /** As {@link #capture(Runnable)}, for a task with a result. */
    <T> Callable<T> capture(Callable<T> task);

    /**
     * Shows {@code value} now (a chart, a table, an image, text) and returns a handle that replaces
     * what was shown in place.
     */
    DisplayHandle display(Object value);

    /**
     * Clears the output of the calling thread's cell; with {@code wait}, only when new output arrives
     * (no flicker). Does nothing where there is no such output area.
     */
    default void clearOutput(boolean wait) {}

    /** True when displays render as rich MIME bundles (notebooks), false for text only (JShell, Java). */
    boolean rich();

    /**
     * Opens a comm to the front end's {@code target} ({@code comm_open} with {@code data} and {@code metadata},
     * JSON objects' text, and {@code buffers}); {@code handler} receives what the front end sends on it. Without a front end,
     * a {@linkplain Comm#detached detached} comm.
     */
    default Comm openComm(String target, String data, String metadata,
                          java.util.List<byte[]> buffers, Comm.Handler handler) {
        return Comm.detached(target);
    }

    /**
     * Registers {@code target} for comms the front end opens (replacing an earlier registration of that
     * name); front-end comms to unregistered targets are closed at once, as the protocol asks.
     */
    default void registerCommTarget(String target, Comm.Target handler) {}
}
