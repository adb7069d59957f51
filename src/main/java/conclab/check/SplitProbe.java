package conclab.check;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntToLongFunction;

/**
 * A function of an index for checking code that splits work across threads (a parallel stream, a
 * fork/join task): it returns values of its own (random for each probe, so no result can be written in
 * advance), counts the calls per index, records the threads that called it, and makes the first thread
 * to call it wait until a second thread calls it too, at most {@link #PATIENCE}.
 *
 * <p>That wait decides, without luck, whether the work really ran on two threads at once: code that
 * splits the work hands a part to another thread before it starts on its own part, so the second thread
 * arrives while the first waits ({@link #met()}); code that runs everything on one thread, or that waits
 * for each part it hands out before starting the next, has no second thread computing while the first
 * waits, and the wait runs out. Only the first thread waits, and only once: a serial answer costs
 * {@link #PATIENCE} once, a parallel one nothing.
 *
 * <p>The wait also holds the first thread between reading and writing whatever it updates around the
 * call, so a read–modify–write of a shared sum spanning the call ({@code sum[0] += probe.applyAsLong(i)})
 * loses the second thread's update every time. Thread-safe.
 */
public final class SplitProbe implements IntToLongFunction {

    /** How long the first caller waits for a second one. */
    public static final Duration PATIENCE = Duration.ofSeconds(3);
    /** The longest {@link #invoke} waits for a task's result. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private final long[] values;
    private final long expected;
    private final AtomicIntegerArray calls;
    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final CountDownLatch second = new CountDownLatch(1);
    /** Set once the first caller gave up waiting. */
    private volatile boolean gaveUp;
    /** Set once a call came from inside a parallel stream's own task (java.util.stream.AbstractTask). */
    private volatile boolean viaStream;
    private static final StackWalker WALKER = StackWalker.getInstance();

    /** A probe for indices {@code 0..n-1}, values 1..1000 drawn from {@code seed}. */
    public SplitProbe(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        values = new long[n];
        for (int i = 0; i < n; i++) values[i] = 1 + r.nextInt(1000);
        expected = Arrays.stream(values).sum();
        calls = new AtomicIntegerArray(n);
    }

    /** A probe for indices {@code 0..n-1} with values from a seed of the clock. */
    public static SplitProbe of(int n) {
        return new SplitProbe(n, System.nanoTime());
    }

    @Override
    public long applyAsLong(int i) {
        calls.incrementAndGet(i);
        threads.add(Thread.currentThread().getName());
        if (!viaStream && WALKER.walk(frames -> frames.anyMatch(f -> f.getClassName().equals("java.util.stream.AbstractTask")))) {
            viaStream = true;
        }
        if (threads.size() >= 2) {
            second.countDown();
        } else if (!gaveUp) {
            try {
                if (!second.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) gaveUp = true;
            } catch (InterruptedException e) {
                gaveUp = true;
                Thread.currentThread().interrupt();
            }
        }
        return values[i];
    }

    /** The number of indices. */
    public int size() { return values.length; }

    /** The sum of every value, once each: what a correct total returns. */
    public long expected() { return expected; }

    /** True when every index was asked for exactly once. */
    public boolean eachOnce() {
        for (int i = 0; i < calls.length(); i++) if (calls.get(i) != 1) return false;
        return true;
    }

    /** How many indices were asked for more than once or never. */
    public int wrongCounts() {
        int k = 0;
        for (int i = 0; i < calls.length(); i++) if (calls.get(i) != 1) k++;
        return k;
    }

    /** True when a second thread called while the first was still waiting: two threads computed at once. */
    public boolean met() { return second.getCount() == 0 && !gaveUp; }

    /**
     * True when no call came from inside a parallel stream's task: the code split the work itself (a
     * sequential stream over a leaf's range is fine). For a fork/join exercise, where a parallel stream
     * inside {@code compute()} would split the range instead of the learner's code.
     */
    public boolean byHand() { return !viaStream; }

    /** For a check's hint: "" when {@link #byHand()}, else a sentence saying a parallel stream did the splitting. */
    public String notByHand() { return viaStream ? m("splitprobe.stream") : ""; }

    /** The names of the threads that called. */
    public Set<String> threads() { return Set.copyOf(threads); }

    /**
     * Runs {@code task} on a new {@code ForkJoinPool} of {@code workers} and returns its result; the pool is
     * shut down after. Throws an unchecked exception, saying what happened, when the task throws or has no
     * result after {@link #DEADLINE}.
     */
    public static long invoke(int workers, ForkJoinTask<Long> task) {
        ForkJoinPool pool = new ForkJoinPool(workers);
        try {
            Long r = pool.submit(task).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (r == null) throw new IllegalStateException(m("splitprobe.null"));
            return r;
        } catch (ExecutionException e) {
            throw new IllegalStateException(m("splitprobe.threw", e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(m("splitprobe.no_result", DEADLINE.toSeconds()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(m("splitprobe.interrupted"), e);
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return m("splitprobe.summary", values.length, threads.size(), threads(),
                met() ? m("splitprobe.met") : gaveUp ? m("splitprobe.alone", PATIENCE.toSeconds()) : "",
                eachOnce() ? m("splitprobe.once") : m("splitprobe.not_once", wrongCounts()));
    }

    /** A hint or a message of the bundles ({@link conclab.text.Messages#hint}). */
    private static String m(String key, Object... args) {
        return conclab.text.Messages.hint(key, args);
    }
}
