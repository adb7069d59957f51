package conclab.chart.internal;

/** Minimal JSON writing: string escaping and number formatting, nothing else. */
public final class Json {

    private Json() {}

    /** Appends {@code s} as a JSON string literal (quotes included), escaping per RFC 8259. */
    public static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        // control characters, and the line separators JavaScript parsers dislike
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
        return out.append('"');
    }

    /** Appends a finite number compactly (integers without a fraction); non-finite values as 0. */
    public static StringBuilder number(StringBuilder out, double v) {
        if (!Double.isFinite(v)) return out.append('0');
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return out.append((long) v);
        return out.append(v);
    }

    /** Microseconds from nanoseconds with 3 decimals (nanosecond precision), as trace-event JSON wants. */
    public static StringBuilder micros(StringBuilder out, long nanos) {
        long whole = Math.floorDiv(nanos, 1000), frac = Math.floorMod(nanos, 1000);
        out.append(whole);
        if (frac != 0) {
            out.append('.');
            if (frac < 100) out.append('0');
            if (frac < 10) out.append('0');
            out.append(frac);
        }
        return out;
    }
}
