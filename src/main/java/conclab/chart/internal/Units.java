package conclab.chart.internal;

import java.util.concurrent.TimeUnit;

/** Picks a readable time unit for values and converts to it. */
public final class Units {

    private Units() {}

    /** A display unit: its symbol and how many nanoseconds one of it is. */
    public record Unit(String symbol, double nanos) {
        public double of(double value, TimeUnit recorded) {
            return value * recorded.toNanos(1) / nanos;
        }
    }

    public static final Unit NS = new Unit("ns", 1), US = new Unit("µs", 1e3), MS = new Unit("ms", 1e6), S = new Unit("s", 1e9);

    /** The unit in which {@code typical} (recorded in {@code recorded}) reads between 1 and 1000. */
    public static Unit pick(double typical, TimeUnit recorded) {
        double ns = typical * recorded.toNanos(1);
        if (ns >= 1e9) return S;
        if (ns >= 1e6) return MS;
        if (ns >= 1e3) return US;
        return NS;
    }
}
