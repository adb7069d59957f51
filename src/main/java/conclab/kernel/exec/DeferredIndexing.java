package conclab.kernel.exec;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

/**
 * JShell's class-path index, built when the first completion needs it rather than at start-up.
 *
 * <p>As soon as a shell's {@code SourceCodeAnalysis} exists, JShell indexes every class of the JDK and of
 * the class path on a background thread (about 28,000 names), only for completion: the packages offered
 * after {@code import java.u} and the like. That cost every kernel about 0.6 CPU-seconds in its first idle
 * seconds, on the same cores as the rest of a class, and 20 MB of live heap for the whole session (measured
 * after 20 small cells: 43 → 23 MB), even when the learner never presses Tab. Its indexing thread is JShell's
 * own ({@code SourceCodeAnalysisImpl.INDEXER}, one thread for the JVM): this class queues a task there that
 * waits until {@link #open} is called, so the index JShell queues behind it is built at the first completion,
 * which waits for it and then answers as it would have with an index built at start-up.
 *
 * <p>Reaches JShell's internals through the jar's {@code Add-Opens: jdk.jshell/jdk.jshell}; when they are not
 * there (another JDK, no opens), JShell indexes at start-up as it always did and {@link #open} does nothing.
 * Thread-safe.
 */
final class DeferredIndexing {

    /* JShell's indexer is one thread for the whole JVM, so the gate is too: a shell made after a reset
       queues its index behind the same gate, and once it is open every later shell indexes at once */
    private static final CountDownLatch GATE = new CountDownLatch(1);
    private static final Class<?> IMPL;
    private static final boolean HELD;

    static {
        Class<?> c = null;
        boolean held;
        try {
            c = Class.forName("jdk.jshell.SourceCodeAnalysisImpl");
            Field f = c.getDeclaredField("INDEXER");
            f.setAccessible(true);
            ((ExecutorService) f.get(null)).submit(() -> {
                GATE.await();
                return null;
            });
            held = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            held = false;   // JShell indexes at once, as it does without this class
        }
        IMPL = c;
        HELD = held;
    }

    private DeferredIndexing() {}

    /** Holds JShell's indexer (once per JVM); call before a shell's {@code sourceCodeAnalysis()} is made. */
    static void hold() {
        // the class's initialisation does it
    }

    /** Whether the index waits for the first completion (false: JShell builds it at once). */
    static boolean deferred() {
        return HELD && GATE.getCount() > 0;
    }

    /**
     * How long the first completion waits for the index at most (a generous deadline: only a stuck indexer
     * reaches it). Measured at load 15, the first completion of {@code import java.util.conc} took 1.4–3.5 s
     * with the index built then (0.7 s when it was built at start-up), later ones 0.03–0.3 s; with
     * a 1 s bound instead it answered nothing, twice, while the index was being built: a wrong answer costs a
     * learner more than a slow first one.
     */
    static final long FIRST_WAIT_MILLIS = 30_000;

    /** Lets the index be built and waits for it up to {@link #FIRST_WAIT_MILLIS}. */
    static void open(Object analysis) {
        if (!HELD) return;
        boolean first = GATE.getCount() > 0;
        GATE.countDown();
        if (first) await(analysis, FIRST_WAIT_MILLIS);
    }

    /** Waits until the index is up to date with the class path, at most millis; true when it is. */
    static boolean await(Object analysis, long millis) {
        if (!HELD) return true;
        GATE.countDown();
        Thread waiter = Thread.ofPlatform().name("conclab-index-wait").daemon(true).stackSize(256 << 10).unstarted(() -> {
            try {
                Method wait = IMPL.getDeclaredMethod("waitBackgroundTaskFinished");
                wait.setAccessible(true);
                wait.invoke(analysis);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // the completion goes on with what is indexed so far, as JShell's own does while indexing
            }
        });
        waiter.start();
        try {
            return waiter.join(java.time.Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
