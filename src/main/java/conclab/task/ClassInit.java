package conclab.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.Objects;

/**
 * Blocking inside a class initialiser, on demand: each call of {@link #sleepInInitializer(Duration)}
 * defines a new class whose {@code static { ... }} block sleeps on the calling thread, as a class that
 * reads a slow configuration file or opens a connection when it is first used would. A class is
 * initialised once; a fresh (hidden) class per call lets an experiment do it in every task.
 *
 * <p>Why it matters: on JDK 25 a virtual thread that blocks while it runs a class initialiser cannot
 * leave its carrier thread; it stays <em>pinned</em> (the JDK Flight Recorder reports a
 * {@code jdk.VirtualThreadPinned} event with the reason "VM call to ...&lt;clinit&gt; on stack").
 * With as many such threads as carriers, no other virtual thread runs meanwhile. Blocking inside
 * {@code synchronized} no longer pins since JDK 24 (JEP 491).
 * <pre>{@code
 * Thread.ofVirtual().start(() -> ClassInit.sleepInInitializer(Duration.ofMillis(50)));   // pinned 50 ms
 * }</pre>
 * Used by {@link Work#sleepInClassInit(Duration)} and {@link conclab.Lab#sleepInClassInit(Duration)}.
 */
public final class ClassInit {

    private ClassInit() {}

    /** The wait the class being initialised on this thread does. Owner thread only. */
    private static final ThreadLocal<Duration> PENDING = new ThreadLocal<>();

    /** The class file of {@link Template}, defined anew (as a hidden class) on every call. */
    private static final byte[] TEMPLATE = templateBytes();

    private static byte[] templateBytes() {
        String file = Template.class.getName().substring(ClassInit.class.getPackageName().length() + 1) + ".class";
        try (InputStream in = ClassInit.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("class file not found: " + file);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Defines a new class and initialises it on the calling thread; its initialiser sleeps {@code d}.
     *
     * @throws InterruptedException if interrupted while the initialiser slept (the class is then
     *                              initialised anyway, as a class whose initialiser returned early)
     */
    public static void sleepInInitializer(Duration d) throws InterruptedException {
        Objects.requireNonNull(d);
        PENDING.set(d);
        try {
            MethodHandles.lookup().defineHiddenClass(TEMPLATE, true);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } finally {
            PENDING.remove();
        }
        if (Thread.interrupted()) throw new InterruptedException();
    }

    /** Called by the initialiser of each {@link Template} copy, on the thread that defines it. */
    static void initialising() {
        Duration d = PENDING.get();
        if (d == null) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // an initialiser cannot throw it; the caller does
        }
    }

    /** The class copied for every call: all it has is an initialiser that waits. */
    static final class Template {
        private Template() {}

        static {
            initialising();
        }
    }
}
