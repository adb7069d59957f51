package conclab.widgets;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A widget with a value the learner reads and sets: sliders, dropdowns, check boxes, text, progress.
 * {@link #value()} and {@link #value(Object)} work from any thread; a change from the front end (a drag)
 * or from code reaches the listeners of {@link #onChange}.
 *
 * @param <T> the value's type
 */
public abstract class ValueWidget<T> extends Widget {

    ValueWidget(Map<String, Object> initial) {
        super(initial);
        listen((key, raw) -> {
            if (key.equals(valueKey())) fire(raw);
        });
    }

    private final java.util.List<Consumer<T>> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The state key holding the value ({@code value}, or {@code index} for choices). */
    String valueKey() {
        return "value";
    }

    /** The value from the state's form. */
    abstract T fromState(Object raw);

    /** The state's form of a value; throws IllegalArgumentException for a value it cannot hold. */
    abstract Object toState(T value);

    /** A value from the front end is kept only when it is one this widget can hold (in range, of its type). */
    @Override
    Object admit(String key, Object raw) {
        if (!key.equals(valueKey())) return raw;
        try {
            return toState(fromState(raw));
        } catch (RuntimeException e) {
            return REJECTED;
        }
    }

    /** The current value. */
    public T value() {
        return fromState(get(valueKey()));
    }

    /** Sets the value, here and in every view; returns this widget. */
    public ValueWidget<T> value(T v) {
        set(valueKey(), toState(v));
        return this;
    }

    /** Calls {@code listener} with the new value after each change (from the front end: on the comm thread). */
    public ValueWidget<T> onChange(Consumer<T> listener) {
        changes.add(listener);
        return this;
    }

    private void fire(Object raw) {
        T v = fromState(raw);
        for (Consumer<T> l : changes) l.accept(v);
    }

    /** The label shown before the control. */
    public String description() {
        return String.valueOf(get("description"));
    }

    @Override
    public String text() {
        return description() + colon() + shown(value());
    }
}
