package conclab.trace;

import java.util.Objects;

/**
 * One value of a counter over time: tasks running, queue depth, heap used, permits taken.
 *
 * @param name    the counter, e.g. {@code "queue depth"}
 * @param atNanos when, {@code System.nanoTime()}
 * @param value   its value then
 */
public record CounterSample(String name, long atNanos, double value) {

    public CounterSample {
        Objects.requireNonNull(name, "name");
    }
}
