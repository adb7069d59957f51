package conclab.widgets;

import java.util.Map;

/** A check box: true or false. */
public final class Checkbox extends ValueWidget<Boolean> {

    Checkbox(String label, boolean value) {
        super(state(label, value));
    }

    private static Map<String, Object> state(String label, boolean value) {
        Map<String, Object> s = Widget.control("CheckboxModel", "CheckboxView", "CheckboxStyleModel");
        s.put("description", label);
        s.put("description_allow_html", false);
        s.put("value", value);
        s.put("indent", true);
        s.put("disabled", false);
        return s;
    }

    @Override Boolean fromState(Object raw) { return Boolean.TRUE.equals(raw); }

    @Override Object toState(Boolean v) { return Boolean.TRUE.equals(v); }

    @Override public String text() {
        return (value() ? "[x] " : "[ ] ") + description();
    }
}
