package conclab.chart.internal;

import java.util.Arrays;

/** Step functions over time from intervals, resampled to a bounded number of points. */
public final class Steps {

    private Steps() {}

    /** x in milliseconds since t0, y the value from that x until the next. */
    public record Series(double[] xMs, double[] y) {
        public double max() {
            return Arrays.stream(y).max().orElse(0);
        }
    }

    /**
     * How many intervals {@code [starts[i], ends[i])} are open over time, from {@code t0} to {@code t1}.
     * With more changes than {@code maxPoints}, time is cut into {@code maxPoints} columns and each shows
     * the highest count reached in it, so peaks stay visible.
     */
    public static Series count(long[] starts, long[] ends, long t0, long t1, int maxPoints) {
        int n = starts.length;
        if (2L * n + 2 > maxPoints) return countColumns(starts, ends, t0, t1, Math.max(1, maxPoints));
        long[] s = starts.clone(), e = ends.clone();
        Arrays.sort(s);
        Arrays.sort(e);
        double[] xs = new double[2 * n + 2], ys = new double[2 * n + 2];
        int k = 1, i = 0, j = 0, open = 0;
        while (i < n || j < n) {
            long t = Math.min(i < n ? s[i] : Long.MAX_VALUE, j < n ? e[j] : Long.MAX_VALUE);
            // every change at the same instant at once: back-to-back intervals do not count twice
            while (j < n && e[j] == t) { j++; open--; }
            while (i < n && s[i] == t) { i++; open++; }
            xs[k] = (t - t0) / 1e6;
            ys[k] = open;
            k++;
        }
        xs[k] = (t1 - t0) / 1e6;
        ys[k] = open;
        k++;
        return new Series(Arrays.copyOf(xs, k), Arrays.copyOf(ys, k));
    }

    /*
     * Resampled: events are bucketed by column (a counting sort, O(n)), then sorted within each column
     * only, and walked column by column: the same order as a full sort, at a fraction of its cost.
     */
    private static Series countColumns(long[] starts, long[] ends, long t0, long t1, int columns) {
        double colNanos = Math.max(1, t1 - t0) / (double) columns;
        long[] s = bucket(starts, t0, colNanos, columns), e = bucket(ends, t0, colNanos, columns);
        int[] so = offsets(starts, t0, colNanos, columns), eo = offsets(ends, t0, colNanos, columns);
        double[] x = new double[columns + 1], y = new double[columns + 1];
        int open = 0;
        for (int c = 0; c < columns; c++) {
            int i = so[c], iEnd = so[c + 1], j = eo[c], jEnd = eo[c + 1];
            Arrays.sort(s, i, iEnd);
            Arrays.sort(e, j, jEnd);
            double max = open; // the count entering the column
            while (i < iEnd || j < jEnd) {
                long t = Math.min(i < iEnd ? s[i] : Long.MAX_VALUE, j < jEnd ? e[j] : Long.MAX_VALUE);
                while (j < jEnd && e[j] == t) { j++; open--; }
                while (i < iEnd && s[i] == t) { i++; open++; }
                max = Math.max(max, open);
            }
            x[c] = c * colNanos / 1e6;
            y[c] = max;
        }
        x[columns] = (t1 - t0) / 1e6;
        y[columns] = open;
        return new Series(x, y);
    }

    private static int column(long t, long t0, double colNanos, int columns) {
        return (int) Math.max(0, Math.min(columns - 1, (t - t0) / colNanos));
    }

    private static int[] offsets(long[] times, long t0, double colNanos, int columns) {
        int[] off = new int[columns + 1];
        for (long t : times) off[column(t, t0, colNanos, columns) + 1]++;
        for (int c = 0; c < columns; c++) off[c + 1] += off[c];
        return off;
    }

    private static long[] bucket(long[] times, long t0, double colNanos, int columns) {
        int[] next = offsets(times, t0, colNanos, columns);
        long[] out = new long[times.length];
        for (long t : times) out[next[column(t, t0, colNanos, columns)]++] = t;
        return out;
    }
}
