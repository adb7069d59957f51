package conclab.spi;

import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * Where {@code System.out} and {@code System.err} of a thread go instead of its cell while an output widget
 * captures them ({@code out.capture(() -> ...)}, Python's {@code with out:}). The capture is inherited by the
 * threads started inside it, and ends for all of them when the capturing call returns: what they print
 * afterwards goes back under their cell.
 *
 * <p>The kernel's output router asks {@link #sink()} before it routes a write; plain JShell and plain Java
 * have no router, so there the capture does nothing and output goes to the console as usual.
 */
public final class OutputCapture {

    /** One capture: on while the capturing call runs. */
    private record Target(BiConsumer<String, String> sink, boolean[] on) {}

    private static final InheritableThreadLocal<Target> CURRENT = new InheritableThreadLocal<>();

    private OutputCapture() {}

    /**
     * Runs {@code body} with this thread's output, and that of the threads it starts, going to {@code sink}
     * ({@code "stdout"} or {@code "stderr"}, then the text).
     */
    public static <T> T into(BiConsumer<String, String> sink, Callable<T> body) throws Exception {
        Target previous = CURRENT.get();
        boolean[] on = {true};
        CURRENT.set(new Target(sink, on));
        try {
            return body.call();
        } finally {
            synchronized (on) {
                on[0] = false;
            }
            CURRENT.set(previous);
        }
    }

    /** Where the calling thread's output goes now, or null for its cell. */
    public static BiConsumer<String, String> sink() {
        Target t = CURRENT.get();
        if (t == null) return null;
        synchronized (t.on()) {
            return t.on()[0] ? t.sink() : null;
        }
    }
}
