package conclab.trace;

import java.util.List;
import java.util.Locale;

/**
 * Scalability models fitted to measured speedups: Amdahl's law and Gunther's Universal Scalability Law.
 *
 * <p>Both are fitted by least squares on their linearised form, as Gunther does: with {@code S(n)} the
 * speedup on {@code n} workers, {@code n/S(n) − 1 = σ(n−1) + κ·n(n−1)}; Amdahl is the case κ = 0 with
 * σ = s, the serial fraction. Parameters are kept in their meaningful ranges (0 ≤ s ≤ 1, σ ≥ 0, κ ≥ 0).
 * Every point counts, so pass each repetition's speedup, not only the medians.
 */
public final class Scaling {

    private Scaling() {}

    /** A measured speedup on {@code workers} workers. */
    public record Point(double workers, double speedup) {
        public Point {
            if (!(workers >= 1)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.workers_min1", workers));
            if (!(speedup > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.speedup_positive", speedup));
        }
    }

    /**
     * Amdahl's law {@code S(n) = 1 / (s + (1−s)/n)}.
     *
     * @param serialFraction s, the share of the work that cannot run in parallel, 0..1
     * @param rmse           root mean square error of the fitted speedups against the points
     */
    public record AmdahlFit(double serialFraction, double rmse) {
        /** Predicted speedup on {@code n} workers. */
        public double speedup(double n) {
            return 1.0 / (serialFraction + (1 - serialFraction) / n);
        }

        /** The limit as workers grow: {@code 1/s}. */
        public double limit() {
            return serialFraction == 0 ? Double.POSITIVE_INFINITY : 1 / serialFraction;
        }

        /** E.g. "Amdahl s=0.100". */
        public String label() {
            return conclab.text.Messages.format("Amdahl s=%.3f", serialFraction);
        }
    }

    /**
     * The Universal Scalability Law {@code S(n) = n / (1 + σ(n−1) + κ·n(n−1))}.
     *
     * @param sigma contention (the serial part, as Amdahl's s)
     * @param kappa coherency (the cost of workers keeping each other up to date): speedup falls past a peak
     * @param rmse  root mean square error of the fitted speedups against the points
     */
    public record UslFit(double sigma, double kappa, double rmse) {
        /** Predicted speedup on {@code n} workers. */
        public double speedup(double n) {
            return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
        }

        /** Workers at which speedup peaks, {@code sqrt((1−σ)/κ)}; infinite when κ = 0. */
        public double peakWorkers() {
            return kappa == 0 ? Double.POSITIVE_INFINITY : Math.sqrt((1 - sigma) / kappa);
        }

        /** E.g. "USL σ=0.050 κ=0.0010". */
        public String label() {
            return conclab.text.Messages.format("USL σ=%.3f κ=%.4f", sigma, kappa);
        }
    }

    /** Fits Amdahl's law. Needs at least one point with more than one worker. */
    public static AmdahlFit amdahl(List<Point> points) {
        double sxy = 0, sxx = 0;
        for (Point p : points) {
            double x = p.workers() - 1, y = p.workers() / p.speedup() - 1;
            sxy += x * y;
            sxx += x * x;
        }
        if (sxx == 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.scaling_point"));
        double s = clamp(sxy / sxx, 0, 1);
        AmdahlFit f = new AmdahlFit(s, 0);
        return new AmdahlFit(s, rmse(points, f::speedup));
    }

    /** Fits the Universal Scalability Law. Needs points at two or more worker counts above one. */
    public static UslFit usl(List<Point> points) {
        // normal equations of y = σ·a + κ·b with a = n−1, b = n(n−1), y = n/S − 1
        double aa = 0, ab = 0, bb = 0, ay = 0, by = 0;
        for (Point p : points) {
            double n = p.workers(), a = n - 1, b = n * (n - 1), y = n / p.speedup() - 1;
            aa += a * a; ab += a * b; bb += b * b; ay += a * y; by += b * y;
        }
        if (aa == 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.scaling_point"));
        double det = aa * bb - ab * ab;
        double sigma, kappa;
        if (Math.abs(det) <= 1e-12 * aa * bb) { // one worker count only: κ is not identifiable
            sigma = ay / aa;
            kappa = 0;
        } else {
            sigma = (ay * bb - by * ab) / det;
            kappa = (aa * by - ab * ay) / det;
        }
        if (kappa < 0) { kappa = 0; sigma = ay / aa; }
        if (sigma < 0) { sigma = 0; kappa = Math.max(0, by / bb); }
        sigma = clamp(sigma, 0, 1);
        UslFit f = new UslFit(sigma, kappa, 0);
        return new UslFit(sigma, kappa, rmse(points, f::speedup));
    }

    private static double rmse(List<Point> points, java.util.function.DoubleUnaryOperator model) {
        double ss = 0;
        for (Point p : points) {
            double d = model.applyAsDouble(p.workers()) - p.speedup();
            ss += d * d;
        }
        return Math.sqrt(ss / points.size());
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
