package conclab.trace;

/**
 * The library's one HTML escaper, for text put into the HTML of a display (tables, progress bars,
 * captions) by the library and by the kernel. It lives here, in the package every other one depends
 * on, so that charts, tasks and the kernel can all use it without depending on each other.
 */
public final class Html {

    private Html() {}

    /**
     * {@code s} safe as HTML text and inside a double- or single-quoted attribute value: {@code &},
     * {@code <}, {@code >}, {@code "} and {@code '} become character references; null becomes "".
     */
    public static String escape(CharSequence s) {
        if (s == null) return "";
        int n = s.length(), i = 0;
        while (i < n && !special(s.charAt(i))) i++;
        if (i == n) return s.toString();
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean special(char c) {
        return c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
    }
}
