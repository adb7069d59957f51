package conclab.widgets;

import java.util.List;
import java.util.Map;

/**
 * Sliders: {@link Int} and {@link Float} for one number, {@link IntRange} for a pair. Built by
 * {@code conclab.Lab.intSlider(label, min, max, value)} and friends.
 */
public final class Slider {

    private Slider() {}

    static Map<String, Object> state(String model, String view, String label, Object min, Object max, Object step,
                                     Object value, String format) {
        Map<String, Object> s = Widget.control(model, view, "SliderStyleModel");
        s.put("description", label);
        s.put("description_allow_html", false);
        s.put("min", min);
        s.put("max", max);
        s.put("step", step);
        s.put("value", value);
        s.put("orientation", "horizontal");
        s.put("readout", true);
        s.put("readout_format", format);
        s.put("continuous_update", true);
        s.put("disabled", false);
        s.put("behavior", "drag-tap");
        return s;
    }

    /** A slider of whole numbers between {@code min} and {@code max}. */
    public static final class Int extends ValueWidget<Integer> {
        Int(String label, int min, int max, int value, int step) {
            super(state("IntSliderModel", "IntSliderView", label, min, max, step(min, max, step), check(min, max, value), "d"));
        }

        @Override Integer fromState(Object raw) { return ((Number) raw).intValue(); }

        @Override Object toState(Integer v) {
            return check((Integer) get("min"), (Integer) get("max"), v);
        }

        @Override public String text() {
            return description() + colon() + shown(value()) + " (" + shown(get("min")) + "–" + shown(get("max")) + ")";
        }
    }

    /** A slider of decimal numbers between {@code min} and {@code max}. */
    public static final class Float extends ValueWidget<Double> {
        Float(String label, double min, double max, double value, double step) {
            super(state("FloatSliderModel", "FloatSliderView", label, min, max, step(min, max, step), check(min, max, value), ".2f"));
        }

        @Override Double fromState(Object raw) { return ((Number) raw).doubleValue(); }

        @Override Object toState(Double v) {
            return check(((Number) get("min")).doubleValue(), ((Number) get("max")).doubleValue(), v);
        }

        @Override public String text() {
            return description() + colon() + shown(value()) + " (" + shown(get("min")) + "–" + shown(get("max")) + ")";
        }
    }

    /** A slider with two handles: a range {@code [lower, upper]} of whole numbers. */
    public static final class IntRange extends ValueWidget<List<Integer>> {
        IntRange(String label, int min, int max, int lower, int upper) {
            super(state("IntRangeSliderModel", "IntRangeSliderView", label, min, max, 1,
                    List.of(check(min, max, lower), check(lower, max, upper)), "d"));
        }

        @Override List<Integer> fromState(Object raw) {
            return ((List<?>) raw).stream().map(o -> ((Number) o).intValue()).toList();
        }

        @Override Object toState(List<Integer> v) {
            if (v.size() != 2 || v.get(0) > v.get(1)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.slider_range", v));
            int min = (Integer) get("min"), max = (Integer) get("max");
            return List.of(check(min, max, v.get(0)), check(min, max, v.get(1)));
        }

        public int lower() { return value().get(0); }

        public int upper() { return value().get(1); }
    }

    /** The step between two values: above 0 (a reversed range is named first, as {@link #check} names it). */
    static int step(int min, int max, int step) {
        if (min <= max && step <= 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.slider_step", step));
        return step;
    }

    static double step(double min, double max, double step) {
        if (min <= max && !(step > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.slider_step", step));
        return step;
    }

    static int check(int min, int max, int v) {
        if (min > max) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.slider_min_max", min, max));
        if (v < min || v > max) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.slider_outside", v, min, max));
        return v;
    }

    static double check(double min, double max, double v) {
        if (min > max) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.slider_min_max", min, max));
        if (v < min || v > max) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.slider_outside", v, min, max));
        return v;
    }
}
