package conclab.trace;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Optional JDK Flight Recorder events on a recorder's timeline, as {@link Marker}s: garbage-collection
 * pauses ({@code "GC"}), virtual threads pinned to their carrier ({@code "pinned"}, with the JDK's reason as
 * detail, e.g. a class initialiser on the stack), contended monitor
 * entries ({@code "monitor"}) and long thread parks ({@code "park"}), each on the lane of its thread.
 * Streams in-process while open; {@link #close()} stops the stream and adds what it saw.
 * <pre>{@code
 * Recorder rec = Recorder.start("run");
 * try (var jfr = JfrMarkers.start(rec, Duration.ofMillis(1))) {
 *     strategy.run(work, 100, rec);
 * }
 * Trace t = rec.stop();     // t.markers() holds the JFR events
 * }</pre>
 * JFR's timestamps are wall-clock instants; they are mapped onto {@code System.nanoTime()} with an
 * offset taken at start, so markers are placed to within a fraction of a millisecond.
 */
public final class JfrMarkers implements AutoCloseable {

    /** Where markers go; null: into {@link #collected}, for {@link #addTo}. */
    private final Recorder recorder;
    /** Markers seen when there is no recorder; lock-free append by the stream's thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Marker> collected = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final RecordingStream stream;
    /** nanoTime minus epoch nanos at start; final, read by the stream's thread. */
    private final long offset;
    /** True once closed. Guarded by this. */
    private boolean closed;

    private JfrMarkers(Recorder recorder, Duration threshold) {
        this.recorder = recorder;
        Instant now = Instant.now();
        this.offset = System.nanoTime() - (now.getEpochSecond() * 1_000_000_000L + now.getNano());
        this.stream = new RecordingStream();
        stream.enable("jdk.GarbageCollection");
        stream.enable("jdk.VirtualThreadPinned").withThreshold(threshold);
        stream.enable("jdk.JavaMonitorEnter").withThreshold(threshold);
        stream.enable("jdk.ThreadPark").withThreshold(threshold);
        stream.onEvent("jdk.GarbageCollection", e -> add("GC", null, e, e.getString("name") + " (" + e.getString("cause") + ")"));
        stream.onEvent("jdk.VirtualThreadPinned", e -> add("pinned", e.getThread(), e,
                e.hasField("pinnedReason") && e.getString("pinnedReason") != null ? e.getString("pinnedReason") : ""));
        stream.onEvent("jdk.JavaMonitorEnter", e -> add("monitor", e.getThread(), e, String.valueOf(e.getClass("monitorClass") == null
                ? "" : e.getClass("monitorClass").getName())));
        stream.onEvent("jdk.ThreadPark", e -> add("park", e.getThread(), e, ""));
        stream.startAsync();
    }

    /** Streams JFR events of at least {@code threshold} (GC pauses: all) into {@code recorder} until closed. */
    public static JfrMarkers start(Recorder recorder, Duration threshold) {
        return new JfrMarkers(Objects.requireNonNull(recorder), threshold);
    }

    /**
     * Streams JFR events of at least {@code threshold} into a list of its own until closed; then
     * {@link #addTo} puts them on a trace. Starting the flight recorder takes a while (a second or more
     * the first time): start this before the run's recorder, so that the start-up is not in its wall time.
     * <pre>{@code
     * try (var jfr = JfrMarkers.start(Duration.ofMillis(10))) {
     *     Recorder rec = Recorder.start("run");
     *     strategy.run(work, 100, rec);
     *     Trace t = rec.stop();
     *     jfr.close();
     *     t = jfr.addTo(t);
     * }
     * }</pre>
     */
    public static JfrMarkers start(Duration threshold) {
        return new JfrMarkers(null, threshold);
    }

    /**
     * {@code trace} with the events this collected (after {@link #close()}) added as markers: those that
     * overlap the trace's time and belong to one of its lanes, or to no thread (GC pauses). Events of
     * threads that ran nothing of the trace (idle carrier threads parking, the thread that waited for the
     * run) are left out.
     */
    public Trace addTo(Trace trace) {
        java.util.Set<String> lanes = new java.util.HashSet<>();
        for (Span s : trace.spans()) lanes.add(s.lane());
        java.util.List<Marker> all = new java.util.ArrayList<>(trace.markers());
        for (Marker m : collected) {
            boolean inTime = m.atNanos() + m.durationNanos() >= trace.originNanos() && m.atNanos() <= trace.endNanos();
            if (inTime && (m.lane() == null || lanes.contains(m.lane()))) all.add(m);
        }
        return new Trace(trace.label(), trace.originNanos(), trace.endNanos(), trace.spans(), all, trace.counters(), trace.meta());
    }

    private void add(String kind, RecordedThread thread, RecordedEvent e, String detail) {
        Instant at = e.getStartTime();
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano() + offset;
        String lane = thread == null ? null : thread.getJavaName();
        if (lane != null && lane.startsWith("JFR ")) return; // the flight recorder's own threads
        if (thread != null && (lane == null || lane.isEmpty()) && thread.isVirtual()) {
            lane = "virtual #" + thread.getJavaThreadId(); // the name the recorder gives an unnamed virtual thread
        }
        Marker m = new Marker(kind, lane == null || lane.isEmpty() ? null : lane, nanos,
                Math.max(0, e.getDuration().toNanos()), detail);
        if (recorder != null) recorder.marker(m);
        else collected.add(m);
    }

    /** Stops streaming; events recorded before are delivered first. Closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            stream.stop();
        } finally {
            stream.close();
        }
    }
}
