/**
 * What happened in a run: the {@link conclab.trace.Recorder} (spans per task and thread, counters,
 * markers; writers never wait), the immutable {@link conclab.trace.Trace} it produces with
 * {@link conclab.trace.Span}, {@link conclab.trace.CounterSample} and {@link conclab.trace.Marker},
 * the figures of a trace ({@link conclab.trace.Stats}) and fits of speedup against workers
 * ({@link conclab.trace.Scaling}). Charts draw traces; they live elsewhere. Start at {@link conclab.Lab}.
 *
 * <h2>Memory consistency</h2>
 * Actions of a thread before it closes a span happen-before the actions of a thread that reads that
 * span from a {@link conclab.trace.Recorder#snapshot()} or {@link conclab.trace.Recorder#stop()}.
 * Traces and statistics are immutable.
 */
package conclab.trace;
