package conclab.task.internal;

import java.util.function.Predicate;

/**
 * How a thread waits, read from its state and stack as the JVM reports them: what the checks' probes ask of
 * the code under test (has it ended, or does it wait for other threads, rather than sleep or spin?).
 */
public final class Waits {

    private Waits() {}

    /** Whether {@code f} is a frame of {@code Thread.sleep}. */
    private static boolean isSleep(StackTraceElement f) {
        return f.getClassName().equals("java.lang.Thread") && f.getMethodName().startsWith("sleep");
    }

    /** Whether {@code t} is in {@code Thread.sleep} now. */
    public static boolean sleeping(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) if (isSleep(f)) return true;
        return false;
    }

    /**
     * Whether {@code t} has ended, or waits for other threads: WAITING or TIMED_WAITING, but neither asleep
     * ({@code Thread.sleep} waits for nobody) nor in a frame {@code notForOthers} names (a wait the caller
     * does not count, e.g. for room in a queue). The state is read again after the stack: a thread that woke
     * while its stack was read is not waiting.
     */
    public static boolean forOthers(Thread t, Predicate<StackTraceElement> notForOthers) {
        Thread.State st = t.getState();
        if (st == Thread.State.TERMINATED) return true;
        if (st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) return false;
        for (StackTraceElement f : t.getStackTrace()) {
            if (isSleep(f) || notForOthers.test(f)) return false;
        }
        st = t.getState();
        return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING || st == Thread.State.TERMINATED;
    }
}
