package conclab.chart;

import conclab.trace.Scaling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Measured times of one strategy against the number of workers, several repetitions each: the input of
 * a {@link SpeedupChart}. Immutable; {@link #with} returns a new series.
 *
 * <pre>{@code
 * var pool = SpeedupSeries.of("fixed pool")
 *         .with(1, 0.82, 0.80, 0.81).with(2, 0.42, 0.43, 0.41).with(4, 0.40, 0.44, 0.42);
 * pool.amdahl().serialFraction();
 * }</pre>
 *
 * @param label           the strategy, shown in the legend
 * @param seconds         seconds per repetition, by worker count
 * @param baselineSeconds the time speedups are relative to; NaN means the median time on one worker
 */
public record SpeedupSeries(String label, SortedMap<Integer, List<Double>> seconds, double baselineSeconds) {

    public SpeedupSeries {
        Objects.requireNonNull(label, "label");
        TreeMap<Integer, List<Double>> copy = new TreeMap<>();
        for (Map.Entry<Integer, List<Double>> e : seconds.entrySet()) {
            if (e.getKey() < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.workers_min1", e.getKey()));
            for (double s : e.getValue()) if (!(s > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.seconds_positive", s));
            if (!e.getValue().isEmpty()) copy.put(e.getKey(), List.copyOf(e.getValue()));
        }
        seconds = Collections.unmodifiableSortedMap(copy);
    }

    /** An empty series. */
    public static SpeedupSeries of(String label) {
        return new SpeedupSeries(label, new TreeMap<>(), Double.NaN);
    }

    /** This series with {@code seconds} (one value per repetition) added for {@code workers}. */
    public SpeedupSeries with(int workers, double... seconds) {
        TreeMap<Integer, List<Double>> m = new TreeMap<>(this.seconds);
        List<Double> l = new ArrayList<>(m.getOrDefault(workers, List.of()));
        for (double s : seconds) l.add(s);
        m.put(workers, l);
        return new SpeedupSeries(label, m, baselineSeconds);
    }

    /** This series with speedups relative to {@code seconds} (e.g. the sequential strategy's median). */
    public SpeedupSeries withBaseline(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.baseline_positive"));
        return new SpeedupSeries(label, this.seconds, seconds);
    }

    /** The time speedups are relative to: as given, else the median on one worker. */
    public double baseline() {
        if (!Double.isNaN(baselineSeconds)) return baselineSeconds;
        List<Double> one = seconds.get(1);
        if (one == null) throw new IllegalStateException(label + ": no time on 1 worker; give a baseline with withBaseline()");
        return median(one);
    }

    /** Speedup of every repetition, by worker count. */
    public SortedMap<Integer, double[]> speedups() {
        double b = baseline();
        TreeMap<Integer, double[]> out = new TreeMap<>();
        seconds.forEach((n, l) -> out.put(n, l.stream().mapToDouble(s -> b / s).toArray()));
        return out;
    }

    /** Every repetition's speedup as a point, for the fits. */
    public List<Scaling.Point> points() {
        List<Scaling.Point> out = new ArrayList<>();
        speedups().forEach((n, v) -> { for (double s : v) out.add(new Scaling.Point(n, s)); });
        return out;
    }

    /** Amdahl's law fitted to every repetition. */
    public Scaling.AmdahlFit amdahl() {
        return Scaling.amdahl(points());
    }

    /** The Universal Scalability Law fitted to every repetition. */
    public Scaling.UslFit usl() {
        return Scaling.usl(points());
    }

    /** The largest number of repetitions at any worker count. */
    public int repetitions() {
        return seconds.values().stream().mapToInt(List::size).max().orElse(0);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return median(v);
    }

    static double median(double[] sorted) {
        double[] v = sorted.clone();
        Arrays.sort(v);
        int n = v.length;
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
