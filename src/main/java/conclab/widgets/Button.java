package conclab.widgets;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A button. {@link #onClick} handlers run on the kernel's comm thread as soon as the click arrives, also
 * while a cell runs: a Stop button reaches its handler at once. A handler should return quickly (start
 * long work on another thread): while one runs, no other click or drag is handled.
 */
public final class Button extends Widget {

    private final List<Consumer<Button>> handlers = new CopyOnWriteArrayList<>();
    private final AtomicLong clicks = new AtomicLong();

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

    /** How many times it was clicked. */
    public long clicks() {
        return clicks.get();
    }

    /** Greys the button out, or back. */
    public Button disabled(boolean disabled) {
        set("disabled", disabled);
        return this;
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
