package conclab.trace;

import java.util.List;
import java.util.Locale;

/** Tables as HTML and as aligned text, and number formats, shared by the library's displays. */
public final class Format {

    private Format() {}

    /** {@code 12.3 ms}, {@code 850 µs}, {@code 1.25 s}: three significant figures. */
    public static String millis(long nanos) {
        double ms = nanos / 1e6;
        if (ms >= 1000) return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        if (ms >= 100) return String.format(Locale.ROOT, "%.0f ms", ms);
        if (ms >= 10) return String.format(Locale.ROOT, "%.1f ms", ms);
        if (ms >= 1) return String.format(Locale.ROOT, "%.2f ms", ms);
        return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    /** {@code 97%}. */
    public static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    /** {@code 1.93×}. */
    public static String times(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    /** An HTML table; cells are escaped. */
    public static String html(List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table class=\"conclab\">\n<thead><tr>");
        for (String h : header) b.append("<th>").append(Html.escape(h)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                b.append(i == 0 ? "<td style=\"text-align:left\">" : "<td>").append(Html.escape(r.get(i))).append("</td>");
            }
            b.append("</tr>\n");
        }
        return b.append("</tbody>\n</table>").toString();
    }

    /** An aligned text table: the first column left-aligned, the others right-aligned. */
    public static String text(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) w[i] = header.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < r.size(); i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder b = new StringBuilder();
        line(b, header, w);
        for (int i = 0; i < w.length; i++) b.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        b.append('\n');
        for (List<String> r : rows) line(b, r, w);
        return b.toString().stripTrailing();
    }

    private static void line(StringBuilder b, List<String> cells, int[] w) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(w[i] - c.length());
            b.append(i == 0 ? "" : "  ").append(i == 0 ? c + pad : pad + c);
        }
        b.append('\n');
    }

}
