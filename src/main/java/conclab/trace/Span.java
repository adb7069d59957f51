package conclab.trace;

import java.util.Objects;

/**
 * One interval of one task on one thread, in a given state. Times are {@link System#nanoTime()}
 * values; charts show them relative to {@link Trace#originNanos()}.
 *
 * @param task       the task's label (e.g. {@code "task 3"}); never null
 * @param taskId     a number unique per task in one trace, or -1 when the span belongs to no task
 * @param lane       the lane the span is drawn in: the thread's name, or a worker's name
 * @param threadId   {@link Thread#threadId()} of the thread that ran it
 * @param carrier    for a virtual thread, the name of its carrier thread when known, else null
 * @param startNanos start, {@code System.nanoTime()}
 * @param endNanos   end, {@code System.nanoTime()}, not before {@code startNanos}
 * @param state      what the thread was doing
 */
public record Span(String task, long taskId, String lane, long threadId, String carrier,
                   long startNanos, long endNanos, SpanState state) {

    public Span {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(state, "state");
        if (endNanos < startNanos) {
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.span_order_values", startNanos, endNanos));
        }
    }

    /** Length in nanoseconds. */
    public long durationNanos() {
        return endNanos - startNanos;
    }
}
