package conclab.trace;

import java.util.List;
import java.util.Locale;

/** Tables as HTML and as aligned text, and number formats, shared by the library's displays. */
public final class Format {

    private Format() {}

    /**
     * {@code 12.3 ms}, {@code 850 µs}, {@code 1.25 s}: three significant figures; in French
     * {@code 12,3 ms} (decimal comma, a no-break space before the unit).
     */
    public static String millis(long nanos) {
        double ms = nanos / 1e6;
        if (ms >= 1000) return unit(f("%.2f", ms / 1000), "s");
        if (ms >= 100) return unit(f("%.0f", ms), "ms");
        if (ms >= 10) return unit(f("%.1f", ms), "ms");
        if (ms >= 1) return unit(f("%.2f", ms), "ms");
        return unit(f("%.0f", nanos / 1e3), "µs");
    }

    /** {@code 97%}; in French {@code 97 %} (a no-break space before the sign, as the JDK's French locale writes it). */
    public static String percent(double ratio) {
        return f("%.0f%%", ratio * 100);
    }

    /** {@code 1.93×}; in French {@code 1,93×}. */
    public static String times(double ratio) {
        return f("%.2f×", ratio);
    }

    /**
     * {@link String#format} in the session's number conventions ({@link conclab.text.Language#numbers()}):
     * in English exactly as {@code Locale.ROOT} formats; in French with a decimal comma, {@code %,d} grouped
     * with a narrow no-break space, and a no-break space before each {@code %%} sign.
     */
    public static String f(String pattern, Object... args) {
        return conclab.text.Messages.format(pattern, args);
    }

    /** A number and its unit: {@code 12.3 ms}; in French joined by a no-break space, {@code 12,3 ms}. */
    public static String unit(String number, String unit) {
        return conclab.text.Messages.unit(number, unit);
    }

    /** A count: {@code 12,345} in English, {@code 12 345} in French. */
    public static String count(long n) {
        return f("%,d", n);
    }

    /**
     * A table's column header in the session's language: the bundle's {@code column.<slug>} where slug is
     * the English header in lower case with every run of other characters than letters and digits made one
     * {@code _} ({@code "mean latency"} → {@code column.mean_latency}); the header itself when the bundles
     * have no such key (symbols such as {@code p50}), and always in English.
     */
    public static String column(String english) {
        if (!conclab.text.Language.french()) return english;   // English tables exactly as written
        String slug = english.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "_").replaceAll("^_|_$", "");
        String key = "column." + slug;
        String t = conclab.text.Messages.get(key);
        return t.equals(key) ? english : t;
    }

    /** An HTML table; cells are escaped. */
    public static String html(List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<table class=\"conclab\">\n<thead><tr>");
        for (String h : header) b.append("<th>").append(Html.escape(column(h))).append("</th>");
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
        header = header.stream().map(Format::column).toList();
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
