package conclab.chart.internal;

import conclab.trace.SpanState;

import java.util.Locale;

/** Unicode text drawing for terminals: sparklines, bars, lane cells. About 80 columns wide. */
public final class TextArt {

    private TextArt() {}

    /** Default width of a text chart, in characters. */
    public static final int WIDTH = 80;

    private static final char[] SPARK = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};
    private static final char[] EIGHTHS = {' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'};

    /** One character per value, heights scaled from {@code min} to {@code max}; NaN draws a space. */
    public static String sparkline(double[] values, double min, double max) {
        StringBuilder sb = new StringBuilder(values.length);
        double span = max - min;
        for (double v : values) {
            if (Double.isNaN(v) || v <= 0) { sb.append(' '); continue; } // nothing at all: blank
            int k = span <= 0 ? (v > 0 ? SPARK.length - 1 : 0) : (int) Math.round((v - min) / span * (SPARK.length - 1));
            sb.append(SPARK[Math.max(0, Math.min(SPARK.length - 1, k))]);
        }
        return sb.toString();
    }

    /** A horizontal bar of {@code value / max × width} characters, with eighth-block precision. */
    public static String bar(double value, double max, int width) {
        if (max <= 0 || value <= 0 || !Double.isFinite(value)) return "";
        double cells = Math.min(1.0, value / max) * width;
        int full = (int) cells;
        int eighth = (int) Math.round((cells - full) * 8);
        if (eighth == 8) { full++; eighth = 0; }
        StringBuilder sb = new StringBuilder();
        sb.append("█".repeat(full));
        if (eighth > 0) sb.append(EIGHTHS[eighth]);
        if (sb.isEmpty()) sb.append('▏');
        return sb.toString();
    }

    /** The cell of a timeline lane: the state's block, or a dot when the column is barely busy. */
    public static char cell(SpanState state, double coverage) {
        if (state == null || coverage <= 0) return ' ';
        if (coverage < 0.25) return '·';
        return switch (state) {
            case RUNNING -> '█';
            case HOLDING_LOCK -> '▓';
            case BLOCKED -> '▒';
            case WAITING -> '░';
        };
    }

    /** The legend of lane cells. */
    public static String laneLegend() {
        return conclab.text.Messages.get("chart.text.legend");
    }

    /** {@code s} cut or padded to exactly {@code width} characters. */
    public static String fit(String s, int width) {
        if (s.length() > width) return width <= 1 ? s.substring(0, width) : s.substring(0, width - 1) + "…";
        return s + " ".repeat(width - s.length());
    }

    /** {@code s} right-aligned in {@code width} characters. */
    public static String right(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** An axis line under {@code width} columns: the left label at the start, the right one at the end. */
    public static String axis(String left, String right, int width) {
        int gap = Math.max(1, width - left.length() - right.length());
        return left + " ".repeat(gap) + right;
    }

    /** A compact number: 3 significant digits, no exponent for ordinary magnitudes. */
    public static String num(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        double a = Math.abs(v);
        if (a == Math.rint(a) && a < 1e6) return Long.toString((long) v);
        if (a >= 100) return conclab.text.Messages.format("%.0f", v);
        if (a >= 10) return conclab.text.Messages.format("%.1f", v);
        if (a >= 1) return conclab.text.Messages.format("%.2f", v);
        return conclab.text.Messages.format("%.3g", v);
    }

    /** Milliseconds with a unit, e.g. "12.5 ms". */
    public static String ms(double millis) {
        return num(millis) + " ms";
    }
}
