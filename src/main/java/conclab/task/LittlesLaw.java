package conclab.task;

import conclab.spi.Displayable;
import conclab.trace.CounterSample;
import conclab.trace.Format;
import conclab.trace.Span;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Little's law, L = λW, checked against a count that does not use it. An open {@link Load} measures
 * λ (requests completed per second) and W (how long each request spent at the server, from the spans
 * of its worker: from the worker picking it up to its answer); the server counts the requests it is
 * serving ({@link LoopbackServer#recordInto}), and the time-average of that count is L, measured by
 * another party on other threads. Their ratio is near 1 when the law holds at that boundary.
 *
 * <pre>{@code
 * var counted = Recorder.start("db");
 * db.recordInto(counted);
 * var r = Load.open(Work.io(db), 100, Duration.ofMillis(800)).workers(6).run();
 * db.recordInto(null);
 * var l = LittlesLaw.of(r, counted.stop(), "requests in flight");
 * l.predicted();   // λW ≈ 100 × 0.050 = 5
 * l.measured();    // the server's own mean count ≈ 5
 * }</pre>
 *
 * The user's latency (from when a request was due to its answer) also counts the time it waited in the
 * client's pool queue, which the server never sees: λ × that latency is the mean number of requests in
 * the whole system, pool queue included ({@link #inSystem()}).
 *
 * @param throughput     λ: requests completed per second (the load's own count)
 * @param atServerNanos  W: mean time a worker spent on a request, nanoseconds
 * @param measured       L measured: time-average of the server's count over the load's run
 * @param latencyNanos   mean latency seen by users (from due time), nanoseconds
 */
public record LittlesLaw(double throughput, double atServerNanos, double measured, double latencyNanos)
        implements Displayable {

    /** λW: the mean number of requests at the server that the law predicts. */
    public double predicted() {
        return throughput * atServerNanos / 1e9;
    }

    /** Measured ÷ predicted. */
    public double ratio() {
        return predicted() == 0 ? Double.NaN : measured / predicted();
    }

    /** λ × user latency: the mean number of requests in the whole system, waiting in the pool included. */
    public double inSystem() {
        return throughput * latencyNanos / 1e9;
    }

    /**
     * The law checked on {@code run}, against the counter {@code counter} that the server recorded in
     * {@code counted} while the load ran (and only then: other requests would count too).
     */
    public static LittlesLaw of(Load.Result run, Trace counted, String counter) {
        Map<Long, long[]> extent = new HashMap<>();
        for (Span s : run.trace().spans()) {
            if (s.taskId() < 0) continue;
            extent.merge(s.taskId(), new long[]{s.startNanos(), s.endNanos()},
                    (a, b) -> new long[]{Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        double atServer = extent.values().stream().mapToLong(e -> e[1] - e[0]).average().orElse(0);
        double elapsed = run.elapsedNanos();
        double measured = elapsed <= 0 ? 0 : integral(counted, counter) / elapsed;
        return new LittlesLaw(run.throughput(), atServer, measured, run.meanLatencyNanos());
    }

    /** ∫ value dt of a counter's step function, from its first sample to the trace's end, in value × ns. */
    static double integral(Trace trace, String counter) {
        List<CounterSample> samples = new ArrayList<>();
        for (CounterSample c : trace.counters()) if (c.name().equals(counter)) samples.add(c);
        samples.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
        double sum = 0;
        for (int i = 0; i < samples.size(); i++) {
            long until = i + 1 < samples.size() ? samples.get(i + 1).atNanos() : trace.endNanos();
            sum += samples.get(i).value() * Math.max(0, until - samples.get(i).atNanos());
        }
        return sum;
    }

    private static final List<String> HEADER = List.of("run", "throughput λ", "W: a worker's time per request",
            "λW (the law)", "server's own count (mean)", "count ÷ λW", "user latency", "λ × user latency");

    private List<String> row() {
        return List.of(conclab.text.Messages.format("%.1f/s", throughput), Format.millis((long) atServerNanos),
                conclab.text.Messages.format("%.2f", predicted()), conclab.text.Messages.format("%.2f", measured),
                conclab.text.Messages.format("%.2f", ratio()), Format.millis((long) latencyNanos),
                conclab.text.Messages.format("%.2f", inSystem()));
    }

    /** Several checks in one table, a row per entry in the map's order, the key in the first column. */
    public static Displayable table(Map<String, LittlesLaw> runs) {
        List<List<String>> rows = new ArrayList<>();
        runs.forEach((k, l) -> {
            List<String> r = new ArrayList<>(List.of(k));
            r.addAll(l.row());
            rows.add(r);
        });
        return conclab.spi.Mime.of(HTML, Format.html(HEADER, rows), Format.text(HEADER, rows));
    }

    @Override
    public Map<String, Object> mimeBundle(java.util.Set<String> accepted) {
        return table(Map.of("load", this)).mimeBundle(accepted);
    }
}
