package conclab.chart.internal;

import conclab.trace.Marker;
import conclab.trace.Span;
import org.knowm.xchart.internal.chartpart.Annotation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Paints timeline lanes onto an XChart XY plot whose x axis is milliseconds since {@code t0} and whose
 * lane {@code i} (top first) sits at y = {@code n-1-i}. XChart has no Gantt chart; it draws the axes,
 * title and legend, this layer draws the slices, binned to the plot's device pixels.
 */
public final class LaneLayer extends Annotation {

    private final List<String> names;
    private final List<List<Span>> spans;
    private final List<Marker> markers;
    private final long t0, t1;
    /* cache of the last binning, by column count; rendering is single-threaded per chart instance */
    private int cachedColumns = -1;
    private List<Lanes.Lane> cached;

    public LaneLayer(Map<String, List<Span>> lanes, List<Marker> markers, long t0, long t1) {
        super(false);
        this.names = new ArrayList<>(lanes.keySet());
        this.spans = new ArrayList<>(lanes.values());
        this.markers = markers;
        this.t0 = t0;
        this.t1 = t1;
    }

    /** Lanes binned to {@code columns} columns over the whole time range (cached for the last count). */
    public synchronized List<Lanes.Lane> binned(int columns) {
        if (columns != cachedColumns) {
            List<Lanes.Lane> out = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) out.add(Lanes.bin(names.get(i), spans.get(i), t0, t1, columns));
            cached = out;
            cachedColumns = columns;
        }
        return cached;
    }

    private double x(long nanos) {
        return chart.getScreenXFromChart((nanos - t0) / 1e6);
    }

    private double y(double v) {
        return chart.getScreenYFromChart(v);
    }

    @Override
    public void paint(Graphics2D g) {
        int n = names.size();
        double left = x(t0), right = x(t1);
        double top = y(n - 0.5), bottom = y(-0.5);
        bounds = new Rectangle2D.Double(left, top, right - left, bottom - top);
        if (n == 0 || right <= left) return;
        double scale = Math.abs(g.getTransform().getScaleX());
        int columns = (int) Math.max(1, Math.min(8192, Math.round((right - left) * (scale == 0 ? 1 : scale))));
        List<Lanes.Lane> lanes = binned(columns);
        double laneHeight = Math.abs(y(0) - y(1));
        double h = laneHeight * 0.78;
        Rectangle2D.Double r = new Rectangle2D.Double();
        // Slices are binned to device pixels: drawn without antialiasing they stay crisp, and the fill
        // takes the fast path (antialiased fills of thousands of rectangles cost more than the rest).
        Object aa = g.getRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_OFF);
        Color[][] shades = new Color[conclab.trace.SpanState.values().length][];
        // with a plain scale-and-translate transform (always, for the lab's own images), fill whole device
        // pixels with fillRect under the identity transform: the rasteriser's fastest path
        java.awt.geom.AffineTransform at = g.getTransform();
        boolean device = at.getShearX() == 0 && at.getShearY() == 0 && at.getScaleX() > 0 && at.getScaleY() > 0;
        if (device) g.setTransform(new java.awt.geom.AffineTransform());
        Color current = null;
        for (int i = 0; i < n; i++) {
            double yc = y(n - 1 - i);
            int dy0 = (int) Math.round(at.getScaleY() * (yc - h / 2) + at.getTranslateY());
            int dy1 = (int) Math.round(at.getScaleY() * (yc + h / 2) + at.getTranslateY());
            for (Lanes.Slice s : lanes.get(i).slices()) {
                int st = s.state().ordinal(), level = (int) Math.round(s.coverage() * 16);
                if (shades[st] == null) shades[st] = new Color[17];
                Color col = shades[st][level];
                if (col == null) col = shades[st][level] = Palette.fade(Palette.of(s.state()), 0.25 + 0.75 * level / 16.0);
                if (col != current) g.setColor(current = col);
                double xa = x(s.startNanos()), xb = x(s.endNanos());
                if (device) {
                    int dx0 = (int) Math.round(at.getScaleX() * xa + at.getTranslateX());
                    int dx1 = (int) Math.round(at.getScaleX() * xb + at.getTranslateX());
                    g.fillRect(dx0, dy0, Math.max(1, dx1 - dx0), Math.max(1, dy1 - dy0));
                } else {
                    r.setRect(xa, yc - h / 2, Math.max(xb - xa, 1 / Math.max(1, scale)), h);
                    g.fill(r);
                }
            }
        }
        if (device) g.setTransform(at);
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, aa);
        paintMarkers(g, n, top, bottom, laneHeight, scale);
        g.setFont(Styles.TEXT);
        g.setColor(Color.DARK_GRAY);
        java.awt.FontMetrics fm = g.getFontMetrics();
        int step = Math.max(1, (int) Math.ceil(fm.getHeight() / Math.max(1, laneHeight)));
        for (int i = 0; i < n; i += step) {
            String name = clip(names.get(i));
            double yc = y(n - 1 - i);
            g.drawString(name, (float) (left - 6 - fm.stringWidth(name)), (float) (yc + fm.getAscent() / 2.0 - 1));
        }
    }

    private static String clip(String name) {
        return name.length() <= 24 ? name : name.substring(0, 23) + "…";
    }

    /** Width in pixels of the widest lane name, as drawn. */
    public static int labelWidth(List<String> names) {
        java.awt.font.FontRenderContext frc = new java.awt.font.FontRenderContext(null, true, true);
        double w = 0;
        for (String n : names) w = Math.max(w, Styles.TEXT.getStringBounds(clip(n), frc).getWidth());
        return (int) Math.ceil(w);
    }

    private void paintMarkers(Graphics2D g, int n, double top, double bottom, double laneHeight, double scale) {
        if (markers.isEmpty()) return;
        Color old = g.getColor();
        // triangles have slanted edges: antialiased even when the chart draws its straight lines without
        Object aa = g.getRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        for (Marker m : markers) {
            Color c = colour(m.kind());
            double xa = x(m.atNanos()), xb = x(m.atNanos() + m.durationNanos());
            int lane = m.lane() == null ? -1 : names.indexOf(m.lane());
            if (lane < 0) {
                // a whole-chart event (GC pause): a translucent band with a solid edge
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
                g.fill(new Rectangle2D.Double(xa, top, Math.max(xb - xa, 1.5), bottom - top));
                g.setColor(c);
                g.setStroke(new BasicStroke(1f));
                g.draw(new Rectangle2D.Double(xa, top, 0, bottom - top));
            } else {
                // a lane event (pinning): a small triangle above the lane, and its extent as a line
                double yc = y(n - 1 - lane), yTop = yc - laneHeight * 0.39;
                double w = Math.max(3, laneHeight * 0.18);
                Path2D.Double tri = new Path2D.Double();
                tri.moveTo(xa - w, yTop - w * 1.2);
                tri.lineTo(xa + w, yTop - w * 1.2);
                tri.lineTo(xa, yTop);
                tri.closePath();
                g.setColor(c);
                g.fill(tri);
                if (xb - xa > 1) {
                    g.setStroke(new BasicStroke(2f));
                    g.draw(new java.awt.geom.Line2D.Double(xa, yTop, xb, yTop));
                }
            }
        }
        g.setColor(old);
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, aa);
    }

    /** Colour of a marker kind: GC purple, pinning magenta, anything else dark grey. */
    public static Color colour(String kind) {
        String k = kind.toLowerCase(java.util.Locale.ROOT);
        if (k.contains("gc")) return Palette.MARKER;
        if (k.contains("pin")) return new Color(0xCC0077);
        return new Color(0x444444);
    }
}
