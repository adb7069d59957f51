package conclab.task;

import conclab.sync.Gil;

import java.time.Duration;

/**
 * Busy computation of a given length, the body of {@link Work#cpu(Duration)}. The loop is a chain of
 * xorshift steps whose result is published, so the JIT can neither remove nor shorten it; it is
 * calibrated once per JVM (child JVMs of {@link Strategy#processes(int)} reuse the parent's; the fastest of several timed rounds, i.e. the speed of one core with nothing
 * else running) and then runs a fixed number of steps, so on a busy machine it takes longer in wall
 * time, which is what an experiment wants to see. On platform threads it goes further and computes
 * until the thread's own CPU clock has advanced by the duration, so neither other processes nor the
 * JIT's progress change how much CPU a task takes; virtual threads have no such clock and run the
 * calibrated number of steps. It checks for interruption every slice (20&nbsp;µs of steps, or
 * 100&nbsp;µs of CPU time), and, under a simulated {@link Gil}, offers the lock at the same points.
 */
public final class Cpu {

    private Cpu() {}

    /** Steps per slice between interruption checks is derived from this slice length. */
    private static final long SLICE_NANOS = 20_000;
    /** Slice between reads of the thread's CPU clock (a read costs ~0.3 µs). */
    private static final long CLOCK_SLICE_NANOS = 100_000;

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean CPU_CLOCK = cpuClock();

    private static boolean cpuClock() {
        try {
            return MX.isCurrentThreadCpuTimeSupported() && MX.isThreadCpuTimeEnabled()
                    && !Boolean.getBoolean("conclab.cpu.steps");
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

    /**
     * Computes for about {@code d} of one core's time.
     *
     * @throws InterruptedException if the thread is interrupted (checked every slice); the flag is cleared
     */
    public static void compute(Duration d) throws InterruptedException {
        compute(d.toNanos());
    }

    /** As {@link #compute(Duration)}, in nanoseconds. */
    public static void compute(long nanos) throws InterruptedException {
        if (CPU_CLOCK && !Thread.currentThread().isVirtual()) {
            long start = MX.getCurrentThreadCpuTime();
            if (start >= 0) {
                computeByCpuClock(start, nanos);
                return;
            }
        }
        computeBySteps(nanos);
    }

    /**
     * Platform threads: computes until the thread's CPU time has grown by {@code nanos}, in slices of
     * about 100 µs (the last one sized to the rest), so neither other processes nor the JIT's progress
     * change how much CPU time a task takes.
     */
    private static void computeByCpuClock(long start, long nanos) throws InterruptedException {
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

    /**
     * Computes the number of steps that takes one idle core about {@code d}, on any thread, with no CPU
     * clock: the same amount of work on a platform thread as on a virtual one (which {@link #compute}
     * does not promise: it measures platform threads by their CPU clock, and the calibration is taken
     * once, perhaps on a busy machine). For comparing kinds of threads on equal work.
     *
     * @throws InterruptedException if the thread is interrupted (checked every slice); the flag is cleared
     */
    public static void computeSteps(Duration d) throws InterruptedException {
        computeBySteps(d.toNanos());
    }

    /** Virtual threads (no per-thread CPU clock): a fixed number of calibrated steps. */
    private static void computeBySteps(long nanos) throws InterruptedException {
        double rate = stepsPerNano();
        long steps = (long) (nanos * rate);
        long slice = Math.max(1, (long) (SLICE_NANOS * rate));
        long x = System.nanoTime() | 1;
        while (steps > 0) {
            long n = Math.min(slice, steps);
            x = burn(x, n);
            steps -= n;
            if (Thread.interrupted()) {
                sink = x;
                throw new InterruptedException("cpu work interrupted");
            }
            Gil.checkpoint();
        }
        sink = x;
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
