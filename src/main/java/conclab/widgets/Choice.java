package conclab.widgets;

import java.util.List;
import java.util.Map;

/** Controls that pick one of some options: {@link Dropdown} and {@link ToggleButtons}. */
public abstract class Choice extends ValueWidget<String> {

    private final List<String> options;

    Choice(Map<String, Object> state, List<String> options) {
        super(state);
        this.options = List.copyOf(options);
    }

    static Map<String, Object> state(String model, String view, String style, String label, List<String> options,
                                     String value) {
        if (options.isEmpty()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.no_options"));
        int index = options.indexOf(value);
        if (index < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.not_one_of", value, options));
        Map<String, Object> s = Widget.control(model, view, style);
        s.put("description", label);
        s.put("description_allow_html", false);
        s.put("_options_labels", List.copyOf(options));
        s.put("index", index);
        s.put("disabled", false);
        return s;
    }

    @Override String valueKey() { return "index"; }

    @Override String fromState(Object raw) {
        @SuppressWarnings("unchecked") List<String> labels = (List<String>) get("_options_labels");
        return raw == null ? null : labels.get(((Number) raw).intValue());
    }

    @Override Object toState(String v) {
        int i = options.indexOf(v);
        if (i < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.not_one_of", v, options));
        return i;
    }

    /** The options, in order. */
    public List<String> options() {
        return options;
    }

    @Override public String text() {
        return description() + colon() + value() + " " + options;
    }

    /** A drop-down list. */
    public static final class Dropdown extends Choice {
        Dropdown(String label, List<String> options, String value) {
            super(state("DropdownModel", "DropdownView", "DescriptionStyleModel", label, options, value), options);
        }
    }

    /** A row of buttons of which one is pressed. */
    public static final class ToggleButtons extends Choice {
        ToggleButtons(String label, List<String> options, String value) {
            super(withButtons(state("ToggleButtonsModel", "ToggleButtonsView", "ToggleButtonsStyleModel", label,
                    options, value), options.size()), options);
        }

        private static Map<String, Object> withButtons(Map<String, Object> s, int n) {
            s.put("button_style", "");
            s.put("tooltips", List.of());
            s.put("icons", List.of());
            return s;
        }
    }
}
