package conclab.chart.internal;

import conclab.trace.Span;
import conclab.trace.SpanState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Lanes of a timeline and their slices, binned to a fixed number of columns (pixels, or characters).
 *
 * <p>Binning is what makes a million spans draw fast: each span adds its time, per state, to the columns
 * it overlaps, so the work is O(spans + lanes × columns) and what is drawn is O(lanes × columns) at most.
 * Adjacent columns with the same dominant state and about the same coverage merge into one slice.
 * A slice keeps the exact busy time of the spans in it, so what a lane shows sums to what it did.
 */
public final class Lanes {

    private Lanes() {}

    /**
     * A drawn run of columns in one lane.
     *
     * @param startNanos start, absolute nanoTime
     * @param endNanos   end, absolute nanoTime
     * @param state      the state taking most of the time in it
     * @param busyNanos  total span time inside it (all states)
     */
    public record Slice(long startNanos, long endNanos, SpanState state, long busyNanos) {
        /** Busy fraction of the slice, 0..1 (capped: overlapping spans in one lane may exceed 1). */
        public double coverage() {
            long len = endNanos - startNanos;
            return len <= 0 ? 1 : Math.min(1.0, (double) busyNanos / len);
        }
    }

    /** One lane: its name, total busy time, first start, slices in time order. */
    public record Lane(String name, long busyNanos, long firstStartNanos, List<Slice> slices) {}

    /** How lanes are ordered top to bottom. */
    public enum Order { FIRST_START, NAME }

    /** Orders names like a person would: "worker-2" before "worker-10". */
    public static final Comparator<String> NUMERIC_AWARE = Lanes::compareNumericAware;

    /** Groups spans by lane key, keeping each lane's first start, ordered as asked. */
    public static LinkedHashMap<String, List<Span>> group(List<Span> spans, Function<Span, String> key, Order order) {
        final class Acc {
            final List<Span> spans = new ArrayList<>();
            long first = Long.MAX_VALUE;
        }
        Map<String, Acc> by = new HashMap<>();
        String lastKey = null;
        Acc last = null;
        for (Span s : spans) {
            String k = key.apply(s);
            if (k == null) k = "?";
            // spans usually come in runs of one lane: skip the map lookup while the lane stays the same
            if (k != lastKey && !k.equals(lastKey)) {
                last = by.computeIfAbsent(k, x -> new Acc());
                lastKey = k;
            }
            last.spans.add(s);
            if (s.startNanos() < last.first) last.first = s.startNanos();
        }
        List<String> names = new ArrayList<>(by.keySet());
        Comparator<String> byName = NUMERIC_AWARE;
        names.sort(order == Order.NAME ? byName
                : Comparator.<String>comparingLong(n -> by.get(n).first).thenComparing(byName));
        LinkedHashMap<String, List<Span>> out = new LinkedHashMap<>();
        for (String n : names) out.put(n, by.get(n).spans);
        return out;
    }

    /* SpanState.values() copies its array on every call: once here, not once per column. */
    private static final SpanState[] STATES = SpanState.values();

    /** Bins one lane's spans into {@code columns} columns over {@code [t0, t1)} and merges them into slices. */
    public static Lane bin(String name, List<Span> spans, long t0, long t1, int columns) {
        if (columns < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.columns_lt1"));
        long range = Math.max(1, t1 - t0);
        double colNanos = (double) range / columns;
        int states = STATES.length;
        long[] acc = new long[columns * states];
        long busy = 0, first = Long.MAX_VALUE;
        for (Span s : spans) {
            long a = Math.max(s.startNanos(), t0), b = Math.min(s.endNanos(), t1);
            first = Math.min(first, s.startNanos());
            if (b <= a) continue; // outside the window, or an instant: no time to show
            busy += b - a;
            int st = s.state().ordinal();
            int c0 = column(a, t0, colNanos, columns), c1 = column(b - 1, t0, colNanos, columns);
            if (c0 == c1) {
                acc[c0 * states + st] += b - a;
                continue;
            }
            // one column of slack each side: the floor in column() and colStart() may disagree by one
            for (int c = Math.max(0, c0 - 1), end = Math.min(columns - 1, c1 + 1); c <= end; c++) {
                long cs = colStart(c, t0, colNanos), ce = colStart(c + 1, t0, colNanos);
                long part = Math.min(b, ce) - Math.max(a, cs);
                if (part > 0) acc[c * states + st] += part;
            }
        }
        // at most one slice per column, and no more than a start and an end per span
        List<Slice> slices = new ArrayList<>((int) Math.min(columns + 1L, 2L * spans.size() + 1));
        int runStart = -1, runBucket = -1;
        SpanState runState = null;
        long runBusy = 0;
        for (int c = 0; c <= columns; c++) {
            long total = 0;
            SpanState dom = null;
            int bucket = -1;
            if (c < columns) {
                long best = -1;
                for (int k = 0; k < states; k++) {
                    long v = acc[c * states + k];
                    total += v;
                    // ties go to the rarer, more telling state (enum order: RUNNING, WAITING, BLOCKED, HOLDING_LOCK)
                    if (v > 0 && v >= best) { best = v; dom = STATES[k]; }
                }
                if (total > 0) {
                    long len = colStart(c + 1, t0, colNanos) - colStart(c, t0, colNanos);
                    bucket = (int) Math.ceil(Math.min(1.0, (double) total / Math.max(1, len)) * 8);
                }
            }
            boolean extend = runState != null && dom == runState && bucket == runBucket;
            if (!extend && runState != null) {
                slices.add(new Slice(colStart(runStart, t0, colNanos), colStart(c, t0, colNanos), runState, runBusy));
                runState = null;
            }
            if (dom != null) {
                if (runState == null) { runStart = c; runState = dom; runBucket = bucket; runBusy = 0; }
                runBusy += total;
            }
        }
        return new Lane(name, busy, first == Long.MAX_VALUE ? t0 : first, java.util.Collections.unmodifiableList(slices));
    }

    private static int column(long t, long t0, double colNanos, int columns) {
        int c = (int) ((t - t0) / colNanos);
        return Math.max(0, Math.min(columns - 1, c));
    }

    private static long colStart(int c, long t0, double colNanos) {
        return t0 + (long) (c * colNanos);   // c ≥ 0: truncation is the floor, without Math.floor's call
    }

    private static int compareNumericAware(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i), cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i, sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", ""), nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int cmp = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (cmp != 0) return cmp;
            } else {
                if (ca != cb) return Character.compare(ca, cb);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
