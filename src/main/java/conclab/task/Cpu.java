package conclab.task;

import conclab.sync.Gil;

import java.time.Duration;

/**
 * Busy computation: the body of {@link Work#cpu(Duration)} and {@link Work#cpuTime(Duration)}.
 *
 * <p>{@link #compute(Duration)} is a <em>fixed amount of computation</em>: the number of steps that takes
 * one idle core about {@code d} here, the same number on a platform thread, a virtual thread, a pool
 * worker or a child JVM. A speedup therefore counts work done: when two threads finish 16 tasks in 0.6 of
 * the time one thread takes, the machine really did the same computation faster, and whatever slows a
 * core down while another one computes (a second hardware thread on the same core, a lower clock with
 * more cores busy, shared caches and memory bandwidth, other processes) shows in the result, as it
 * would for a real program. Platform and virtual threads given {@code cpu(d)} do the same work.
 *
 * <p>{@link #computeCpuTime(Duration)} is a <em>CPU-time budget</em> instead: it computes until the
 * calling thread's own CPU clock has advanced by {@code d}, however many steps that takes. Other
 * processes and the JIT's progress do not change how much CPU a task takes, but neither can sharing a
 * core or a slower clock change its length in CPU time, so speedups of such tasks hold by construction
 * ("2 threads, 2×"). Only platform threads have such a clock: on a virtual thread, or on a JVM without
 * per-thread CPU time, it throws {@link UnsupportedOperationException}.
 *
 * <p>Both check for interruption every slice (20&nbsp;µs of steps, or 100&nbsp;µs of CPU time), and,
 * under a simulated {@link Gil}, offer the lock at the same points.
 */
public final class Cpu {

    /*
     * Implementation overview. A step is one xorshift round of a dependent chain whose result is
     * published to a volatile field, so the JIT can neither remove nor shorten the loop. The steps per
     * nanosecond are calibrated once per JVM (holder idiom: class initialisation is the lock): the fastest
     * of several timed rounds, i.e. the speed of one core with nothing else running. Child JVMs of
     * Strategy.processes(n) receive the parent's calibration (CALIBRATION_PROPERTY), so a task is the
     * same number of steps in every JVM; the CPython workers calibrate their own loop once per
     * interpreter and also run a fixed number of steps. On a busy machine a fixed number of steps takes
     * longer in wall time, which is what an experiment wants to see.
     */

    private Cpu() {}

    /** Steps per slice between interruption checks is derived from this slice length. */
    private static final long SLICE_NANOS = 20_000;
    /** Slice between reads of the thread's CPU clock (a read costs ~0.3 µs). */
    private static final long CLOCK_SLICE_NANOS = 100_000;

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean CPU_CLOCK = cpuClock();

