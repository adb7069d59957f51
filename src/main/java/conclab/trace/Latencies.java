package conclab.trace;

import conclab.spi.Displayable;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Latencies from any number of threads into an HdrHistogram (3 significant digits), for percentiles.
 * Recording never waits (HdrHistogram's {@link Recorder}); readers take what was recorded so far.
 *
 * <p>Open-loop load (requests due at a fixed rate whatever happens) must not forget the requests that
 * a stall delayed: measure from the time a request was <em>due</em>, or, when only the service time is
 * known, record with {@link #record(long, long) the expected interval} so the histogram adds the
 * requests a stall kept from being sent (HdrHistogram's coordinated-omission correction).
 */
public final class Latencies implements Displayable {

    private final Recorder recorder = new Recorder(3);
    /** Everything read so far. Guarded by this. */
    private final Histogram total = new Histogram(3);

    /** Records one latency in nanoseconds. Never blocks. */
    public void record(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /**
     * Records one latency of a load expected every {@code expectedIntervalNanos}: a latency of k
     * intervals also records the k-1 requests that would have been sent meanwhile. Never blocks.
     */
    public void record(long nanos, long expectedIntervalNanos) {
        recorder.recordValueWithExpectedInterval(Math.max(0, nanos), expectedIntervalNanos);
    }

    /** A copy of everything recorded so far. */
    public synchronized Histogram histogram() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    /** The percentiles of everything recorded so far. */
    public Stats.Latency percentiles() {
        return Stats.Latency.of(histogram());
    }

    private static final List<String> HEADER = List.of("count", "mean", "p50", "p90", "p99", "max");

    private List<String> row() {
        Stats.Latency l = percentiles();
        return List.of(Long.toString(l.count()), Format.millis((long) l.mean()), Format.millis(l.p50()),
                Format.millis(l.p90()), Format.millis(l.p99()), Format.millis(l.max()));
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        List<List<String>> rows = List.of(row());
        Map<String, Object> m = new LinkedHashMap<>();
        if (accepted.contains(HTML)) m.put(HTML, Format.html(HEADER, rows));
        m.put(PLAIN, Format.text(HEADER, rows));
        return m;
    }

    @Override
    public String toString() {
        return Format.text(HEADER, List.of(row()));
    }
}
