package conclab.trace;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable record of what happened in one run: spans per task and thread, markers, counters.
 * Produced by the recorder, read by statistics and charts. Lists are in no particular order.
 *
 * @param label       what ran, e.g. {@code "platform(2)"}
 * @param originNanos time zero of the run, {@code System.nanoTime()}
 * @param endNanos    end of the run, {@code System.nanoTime()}
 * @param spans       every span
 * @param markers     every marker
 * @param counters    every counter sample
 * @param meta        facts about the run worth printing in a title: {@code jdk}, {@code cores}, ...
 */
public record Trace(String label, long originNanos, long endNanos, List<Span> spans, List<Marker> markers,
                    List<CounterSample> counters, Map<String, String> meta) {

    public Trace {
        Objects.requireNonNull(label, "label");
        spans = List.copyOf(spans);
        markers = List.copyOf(markers);
        counters = List.copyOf(counters);
        meta = Map.copyOf(meta);
    }

    /** Wall time of the run in nanoseconds. */
    public long makespanNanos() {
        return endNanos - originNanos;
    }
}
