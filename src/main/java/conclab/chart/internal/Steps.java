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
        long[] s = starts.clone(), e = ends.clone();
        Arrays.sort(s);
        Arrays.sort(e);
        int n = s.length;
        boolean resample = 2L * n + 2 > maxPoints;
        int columns = Math.max(1, maxPoints);
        double colNanos = Math.max(1, t1 - t0) / (double) columns;
        double[] colMax = resample ? new double[columns] : null;
        double[] xs = resample ? null : new double[2 * n + 2];
        double[] ys = resample ? null : new double[2 * n + 2];
        int k = 0;
        if (!resample) { xs[0] = 0; ys[0] = 0; k = 1; }
        int i = 0, j = 0, open = 0;
        while (i < n || j < n) {
            long t = Math.min(i < n ? s[i] : Long.MAX_VALUE, j < n ? e[j] : Long.MAX_VALUE);
            // every change at the same instant at once: back-to-back intervals do not count twice
            while (j < n && e[j] == t) { j++; open--; }
            while (i < n && s[i] == t) { i++; open++; }
            if (resample) {
                int c = (int) Math.min(columns - 1, Math.max(0, (t - t0) / colNanos));
                colMax[c] = Math.max(colMax[c], open);
            } else {
                xs[k] = (t - t0) / 1e6;
                ys[k] = open;
                k++;
            }
        }
        if (resample) {
            // carry the count through columns without changes: a column's max is at least the count entering it
            double[] x = new double[columns + 1], y = new double[columns + 1];
            int ii = 0, jj = 0, level = 0;
            for (int c = 0; c < columns; c++) {
                long colEnd = t0 + (long) ((c + 1) * colNanos);
                double entering = level;
                while (ii < n && s[ii] < colEnd) { ii++; level++; }
                while (jj < n && e[jj] < colEnd) { jj++; level--; }
                x[c] = c * colNanos / 1e6;
                y[c] = Math.max(entering, colMax[c]);
            }
            x[columns] = (t1 - t0) / 1e6;
            y[columns] = level;
            return new Series(x, y);
        }
        xs[k] = (t1 - t0) / 1e6;
        ys[k] = open;
        k++;
        return new Series(Arrays.copyOf(xs, k), Arrays.copyOf(ys, k));
    }
}
