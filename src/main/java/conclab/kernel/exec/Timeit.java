package conclab.kernel.exec;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code %timeit}: times a piece of cell code by running it in a loop inside one call, so that the
 * kernel's per-snippet cost is not measured. Warms up, picks a loop count so one run lasts at least
 * {@value #TARGET_NANOS} ns, then reports the median time per loop over {@value #RUNS} runs with the
 * spread (min and max).
 */
public final class Timeit {

    static final long TARGET_NANOS = 200_000_000L;
    static final int RUNS = 7;
    /** Keeps results reachable so the JIT cannot drop the work. */
    private static volatile Object sink;

    private Timeit() {}

    /** Measures {@code body} and returns the report line. */
    public static String run(Callable<?> body) throws Exception {
        long loops = 1;
        while (true) {   // warm up while finding the loop count
            long t = time(body, loops);
            if (t >= TARGET_NANOS / 10 || loops >= 1L << 40) {
                loops = Math.max(1, (long) (loops * (double) TARGET_NANOS / Math.max(t, 1)));
                break;
            }
            loops *= 10;
        }
        double[] perLoop = new double[RUNS];
        for (int r = 0; r < RUNS; r++) perLoop[r] = (double) time(body, loops) / loops;
        Arrays.sort(perLoop);
        return conclab.text.Messages.get("kernel.timeit", human(perLoop[RUNS / 2]), String.valueOf(RUNS),
                conclab.text.Messages.format("%,d", loops), human(perLoop[0]), human(perLoop[RUNS - 1]));
    }

    private static long time(Callable<?> body, long loops) throws Exception {
        Object last = null;
        long t0 = System.nanoTime();
        for (long i = 0; i < loops; i++) last = body.call();
        long t = System.nanoTime() - t0;
        sink = last;
        return t;
    }

    static String human(double ns) {
        if (ns < 1_000) return conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", ns), "ns");
        if (ns < 1_000_000) return conclab.text.Messages.unit(conclab.text.Messages.format("%.2f", ns / 1e3), "µs");
        if (ns < 1_000_000_000) return conclab.text.Messages.unit(conclab.text.Messages.format("%.2f", ns / 1e6), "ms");
        return conclab.text.Messages.unit(conclab.text.Messages.format("%.2f", ns / 1e9), "s");
    }
}
