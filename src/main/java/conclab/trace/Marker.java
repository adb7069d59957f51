package conclab.trace;

import java.util.Objects;

/**
 * A point or short interval of interest on a timeline: a GC pause, a virtual thread pinned, a lock
 * contended, a user's note.
 *
 * @param kind          short label, e.g. {@code "GC"}, {@code "pinned"}
 * @param lane          the lane it belongs to, or null for the whole chart
 * @param atNanos       when, {@code System.nanoTime()}
 * @param durationNanos how long, 0 for an instant
 * @param detail        free text shown on demand, may be empty
 */
public record Marker(String kind, String lane, long atNanos, long durationNanos, String detail) {

    public Marker {
        Objects.requireNonNull(kind, "kind");
        if (durationNanos < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.duration_negative"));
        detail = detail == null ? "" : detail;
    }
}
