package conclab.task;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * Moments at which something happened, set against the schedule it was meant to follow. Load tests use
 * it to tell whether requests were sent on schedule: due times written as a schedule ({@link #evenly}),
 * and no request sent before it was due ({@link #ahead}), the moments of sending recorded by the caller
 * itself rather than reported by the code under test.
 *
 * <pre>{@code
 * var sent = new ConcurrentLinkedQueue<Long>();      // System.nanoTime() at each real send
 * ... run the load, which reports the due time of each request ...
 * Schedule.evenly(dues, 10_000_000);                  // one due every 10 ms
 * Schedule.ahead(sent, dues);                         // how many went out before their due time
 * }</pre>
 */
public final class Schedule {

    private Schedule() {}

    /**
     * True when {@code times} (nanoTime values, in any order) are exactly one {@code intervalNanos}
     * apart in time order, within a millisecond: a schedule as written, not as it happened.
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

    /**
     * How many sends happened more than a millisecond before their due time, pairing the i-th send with
     * the i-th due time in time order (when every request is sent at or after its own due time, the i-th
     * send in time order is too). Counts the missing ones as well when the two differ in number.
     */
    public static long ahead(Collection<Long> sends, long[] dues) {
        long[] s = Objects.requireNonNull(sends, "sends").stream().mapToLong(Long::longValue).sorted().toArray();
        long[] d = dues.clone();
        Arrays.sort(d);
        int n = Math.min(s.length, d.length);
        long early = Math.abs(s.length - d.length);
        for (int i = 0; i < n; i++) if (s[i] < d[i] - 1_000_000) early++;
        return early;
    }
}
