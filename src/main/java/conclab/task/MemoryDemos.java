package conclab.task;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Memory-model experiments whose loops must run in compiled library code, not in notebook cells (the
 * kernel adds stop checks to cell loops, which changes what they show). Reached through
 * {@link conclab.Lab#visibility} and {@link conclab.Lab#falseSharing}.
 *
 * <p><b>Visibility</b>: a reader thread spins until it sees a flag another thread sets. With a plain
 * field the JIT may read the field once and spin forever on the stale value (the Java Memory Model
 * allows it: there is no happens-before between the write and the reads); with a {@code volatile} field
 * the write happens-before the reads that see it, and the reader stops. The reader here gives up after
 * a bounded amount of work, so nothing spins forever.
 *
 * <p><b>False sharing</b>: two threads each increment their own counter; when the counters sit on one
 * cache line the cores pass the line back and forth on every write.
 */
public final class MemoryDemos {

    private MemoryDemos() {}

    /** How the flag of {@link #visibility} is declared. */
    public enum Field { PLAIN, VOLATILE }

    /** Where the counters of {@link #falseSharing} sit. */
    public enum Layout { ADJACENT, PADDED }

    /**
     * What the reader of {@link #visibility} saw.
     *
     * @param field      how the flag was declared
     * @param seen       true if the reader saw the flag before giving up
     * @param afterNanos from the write to the reader's stop (or giving up)
     */
    public record Visibility(Field field, boolean seen, long afterNanos) {
        @Override
        public String toString() {
            return field.name().toLowerCase() + " flag: " + (seen
                    ? "seen " + conclab.trace.Format.millis(afterNanos) + " after the write"
                    : "NOT seen; the reader gave up " + conclab.trace.Format.millis(afterNanos) + " after the write");
        }
    }

    /**
     * Timing of {@link #falseSharing}.
     *
     * @param layout     where the counters sat
     * @param increments per thread
     * @param nanos      wall time of both threads
     */
    public record Sharing(Layout layout, long increments, long nanos) {
        @Override
        public String toString() {
            return layout.name().toLowerCase() + ": " + increments + " increments per thread in "
                    + conclab.trace.Format.millis(nanos);
        }
    }

    private static final class PlainFlag {
        boolean stop;
    }

    private static final class VolatileFlag {
        volatile boolean stop;
    }

    /* Loop results go here so the loops have an effect. */
    private static volatile long sink;

    /**
     * Starts a reader spinning on a flag, sets the flag from the calling thread after {@code writeAfter}
     * (time for the JIT to compile the loop), and reports whether the reader saw it within
     * {@code giveUpAfter} of computing.
     */
    public static Visibility visibility(Field field, Duration writeAfter, Duration giveUpAfter) throws InterruptedException {
        long limit = (long) ((writeAfter.toNanos() + giveUpAfter.toNanos()) * Cpu.stepsPerNano());
        PlainFlag plain = new PlainFlag();
        VolatileFlag vol = new VolatileFlag();
        CountDownLatch spinning = new CountDownLatch(1);
        long[] stoppedAt = new long[1];
        boolean[] sawIt = new boolean[1];
        Thread reader = Thread.ofPlatform().name("reader").start(conclab.spi.Hosts.current().capture((Runnable) () -> {
            spinning.countDown();
            long i = field == Field.PLAIN ? spinPlain(plain, limit) : spinVolatile(vol, limit);
            stoppedAt[0] = System.nanoTime(); // read after join: join makes these writes visible
            sawIt[0] = i < limit;
        }));
        spinning.await();
        Thread.sleep(writeAfter);
        long wrote = System.nanoTime();
        if (field == Field.PLAIN) plain.stop = true;
        else vol.stop = true;
        reader.join(); // bounded: the loop ends at the limit
        return new Visibility(field, sawIt[0], Math.max(0, stoppedAt[0] - wrote));
    }

    private static long spinPlain(PlainFlag f, long limit) {
        long x = 1, i = 0;
        while (!f.stop && i < limit) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            i++;
        }
        sink = x;
        return i;
    }

    private static long spinVolatile(VolatileFlag f, long limit) {
        long x = 1, i = 0;
        while (!f.stop && i < limit) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            i++;
        }
        sink = x;
        return i;
    }

    /**
     * Two threads each increment their own counter {@code increments} times (a volatile read and a
     * volatile write, as {@code v++} on a {@code volatile long} with a single writer), counters {@link Layout#ADJACENT adjacent} (one cache line)
     * or {@link Layout#PADDED padded} 128 bytes apart, and returns the wall time.
     */
    public static Sharing falseSharing(Layout layout, long increments) throws InterruptedException {
        AtomicLongArray cells = new AtomicLongArray(64);
        int a = 16, b = layout == Layout.ADJACENT ? 17 : 32;
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[2];
        int[] idx = {a, b};
        for (int k = 0; k < 2; k++) {
            int i = idx[k];
            ts[k] = Thread.ofPlatform().name("writer-" + k).start(conclab.spi.Hosts.current().capture((Runnable) () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long n = 0; n < increments; n++) cells.set(i, cells.get(i) + 1);
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : ts) t.join();
        long t = System.nanoTime() - t0;
        if (cells.get(a) != increments || cells.get(b) != increments) throw new AssertionError("lost increments");
        return new Sharing(layout, increments, t);
    }
}
