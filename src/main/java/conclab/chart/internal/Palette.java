package conclab.chart.internal;

import conclab.trace.SpanState;

import java.awt.Color;

/** Colours shared by the bitmap charts (colour-blind-friendly, after Okabe & Ito). */
public final class Palette {

    private Palette() {}

    public static final Color RUNNING = new Color(0x009E73);      // bluish green
    public static final Color WAITING = new Color(0x9DB4C8);      // light steel blue
    public static final Color BLOCKED = new Color(0xD55E00);      // vermillion
    public static final Color HOLDING_LOCK = new Color(0xE69F00); // orange
    public static final Color MARKER = new Color(0x6A3D9A);       // purple
    public static final Color IDEAL = new Color(0x888888);
    public static final Color ACCEPTABLE = new Color(0x009E73);
    public static final Color INTERESTING = new Color(0xE69F00);
    public static final Color FORBIDDEN = new Color(0xD55E00);

    /** Series colours for charts of several series. */
    public static final Color[] SERIES = {
            new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000)};

    public static Color of(SpanState s) {
        return switch (s) {
            case RUNNING -> RUNNING;
            case WAITING -> WAITING;
            case BLOCKED -> BLOCKED;
            case HOLDING_LOCK -> HOLDING_LOCK;
        };
    }

    /** {@code c} faded towards white: alpha 1 keeps it, 0 gives white. */
    public static Color fade(Color c, double alpha) {
        double a = Math.max(0, Math.min(1, alpha));
        return new Color((int) Math.round(255 - (255 - c.getRed()) * a),
                (int) Math.round(255 - (255 - c.getGreen()) * a),
                (int) Math.round(255 - (255 - c.getBlue()) * a));
    }

    public static Color series(int i) {
        return SERIES[Math.floorMod(i, SERIES.length)];
    }
}
