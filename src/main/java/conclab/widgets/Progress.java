package conclab.widgets;

import java.util.Map;

/**
 * A progress bar, of whole ({@link Int}) or decimal ({@link Float}) values. Set it from any thread as
 * often as you like: updates are merged, at most one every {@value Widget#MIN_INTERVAL_MILLIS} ms.
 */
public final class Progress {

    private Progress() {}

    static Map<String, Object> state(String model, String label, Object min, Object max, Object value) {
        Map<String, Object> s = Widget.control(model, "ProgressView", "ProgressStyleModel");
        s.put("description", label);
        s.put("description_allow_html", false);
        s.put("min", min);
        s.put("max", max);
        s.put("value", value);
        s.put("bar_style", "");
        s.put("orientation", "horizontal");
        return s;
    }

    static String bar(double fraction) {
        int n = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 20);
        return "█".repeat(n) + "░".repeat(20 - n);
    }

    /** Counts whole steps from 0 to {@code max}; values out of range are clamped. */
    public static final class Int extends ValueWidget<Integer> {
        Int(String label, int max) {
            super(state("IntProgressModel", label, 0, max, 0));
        }

        @Override Integer fromState(Object raw) { return ((Number) raw).intValue(); }

        @Override Object toState(Integer v) {
            return Math.max((Integer) get("min"), Math.min((Integer) get("max"), v));
        }

        /** Adds one step (from any thread). */
        public synchronized void step() {
            value(value() + 1);
        }

        @Override public String text() {
            int max = (Integer) get("max");
            return description() + " " + bar(max == 0 ? 1 : value() / (double) max) + " " + shown(value()) + "/" + shown(max);
        }
    }

    /** A fraction of {@code max} done. */
    public static final class Float extends ValueWidget<Double> {
        Float(String label, double max) {
            super(state("FloatProgressModel", label, 0.0, max, 0.0));
        }

        @Override Double fromState(Object raw) { return ((Number) raw).doubleValue(); }

        @Override Object toState(Double v) {
            return Math.max(((Number) get("min")).doubleValue(), Math.min(((Number) get("max")).doubleValue(), v));
        }

        @Override public String text() {
            double max = ((Number) get("max")).doubleValue();
            return description() + " " + bar(max == 0 ? 1 : value() / max) + " " + shown(value()) + "/" + shown(max);
        }
    }
}
