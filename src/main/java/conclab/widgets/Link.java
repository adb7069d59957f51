package conclab.widgets;

import java.util.Objects;

/**
 * Keeps two widgets' values equal, both ways, in the kernel: works in every front end and in plain
 * JShell, and for changes made by code on any thread. Made by {@code conclab.Lab.link(a, b)}.
 */
public final class Link {

    private volatile boolean linked = true;

    <T> Link(ValueWidget<T> a, ValueWidget<T> b) {
        b.value(a.value());
        a.onChange(v -> copy(v, b));
        b.onChange(v -> copy(v, a));
    }

    private <T> void copy(T v, ValueWidget<T> to) {
        if (linked && !Objects.equals(to.value(), v)) to.value(v);   // equal: the change came back, stop
    }

    /** Stops keeping them equal. */
    public void unlink() {
        linked = false;
    }
}
