package conclab.widgets;

import java.util.Map;

/**
 * Text: an input box ({@link #input}), or what is shown without input: a {@link #label} or {@link #html}.
 */
public final class Text extends ValueWidget<String> {

    private final String kind;

    private Text(String kind, Map<String, Object> state) {
        super(state);
        this.kind = kind;
    }

    /** A one-line input box with a label. */
    static Text input(String label, String value) {
        Map<String, Object> s = Widget.control("TextModel", "TextView", "TextStyleModel");
        s.put("description", label);
        s.put("description_allow_html", false);
        s.put("value", value);
        s.put("placeholder", "");
        s.put("continuous_update", true);
        s.put("disabled", false);
        return new Text("input", s);
    }

    /** A line of text. */
    static Text label(String value) {
        Map<String, Object> s = Widget.control("LabelModel", "LabelView", "LabelStyleModel");
        s.put("description", "");
        s.put("value", value);
        s.put("placeholder", "");
        return new Text("label", s);
    }

    /** HTML, drawn by the browser (text elsewhere). */
    static Text html(String html) {
        Map<String, Object> s = Widget.control("HTMLModel", "HTMLView", "HTMLStyleModel");
        s.put("description", "");
        s.put("value", html);
        s.put("placeholder", "");
        return new Text("html", s);
    }

    @Override String fromState(Object raw) { return raw == null ? "" : raw.toString(); }

    @Override Object toState(String v) { return v == null ? "" : v; }

    @Override public String text() {
        return kind.equals("input") ? description() + colon() + value() : value();
    }
}
