package conclab.task;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The size of each task of a workload, as a duration: fixed, or skewed (Zipf, exponential, uniform).
 * Skewed sizes are seeded and depend only on the seed and the task's index, so a run and its repeat
 * (and every strategy of an experiment) get the same sizes in any order of execution.
 */
@FunctionalInterface
public interface Sizes {

    /** Size of task {@code task} (0-based). */
    Duration of(int task);

    /** A short description for labels, e.g. {@code "zipf(1 ms, 50, 1.1)"}. */
    default String describe() {
        return "sizes";
    }

    /**
     * A text from which {@link #parse(String)} rebuilds these sizes in another JVM, or null when they
     * cannot be sent (sizes of one's own). Library sizes have one.
     */
    default String spec() {
        return null;
    }

    /** Sizes from a {@link #spec()}. */
    static Sizes parse(String spec) {
        String[] p = spec.split(":");
        try {
            return switch (p[0]) {
                case "fixed" -> fixed(Duration.ofNanos(Long.parseLong(p[1])));
                case "zipf" -> zipf(Duration.ofNanos(Long.parseLong(p[1])), Integer.parseInt(p[2]),
                        Double.parseDouble(p[3]), Long.parseLong(p[4]));
                case "exp" -> exponential(Duration.ofNanos(Long.parseLong(p[1])), Long.parseLong(p[2]));
                case "uniform" -> uniform(Duration.ofNanos(Long.parseLong(p[1])), Duration.ofNanos(Long.parseLong(p[2])),
                        Long.parseLong(p[3]));
                default -> throw new IllegalArgumentException("unknown sizes: " + spec);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad sizes spec '" + spec + "'", e);
        }
    }

    /** Sizes of tasks 0..n-1 in nanoseconds. */
    default long[] nanos(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = of(i).toNanos();
        return a;
    }

    /** Every task has size {@code d}. */
    static Sizes fixed(Duration d) {
        return new Sizes() {
            public Duration of(int task) { return d; }
            public String describe() { return conclab.trace.Format.millis(d.toNanos()); }
            public String spec() { return "fixed:" + d.toNanos(); }
        };
    }

    /**
     * Zipf-distributed sizes: {@code unit × k} where k in 1..{@code max} has probability proportional
     * to {@code 1 / k^exponent}. Many small tasks and a few large ones.
     */
    static Sizes zipf(Duration unit, int max, double exponent, long seed) {
        if (max < 1 || exponent <= 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.sizes_zipf"));
        double[] cdf = new double[max];
        double sum = 0;
        for (int k = 1; k <= max; k++) cdf[k - 1] = sum += 1 / Math.pow(k, exponent);
        for (int k = 0; k < max; k++) cdf[k] /= sum;
        long u = unit.toNanos();
        return new Sizes() {
            public Duration of(int task) {
                double r = random(seed, task).nextDouble();
                int i = Arrays.binarySearch(cdf, r);
                int k = (i >= 0 ? i : -i - 1) + 1;
                return Duration.ofNanos(u * Math.min(k, max));
            }
            public String describe() {
                return "zipf(" + conclab.trace.Format.millis(u) + ", " + max + ", " + exponent + ")";
            }
            public String spec() { return "zipf:" + u + ":" + max + ":" + exponent + ":" + seed; }
        };
    }

    /** Exponentially distributed sizes with the given mean. */
    static Sizes exponential(Duration mean, long seed) {
        long m = mean.toNanos();
        return new Sizes() {
            public Duration of(int task) {
                double r = random(seed, task).nextDouble();
                return Duration.ofNanos((long) (-Math.log(1 - r) * m));
            }
            public String describe() { return "exp(" + conclab.trace.Format.millis(m) + ")"; }
            public String spec() { return "exp:" + m + ":" + seed; }
        };
    }

    /** Uniform sizes in [{@code min}, {@code max}). */
    static Sizes uniform(Duration min, Duration max, long seed) {
        long lo = min.toNanos(), hi = max.toNanos();
        if (hi <= lo) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.sizes_max_min"));
        return new Sizes() {
            public Duration of(int task) { return Duration.ofNanos(random(seed, task).nextLong(lo, hi)); }
            public String describe() {
                return "uniform(" + conclab.trace.Format.millis(lo) + ".." + conclab.trace.Format.millis(hi) + ")";
            }
            public String spec() { return "uniform:" + lo + ":" + hi + ":" + seed; }
        };
    }

    /** The random source of one task: depends on the seed and the index only. */
    private static SplittableRandom random(long seed, int task) {
        long z = seed + 0x9E3779B97F4A7C15L * (task + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }
}
