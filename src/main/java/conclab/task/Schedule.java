package conclab.task;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * Moments at which something happened, set against the grid it was meant to follow: one event every
 * {@code interval} nanoseconds. Load tests use it to tell whether requests were really sent on schedule
 * (an open loop) or whenever the client got round to it (a closed loop, whose sends fall behind while
 * the server stalls: coordinated omission).
 *
 * <pre>{@code
 * var sent = new ConcurrentLinkedQueue<Long>();      // System.nanoTime() at each real send
 * ... run the load ...
 * Schedule s = Schedule.of(sent, 5_000_000);          // one send every 5 ms was intended
 * s.late(75_000_000);                                 // how many went out more than 75 ms late
 * }</pre>
 *
 * <p>The grid is placed as early as the events allow: the i-th event in time order is compared with
 * {@code origin + i × interval}, where {@code origin} is the latest start for which no event is early.
 * Events sent all at once, ahead of the grid, therefore show as late ones further down it. Immutable.
 */
public final class Schedule {

    private final long[] lateness;

    private Schedule(long[] lateness) {
        this.lateness = lateness;
    }

    /**
     * The moments {@code times} (nanoTime values, in any order) against a grid of one event every
     * {@code intervalNanos}.
     */
    public static Schedule of(Collection<Long> times, long intervalNanos) {
        if (intervalNanos <= 0) throw new IllegalArgumentException("interval <= 0");
        long[] t = Objects.requireNonNull(times, "times").stream().mapToLong(Long::longValue).sorted().toArray();
        long origin = Long.MAX_VALUE;
        for (int i = 0; i < t.length; i++) origin = Math.min(origin, t[i] - i * intervalNanos);
        long[] late = new long[t.length];
        for (int i = 0; i < t.length; i++) late[i] = t[i] - i * intervalNanos - origin;
        return new Schedule(late);
    }

    /**
     * True when {@code times} (nanoTime values) are exactly one {@code intervalNanos} apart in time
     * order, within a millisecond: a schedule as written, not as it happened.
     */
    public static boolean evenly(long[] times, long intervalNanos) {
        if (times.length == 0) return false;
        long[] t = times.clone();
        Arrays.sort(t);
        for (int i = 0; i < t.length; i++) {
            if (Math.abs(t[i] - t[0] - i * intervalNanos) > 1_000_000) return false;
        }
        return true;
    }

    /** How many events there were. */
    public int count() {
        return lateness.length;
    }

    /** How many events happened more than {@code thresholdNanos} after their place on the grid. */
    public long late(long thresholdNanos) {
        return Arrays.stream(lateness).filter(l -> l > thresholdNanos).count();
    }

    /** The latest any event was, in nanoseconds (0 without events). */
    public long maxLateness() {
        return Arrays.stream(lateness).max().orElse(0);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Schedule[%d events, %d over 50 ms late, latest %.1f ms]",
                count(), late(50_000_000), maxLateness() / 1e6);
    }
}
