package conclab.trace;

/**
 * Fits of speedup against workers: Amdahl's law and the Universal Scalability Law (USL), by least
 * squares on their linearised forms. Values only; charts draw them.
 *
 * <p>Amdahl: {@code S(n) = 1 / (s + (1 - s) / n)}, with {@code s} the serial fraction.
 * USL: {@code S(n) = n / (1 + σ (n - 1) + κ n (n - 1))}, with {@code σ} contention and {@code κ}
 * coherence (crosstalk) costs; {@code κ > 0} means that adding workers eventually slows the run down.
 */
public final class Scaling {

    private Scaling() {}

    /** Amdahl's law with serial fraction {@code serial} in [0, 1]. */
    public record Amdahl(double serial) {
        /** Predicted speedup on {@code n} workers. */
        public double speedup(double n) {
            return 1 / (serial + (1 - serial) / n);
        }

        /** The limit as workers grow: 1 / serial. */
        public double limit() {
            return serial == 0 ? Double.POSITIVE_INFINITY : 1 / serial;
        }
    }

    /** The Universal Scalability Law with contention {@code sigma} and coherence {@code kappa}. */
    public record Usl(double sigma, double kappa) {
        /** Predicted speedup on {@code n} workers. */
        public double speedup(double n) {
            return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
        }

        /** Workers at which speedup peaks: sqrt((1 - σ) / κ); infinite when κ = 0. */
        public double peakWorkers() {
            return kappa <= 0 ? Double.POSITIVE_INFINITY : Math.sqrt((1 - sigma) / kappa);
        }
    }

    /**
     * Fits Amdahl's law: with {@code y = 1/S - 1/n} and {@code x = 1 - 1/n}, {@code y = s x}.
     * Points with one worker carry no information and are skipped; the result is clamped to [0, 1].
     */
    public static Amdahl amdahl(double[] workers, double[] speedups) {
        check(workers, speedups);
        double sxy = 0, sxx = 0;
        for (int i = 0; i < workers.length; i++) {
            double n = workers[i], x = 1 - 1 / n, y = 1 / speedups[i] - 1 / n;
            sxy += x * y;
            sxx += x * x;
        }
        double s = sxx == 0 ? 0 : sxy / sxx;
        return new Amdahl(Math.min(1, Math.max(0, s)));
    }

    /**
     * Fits the USL: with {@code y = n/S - 1}, {@code y = σ (n - 1) + κ n (n - 1)}, a linear least-squares
     * problem in (σ, κ) without intercept. Both are clamped at 0 (re-fitting the other alone).
     */
    public static Usl usl(double[] workers, double[] speedups) {
        check(workers, speedups);
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        for (int i = 0; i < workers.length; i++) {
            double n = workers[i], u = n - 1, v = n * (n - 1), y = n / speedups[i] - 1;
            a11 += u * u;
            a12 += u * v;
            a22 += v * v;
            b1 += u * y;
            b2 += v * y;
        }
        double det = a11 * a22 - a12 * a12;
        double sigma, kappa;
        if (Math.abs(det) < 1e-12) {
            sigma = a11 == 0 ? 0 : b1 / a11;
            kappa = 0;
        } else {
            sigma = (b1 * a22 - b2 * a12) / det;
            kappa = (a11 * b2 - a12 * b1) / det;
        }
        if (sigma < 0) {
            sigma = 0;
            kappa = a22 == 0 ? 0 : b2 / a22;
        }
        if (kappa < 0) {
            kappa = 0;
            sigma = a11 == 0 ? 0 : Math.max(0, b1 / a11);
        }
        return new Usl(sigma, kappa);
    }

    private static void check(double[] workers, double[] speedups) {
        if (workers.length != speedups.length) throw new IllegalArgumentException("lengths differ");
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] < 1 || speedups[i] <= 0) throw new IllegalArgumentException("need workers >= 1, speedup > 0");
        }
    }
}
