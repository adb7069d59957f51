package conclab.widgets;

import conclab.spi.Displayable;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An output area inside a widget layout: text and displays (charts, tables) written into it from any
 * thread, in the order the writes happen. {@link #replace} swaps its content for one value in one step
 * (what {@code interact} does with each new chart); {@link #stream()} is a {@link PrintStream} to hand to
 * code that prints. Its content is the model's {@code outputs} state, so a view opened later (a page
 * reload) shows it too.
 */
public final class Output extends Widget {

    /** What is asked of a {@link Displayable} shown here. */
    static final Set<String> ACCEPTED = Set.of(Displayable.PNG, Displayable.HTML, Displayable.MARKDOWN,
            Displayable.PLAIN, VIEW_MIME);

    /* Guarded by itself. */
    private final List<Map<String, Object>> outputs = new ArrayList<>();
    private final PrintStream stream = new PrintStream(new OutputStream() {
        @Override public void write(int b) { write(new byte[] {(byte) b}, 0, 1); }

        @Override public void write(byte[] b, int off, int len) {
            append("stdout", new String(b, off, len, StandardCharsets.UTF_8));
        }
    }, true, StandardCharsets.UTF_8);

    Output() {
        super(state());
    }

    private static Map<String, Object> state() {
        Map<String, Object> s = model(OUTPUT, OUTPUT_VERSION, "OutputModel", "OutputView");
        s.put("_dom_classes", List.of());
        s.put("layout", new Layout());
        s.put("msg_id", "");
        s.put("outputs", List.of());
        s.put("tabbable", null);
        s.put("tooltip", null);
        return s;
    }

    /** Appends {@code value} and a line break. */
    public Output println(Object value) {
        append("stdout", value + "\n");
        return this;
    }

    /** Appends {@code value}. */
    public Output print(Object value) {
        append("stdout", String.valueOf(value));
        return this;
    }

    /** Appends a display of {@code value}: a chart, a table, a widget, or its text. */
    public Output display(Object value) {
        Map<String, Object> d = displayData(value);
        synchronized (outputs) {
            outputs.add(d);
            publish();
        }
        return this;
    }

    /** Replaces the content with a display of {@code value}, in one update (no flicker). */
    public Output replace(Object value) {
        Map<String, Object> d = displayData(value);
        synchronized (outputs) {
            outputs.clear();
            outputs.add(d);
            publish();
        }
        return this;
    }

    /** Empties it. */
    public Output clear() {
        synchronized (outputs) {
            outputs.clear();
            publish();
        }
        return this;
    }

    /**
     * Runs {@code body} with what it prints ({@code System.out}, {@code System.err}) landing here instead of
     * under the cell, also what the threads it starts print while it runs: Python's {@code with out:}.
     * In plain JShell the output goes to the console as usual.
     */
    public void capture(Runnable body) {
        try {
            conclab.spi.OutputCapture.into(this::append, () -> {
                body.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);   // unreachable: the body is a Runnable
        }
    }

    /** As {@link #capture(Runnable)}, for a body with a result. */
    public <T> T capture(java.util.concurrent.Callable<T> body) throws Exception {
        return conclab.spi.OutputCapture.into(this::append, body);
    }

    /** A stream whose text lands here; safe to share between threads (each write is appended whole). */
    public PrintStream stream() {
        return stream;
    }

    /** What it holds, as text. */
    @Override public String text() {
        StringBuilder sb = new StringBuilder();
        synchronized (outputs) {
            for (Map<String, Object> o : outputs) {
                if (o.get("text") instanceof String t) sb.append(t);
                else if (o.get("data") instanceof Map<?, ?> data) sb.append(data.get(Displayable.PLAIN)).append('\n');
            }
        }
        return sb.toString();
    }

    private void append(String name, String text) {
        if (text.isEmpty()) return;
        synchronized (outputs) {
            Map<String, Object> last = outputs.isEmpty() ? null : outputs.getLast();
            if (last != null && "stream".equals(last.get("output_type")) && name.equals(last.get("name"))) {
                Map<String, Object> merged = new LinkedHashMap<>(last);
                merged.put("text", last.get("text") + text);
                outputs.set(outputs.size() - 1, merged);
            } else {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("output_type", "stream");
                o.put("name", name);
                o.put("text", text);
                outputs.add(o);
            }
            publish();
        }
    }

    /* Caller holds outputs: the state's list changes in the order of the writes. */
    private void publish() {
        set("outputs", List.copyOf(outputs));
    }

    static Map<String, Object> displayData(Object value) {
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (value instanceof Displayable d) {
            for (var e : d.mimeBundle(ACCEPTED).entrySet()) {
                Object v = e.getValue() instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : e.getValue();
                data.put(e.getKey(), v);
                Map<String, Object> md = d.metadata(e.getKey());
                if (!md.isEmpty()) metadata.put(e.getKey(), md);
            }
        }
        data.putIfAbsent(Displayable.PLAIN, String.valueOf(value));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("output_type", "display_data");
        o.put("data", data);
        o.put("metadata", metadata);
        return o;
    }
}
