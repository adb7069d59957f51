package conclab.widgets;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import conclab.task.StopSignal;

/**
 * A button. {@link #onClick} handlers run on the kernel's comm thread as soon as the click arrives, also
 * while a cell runs: a Stop button reaches its handler at once. A handler should return quickly (start
 * long work on another thread): while one runs, no other click or drag is handled.
 *
 * <p>A button is also a {@link StopSignal}: {@code experiment(...).stopOn(button).run()} stops when it is
 * clicked during the run. While armed it is clickable; when the last work it can stop has ended it goes
 * back to its earlier look ({@code Lab.stopButton()} is greyed out between runs).
 */
public final class Button extends Widget implements StopSignal {

    private final List<Consumer<Button>> handlers = new CopyOnWriteArrayList<>();
    private final AtomicLong clicks = new AtomicLong();
    /* Guarded by handlers: how many works have armed this button, and its look before the first. */
    private int armed;
    private boolean disabledBefore;

    Button(String label) {
        super(state(label));
        customListeners.add((content, buffers) -> {
            if (content.has("event") && "click".equals(content.get("event").getAsString())) click();
        });
    }

    private static Map<String, Object> state(String label) {
        Map<String, Object> s = Widget.control("ButtonModel", "ButtonView", "ButtonStyleModel");
        s.put("description", label);
        s.put("button_style", "");
        s.put("icon", "");
        s.put("disabled", false);
        return s;
    }

    /** Calls {@code handler} at each click; returns this button. */
    public Button onClick(Consumer<Button> handler) {
        handlers.add(handler);
        return this;
    }

    /** Calls {@code handler} at each click; returns this button. */
    public Button onClick(Runnable handler) {
        return onClick(b -> handler.run());
    }

    /** Clicks the button from code (the way to try it in plain JShell). */
    public void click() {
        clicks.incrementAndGet();
        for (Consumer<Button> h : handlers) h.accept(this);
    }

    /**
     * Arms this button as a stop signal: a click from now until the registration is closed runs
     * {@code action} once. The button is enabled while armed, then goes back to its earlier look.
     */
    @Override
    public Armed whenStopped(Runnable action) {
        java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
        Consumer<Button> handler = b -> { if (fired.compareAndSet(false, true)) action.run(); };
        synchronized (handlers) {
            handlers.add(handler);                     // first: a click once it looks clickable is heard
            if (armed++ == 0) {
                disabledBefore = Boolean.TRUE.equals(get("disabled"));
                if (disabledBefore) set("disabled", false);
            }
        }
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (!closed.compareAndSet(false, true)) return;
            fired.set(true);                           // a click from now on no longer reaches the work
            synchronized (handlers) {
                handlers.remove(handler);
                if (--armed == 0 && disabledBefore) set("disabled", true);
            }
        };
    }

    /** How many times it was clicked. */
    public long clicks() {
        return clicks.get();
    }

    /** Greys the button out, or back. */
    public Button disabled(boolean disabled) {
        set("disabled", disabled);
        return this;
    }

    /** True while greyed out. */
    public boolean disabled() {
        return Boolean.TRUE.equals(get("disabled"));
    }

    /** The label. */
    public String label() {
        return String.valueOf(get("description"));
    }

    /** Changes the label. */
    public Button label(String label) {
        set("description", label);
        return this;
    }

    /** One of "", "primary", "success", "info", "warning", "danger". */
    public Button style(String buttonStyle) {
        set("button_style", buttonStyle);
        return this;
    }

    @Override public String text() {
        return "[ " + label() + " ]";
    }
}
