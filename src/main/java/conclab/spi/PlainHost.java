package conclab.spi;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host outside the kernel (JShell, plain Java): tasks run as they are and displays print their
 * {@code text/plain} form to {@code System.out}; an update prints the new form again.
 */
public final class PlainHost implements Host {

    private static final Set<String> TEXT = Set.of(Displayable.PLAIN);
    private final AtomicLong ids = new AtomicLong();

    @Override public Runnable capture(Runnable task) { return task; }

    @Override public <T> Callable<T> capture(Callable<T> task) { return task; }

    @Override public boolean rich() { return false; }

    @Override
    public DisplayHandle display(Object value) {
        print(value);
        String id = "text-" + ids.incrementAndGet();
        return new DisplayHandle() {
            @Override public void update(Object v) { print(v); }
            @Override public String id() { return id; }
        };
    }

    /** The text form of a value, as this host prints it. */
    public static String text(Object value) {
        if (value instanceof Displayable d) {
            Object t = d.mimeBundle(TEXT).get(Displayable.PLAIN);
            if (t != null) return t.toString();
        }
        return String.valueOf(value);
    }

    private static void print(Object value) {
        PrintStream out = System.out;
        out.println(text(value));
        out.flush();
    }
}