    private static boolean cpuClock() {
        try {
            return MX.isCurrentThreadCpuTimeSupported() && MX.isThreadCpuTimeEnabled();
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /* Results end up here so the loop has an observable effect; racy writes are fine, any value will do. */
    private static volatile long sink;

    /** Steps per nanosecond on one core; computed on first use (holder idiom: class init is the lock). */
    private static final class Calibration {
        static final double STEPS_PER_NANO = calibrate();
    }

    /** Steps per nanosecond of this JVM's calibration (calibrates on first call, 0.4 to 2 s). */
    public static double stepsPerNano() {
        return Calibration.STEPS_PER_NANO;
    }

    /** The number of steps {@link #compute(Duration)} runs for {@code d}: those one idle core takes about {@code d} for. */
    public static long steps(Duration d) {
        return steps(d.toNanos());
    }

    static long steps(long nanos) {
        return nanos <= 0 ? 0 : (long) (nanos * stepsPerNano());
    }

    /**
     * Computes a fixed amount: the steps that take one idle core about {@code d} (see {@link #steps}),
     * on any kind of thread. On a busy machine, or on a core shared with another thread, it takes longer.
     *
     * @return the number of steps computed, {@link #steps(Duration) steps(d)}
     * @throws InterruptedException if the thread is interrupted (checked every slice); the flag is cleared
     */
    public static long compute(Duration d) throws InterruptedException {
        return compute(d.toNanos());
    }

    /** As {@link #compute(Duration)}, in nanoseconds. */
    public static long compute(long nanos) throws InterruptedException {
        double rate = stepsPerNano();
        long total = steps(nanos), left = total;
        long slice = Math.max(1, (long) (SLICE_NANOS * rate));
        long x = System.nanoTime() | 1;
        try {
            while (left > 0) {
                long n = Math.min(slice, left);
                x = burn(x, n);
                left -= n;
                if (Thread.interrupted()) throw new InterruptedException("cpu work interrupted");
                Gil.checkpoint();
            }
        } finally {
            sink = x;
        }
        return total;
    }

    /** Whether {@link #computeCpuTime} can run on the calling thread: a platform thread, on a JVM with per-thread CPU time. */
    public static boolean cpuTimeAvailable() {
        return CPU_CLOCK && !Thread.currentThread().isVirtual() && MX.getCurrentThreadCpuTime() >= 0;
    }

    /**
     * Computes until this thread's CPU clock has advanced by {@code d}, in slices of about 100 µs (the
     * last one sized to the rest): a CPU-time budget, not a fixed amount of work. Platform threads only.
     *
     * @throws UnsupportedOperationException on a virtual thread (it has no CPU clock of its own; use
     *         {@link #compute(Duration)}) or on a JVM without per-thread CPU time
     * @throws InterruptedException if the thread is interrupted (checked every slice); the flag is cleared
     */
    public static void computeCpuTime(Duration d) throws InterruptedException {
        computeCpuTime(d.toNanos());
    }

    /** As {@link #computeCpuTime(Duration)}, in nanoseconds. */
    public static void computeCpuTime(long nanos) throws InterruptedException {
        if (Thread.currentThread().isVirtual())
            throw new UnsupportedOperationException("cpuTime: a virtual thread has no CPU clock of its own; cpu(d) is the same work on any thread");
        long start = CPU_CLOCK ? MX.getCurrentThreadCpuTime() : -1;
        if (start < 0)
            throw new UnsupportedOperationException("cpuTime: this JVM measures no per-thread CPU time; cpu(d) needs none");
        double rate = stepsPerNano();
        long slice = Math.max(1, (long) (CLOCK_SLICE_NANOS * rate));
        long x = start | 1;
        try {
            for (long used = 0; used < nanos; used = MX.getCurrentThreadCpuTime() - start) {
                x = burn(x, Math.max(1, Math.min(slice, (long) ((nanos - used) * rate))));
                if (Thread.interrupted()) throw new InterruptedException("cpu work interrupted");
                Gil.checkpoint();
            }
        } finally {
            sink = x;
        }
    }

    /** {@code n} dependent xorshift steps starting at {@code x}. */
    static long burn(long x, long n) {
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** The system property through which a parent JVM hands its calibration to worker JVMs. */
    static final String CALIBRATION_PROPERTY = "conclab.cpu.stepsPerNano";

    private static double calibrate() {
        String given = System.getProperty(CALIBRATION_PROPERTY);
        if (given != null) {
            try {
                double v = Double.parseDouble(given);
                if (v > 0) return v;
            } catch (NumberFormatException ignored) {
                // calibrate here instead
            }
        }
        long x = 0x9E3779B97F4A7C15L;
        // warm-up: get burn compiled (by C2 when the compiler threads get to it)
        for (int i = 0; i < 200; i++) x = burn(x, 50_000);
        // fastest round of at least 0.4 s of rounds, until it has not improved by 1% for 0.15 s (C2 may
        // finish late on a loaded machine), at most 2 s
        final long n = 1_000_000;
        long best = Long.MAX_VALUE;
        long start = System.nanoTime(), lastGain = start;
        while (true) {
            long t0 = System.nanoTime();
            x = burn(x, n);
            long now = System.nanoTime(), t = now - t0;
            if (t < best * 0.99) lastGain = now;
            best = Math.min(best, t);
            if (now - start > 2_000_000_000L) break;
            if (now - start > 400_000_000L && now - lastGain > 150_000_000L) break;
        }
        sink = x;
        return (double) n / Math.max(1, best);
    }
}
