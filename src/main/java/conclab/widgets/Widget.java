package conclab.widgets;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import conclab.spi.Comm;
import conclab.spi.Displayable;
import conclab.spi.Hosts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A Jupyter widget: a model whose state lives both here and in the front end, kept in step over a comm
 * by the Jupyter widget protocol 2.1.0. JupyterLab's widget manager draws it; where there is no widget
 * manager (nbconvert, Notebook 6, plain JShell) it shows as its text form, and its value still works.
 * Start from {@code conclab.Lab}: {@code intSlider("Threads", 1, 8, 4)}, {@code button("Stop")}.
 *
 * <p>Thread-safe: any thread may read and change a widget, also after the cell that made it has
 * finished. The front end's changes arrive on the kernel's comm thread, also while a cell runs.
 *
 * <h2>Implementation overview</h2>
 * The state is a map of plain values (Integer, Double, String, Boolean, List, byte[] for binary data,
 * and other widgets, sent as {@code "IPY_MODEL_<id>"}), guarded by {@link #lock}. A change made here
 * marks its key dirty; the dirty keys go out as one {@code update} message at once, or, when this widget
 * sent one less than {@link #MIN_INTERVAL_MILLIS} ago, from the widgets' timer thread a little later:
 * a loop setting a progress bar 100,000 times sends at most one update per interval, with the latest
 * values (batched, as printed output is), and never overtakes an earlier one ({@link #sendLock}). A change
 * from the front end ({@code update}) is applied, acknowledged with {@code echo_update}, then announced to
 * the listeners. {@code request_state} is answered with the whole state; {@code custom} messages go to
 * {@link #onCustom}.
 */
public abstract class Widget implements Displayable {

    /** The MIME type of a widget view in a display_data. */
    public static final String VIEW_MIME = "application/vnd.jupyter.widget-view+json";
    /** The widget protocol this library speaks. */
    public static final String PROTOCOL_VERSION = "2.1.0";
    static final String CONTROLS = "@jupyter-widgets/controls", BASE = "@jupyter-widgets/base",
            OUTPUT = "@jupyter-widgets/output";
    /** Model module versions of @jupyter-widgets/controls 5.x, base 6.x and output 6.x (ipywidgets 8). */
    static final String CONTROLS_VERSION = "2.0.0", BASE_VERSION = "2.0.0", OUTPUT_VERSION = "1.0.0";
    /** Shortest time between two updates of one widget; faster changes are merged. */
    static final long MIN_INTERVAL_MILLIS = 20;

    private final Object lock = new Object();
    /* Guarded by lock. */
    private final Map<String, Object> state = new LinkedHashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private boolean flushPending;
    private long lastSentNanos = System.nanoTime() - MIN_INTERVAL_MILLIS * 2_000_000;
    /* Held while sending, so that one widget's messages go out in the order their snapshots were taken. */
    private final Object sendLock = new Object();
    private final List<BiConsumer<String, Object>> listeners = new CopyOnWriteArrayList<>();
    /* Set up before the comm opens: the front end may answer before a subclass's fields exist. */
    final List<BiConsumer<JsonObject, List<byte[]>>> customListeners = new CopyOnWriteArrayList<>();
    private final Comm comm;

    /** Opens the model with its first state (model and view names included). */
    Widget(Map<String, Object> initial) {
        state.putAll(initial);
        Registry.start();
        Encoded e = encode(state);
        JsonObject data = new JsonObject();
        data.add("state", e.json);
        data.add("buffer_paths", e.paths);
        JsonObject metadata = new JsonObject();
        metadata.addProperty("version", PROTOCOL_VERSION);
        comm = Hosts.current().openComm("jupyter.widget", data.toString(), metadata.toString(), e.buffers,
                (c, d, b) -> received(d, b));
        Registry.add(this);
    }

    /** The first state of a model: its model and view, in {@code module}. */
    static Map<String, Object> model(String module, String version, String model, String view) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("_model_module", module);
        s.put("_model_module_version", version);
        s.put("_model_name", model);
        s.put("_view_module", view == null ? null : module);
        s.put("_view_module_version", view == null ? "" : version);
        s.put("_view_name", view);
        return s;
    }

    /** The first state of a control of @jupyter-widgets/controls, with its layout and style models. */
    static Map<String, Object> control(String model, String view, String styleModel) {
        Map<String, Object> s = model(CONTROLS, CONTROLS_VERSION, model, view);
        s.put("_dom_classes", List.of());
        s.put("layout", new Layout());
        if (styleModel != null) s.put("style", new Style(styleModel));
        s.put("tabbable", null);
        s.put("tooltip", null);
        return s;
    }

    /** The model id (the comm id). */
    public String id() {
        return comm.id();
    }

    /** True when a front end may be showing it (in a notebook), false in plain JShell. */
    public boolean attached() {
        return comm.attached();
    }

    /** Closes the model: views disappear, and later changes are not sent. */
    public void close() {
        flush();
        comm.close("{}");
        Registry.remove(this);
    }

    /* ------------------------------------------------------------ state */

    /** The current value of {@code key}. */
    final Object get(String key) {
        synchronized (lock) {
            return state.get(key);
        }
    }

    /** Changes {@code key} here and in the front end; listeners hear of it when it changed. */
    final void set(String key, Object value) {
        Object old;
        synchronized (lock) {
            old = state.put(key, value);
            if (Objects.equals(old, value)) return;
            dirty.add(key);
        }
        scheduleFlush();
        changed(key, value);
    }

    /** Calls {@code listener(key, value)} after each change of the state, from here or the front end. */
    final void listen(BiConsumer<String, Object> listener) {
        listeners.add(listener);
    }

    private void changed(String key, Object value) {
        for (BiConsumer<String, Object> l : listeners) {
            try {
                l.accept(key, value);
            } catch (RuntimeException e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    private void scheduleFlush() {
        long wait;
        synchronized (lock) {
            if (flushPending) return;
            wait = lastSentNanos + MIN_INTERVAL_MILLIS * 1_000_000 - System.nanoTime();
            if (wait > 0) {
                flushPending = true;
                Registry.later(this::flush, wait);
                return;
            }
        }
        flush();
    }

    /** Sends the dirty keys now, as one update. */
    final void flush() {
        synchronized (sendLock) {
            Map<String, Object> delta = new LinkedHashMap<>();
            synchronized (lock) {
                flushPending = false;
                if (dirty.isEmpty()) return;
                for (String k : dirty) delta.put(k, state.get(k));
                dirty.clear();
                lastSentNanos = System.nanoTime();
            }
            send("update", delta);
        }
    }

    /** The whole state as the protocol sends it: {state, buffer_paths} and the buffers. */
    final Encoded fullState() {
        synchronized (lock) {
            return encode(state);
        }
    }

    private void send(String method, Map<String, Object> values) {
        Encoded e = encode(values);
        JsonObject data = new JsonObject();
        data.addProperty("method", method);
        data.add("state", e.json);
        data.add("buffer_paths", e.paths);
        comm.send(data.toString(), e.buffers);
    }

    /** Sends a custom message to the front-end model (after any pending update). */
    final void sendCustom(JsonObject content, List<byte[]> buffers) {
        flush();
        synchronized (sendLock) {
            JsonObject data = new JsonObject();
            data.addProperty("method", "custom");
            data.add("content", content);
            comm.send(data.toString(), buffers);
        }
    }

    /* ------------------------------------------------------------ from the front end */

    private void received(String json, List<byte[]> buffers) {
        JsonObject data = JsonParser.parseString(json).getAsJsonObject();
        String method = data.has("method") ? data.get("method").getAsString() : "";
        switch (method) {
            case "update" -> {
                JsonObject st = data.has("state") ? data.getAsJsonObject("state") : new JsonObject();
                Map<String, byte[]> binary = binary(data.get("buffer_paths"), buffers);
                for (String k : binary.keySet()) if (!st.has(k)) st.add(k, JsonNull.INSTANCE);   // binary keys
                Map<String, Object> accepted = new LinkedHashMap<>(), corrected = new LinkedHashMap<>();
                JsonObject echoed = new JsonObject();
                synchronized (lock) {
                    for (var e : st.entrySet()) {
                        String key = e.getKey();
                        Object old = state.get(key);
                        Object v = binary.containsKey(key) ? binary.get(key) : fromJson(e.getValue(), old);
                        Object kept = admit(key, v);
                        if (kept == REJECTED) {   // not a value this widget can hold: the views go back
                            corrected.put(key, old);
                            continue;
                        }
                        state.put(key, kept);
                        dirty.remove(key);   // the front end's value wins over an unsent one
                        if (!Objects.equals(old, kept)) accepted.put(key, kept);
                        if (Objects.equals(kept, v)) echoed.add(key, e.getValue());
                        else corrected.put(key, kept);   // e.g. 4.6 on a slider of whole numbers: 4
                    }
                }
                synchronized (sendLock) {   // tell every front end what was accepted, and what was not
                    if (!echoed.isEmpty() || st.isEmpty()) {
                        JsonObject echo = new JsonObject();
                        echo.addProperty("method", "echo_update");
                        echo.add("state", echoed);
                        echo.add("buffer_paths", data.has("buffer_paths") ? data.get("buffer_paths") : new JsonArray());
                        comm.send(echo.toString(), buffers);
                    }
                    if (!corrected.isEmpty()) send("update", corrected);
                }
                accepted.forEach(this::changed);
            }
            case "request_state" -> {
                synchronized (sendLock) {
                    Encoded e = fullState();
                    JsonObject d = new JsonObject();
                    d.addProperty("method", "update");
                    d.add("state", e.json);
                    d.add("buffer_paths", e.paths);
                    comm.send(d.toString(), e.buffers);
                }
            }
            case "custom" -> onCustom(data.has("content") && data.get("content").isJsonObject()
                    ? data.getAsJsonObject("content") : new JsonObject(), buffers);
            default -> { }
        }
    }

    /** What {@link #admit} returns for a value the widget cannot hold. */
    static final Object REJECTED = new Object();

    /**
     * The value to keep when the front end sets {@code key} to {@code value}: the value itself, a corrected
     * one, or {@link #REJECTED}. Called under the state's lock; all values are admitted by default.
     */
    Object admit(String key, Object value) {
        return value;
    }

    /** A custom message from the front end (a button's click): to {@link #customListeners}. */
    private void onCustom(JsonObject content, List<byte[]> buffers) {
        for (var l : customListeners) {
            try {
                l.accept(content, buffers);
            } catch (RuntimeException e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    /** Binary values of an update: top-level keys named by buffer_paths. */
    private static Map<String, byte[]> binary(JsonElement paths, List<byte[]> buffers) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (paths == null || !paths.isJsonArray()) return out;
        JsonArray a = paths.getAsJsonArray();
        for (int i = 0; i < a.size() && i < buffers.size(); i++) {
            JsonArray p = a.get(i).getAsJsonArray();
            if (p.size() == 1) out.put(p.get(0).getAsString(), buffers.get(i));
        }
        return out;
    }

    /** A JSON value as a plain value, of the type of {@code hint} (the current value) when numeric. */
    static Object fromJson(JsonElement e, Object hint) {
        if (e == null || e.isJsonNull()) return null;
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) return p.getAsBoolean();
            if (p.isNumber()) {
                if (hint instanceof Double) return p.getAsDouble();
                if (hint instanceof Long) return p.getAsLong();
                double d = p.getAsDouble();
                return d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE && !(hint instanceof Number n && !(n instanceof Integer))
                        ? (Object) (int) d : (Object) d;
            }
            String s = p.getAsString();
            return s;
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            Object h = hint instanceof List<?> hl && !hl.isEmpty() ? hl.getFirst() : null;
            for (JsonElement x : e.getAsJsonArray()) l.add(fromJson(x, h));
            return List.copyOf(l.stream().map(o -> o == null ? (Object) "" : o).toList());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (var x : e.getAsJsonObject().entrySet()) m.put(x.getKey(), fromJson(x.getValue(), null));
        return m;
    }

    /* ------------------------------------------------------------ encoding */

    record Encoded(JsonObject json, JsonArray paths, List<byte[]> buffers) {}

    static Encoded encode(Map<String, Object> values) {
        JsonObject json = new JsonObject();
        JsonArray paths = new JsonArray();
        List<byte[]> buffers = new ArrayList<>();
        for (var e : values.entrySet()) {
            if (e.getValue() instanceof byte[] b) {
                JsonArray p = new JsonArray();
                p.add(e.getKey());
                paths.add(p);
                buffers.add(b);
                json.add(e.getKey(), JsonNull.INSTANCE);
            } else {
                json.add(e.getKey(), toJson(e.getValue()));
            }
        }
        return new Encoded(json, paths, buffers);
    }

    static JsonElement toJson(Object v) {
        return switch (v) {
            case null -> JsonNull.INSTANCE;
            case Widget w -> new JsonPrimitive("IPY_MODEL_" + w.id());
            case Boolean b -> new JsonPrimitive(b);
            case Number n -> new JsonPrimitive(n);
            case String s -> new JsonPrimitive(s);
            case JsonElement j -> j;
            case List<?> l -> {
                JsonArray a = new JsonArray();
                for (Object o : l) a.add(toJson(o));
                yield a;
            }
            case Map<?, ?> m -> {
                JsonObject o = new JsonObject();
                m.forEach((k, x) -> o.add(String.valueOf(k), toJson(x)));
                yield o;
            }
            default -> new JsonPrimitive(String.valueOf(v));
        };
    }

    /* ------------------------------------------------------------ display */

    /** The text a front end without a widget manager shows (nbconvert, Notebook 6, JShell). */
    public abstract String text();

    /**
     * A value as a widget's text form writes it: as {@link String#valueOf} in English; in French, whole
     * numbers grouped ({@code 1 000}), decimals with a comma ({@code 0,25}), and a list's numbers each so.
     */
    static String shown(Object v) {
        if (!conclab.text.Language.french()) return String.valueOf(v);
        if (v instanceof Integer || v instanceof Long) return conclab.text.Messages.format("%,d", ((Number) v).longValue());
        if (v instanceof Double || v instanceof java.lang.Float) return String.valueOf(v).replace('.', ',');
        if (v instanceof List<?> l) return l.stream().map(Widget::shown).collect(java.util.stream.Collectors.joining("; ", "[", "]"));
        return String.valueOf(v);
    }

    /** After a widget's description in its text form: {@code ": "}, in French {@code " : "} (no-break space). */
    static String colon() {
        return conclab.text.Language.french() ? "\u00A0: " : ": ";
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (accepted.contains(VIEW_MIME) && comm.attached()) {
            flush();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("version_major", 2);
            view.put("version_minor", 0);
            view.put("model_id", id());
            b.put(VIEW_MIME, view);
        }
        b.put(PLAIN, text());
        return b;
    }

    @Override
    public String toString() {
        return text();
    }

    /* ------------------------------------------------------------ helper models */

    /** The layout model every control has (sizes, margins, grid placement). */
    static final class Layout extends Widget {
        Layout() {
            super(model(BASE, BASE_VERSION, "LayoutModel", "LayoutView"));
        }

        void put(String key, String value) {
            set(key, value);
        }

        @Override
        public String text() {
            return "Layout";
        }
    }

    /** A style model of a control (description width, colours). */
    static final class Style extends Widget {
        Style(String model) {
            super(styleState(model));
        }

        private static Map<String, Object> styleState(String model) {
            Map<String, Object> s = model(CONTROLS, CONTROLS_VERSION, model, "StyleView");
            s.put("_view_module", BASE);
            s.put("_view_module_version", BASE_VERSION);
            s.put("description_width", "");
            return s;
        }

        @Override
        public String text() {
            return "Style";
        }
    }
}
