package conclab.chart.internal;

import org.knowm.xchart.internal.chartpart.Annotation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.List;

/**
 * Paints step curves (each value held from its x until the next x) onto an XChart XY plot whose x axis
 * is milliseconds, optionally filled down to zero.
 *
 * <p>XChart draws steps as antialiased paths: a count that jumps between 0 and 16 a thousand times makes
 * a thousand tall edges, and the rasteriser pays for every pixel row each one crosses. On a bitmap this
 * layer works per device-pixel column instead: each column shows the range of values held in it, so a
 * peak narrower than a pixel still shows, and runs of equal columns are filled as one rectangle, crisp,
 * without antialiasing. Anywhere else (SVG, a rotated transform) it draws vector paths.
 */
public final class StepLayer extends Annotation {

    /** One curve: x in milliseconds, y held until the next x; {@code fill} null for a line alone. */
    public record Curve(double[] xMs, double[] y, Color line, Color fill) {
        public Curve {
            if (xMs.length != y.length) throw new IllegalArgumentException("x and y differ in length");
        }
    }

    /** Line width in CSS pixels. */
    public static final float LINE = 1.5f;

    private final List<Curve> curves;
    private final double xMaxMs;

    /** Curves drawn in order (areas first, then lines), over {@code [0, xMaxMs]}. */
    public StepLayer(List<Curve> curves, double xMaxMs) {
        super(false);
        this.curves = List.copyOf(curves);
        this.xMaxMs = xMaxMs;
    }

    private double x(double ms) {
        return chart.getScreenXFromChart(ms);
    }

    private double y(double v) {
        return chart.getScreenYFromChart(v);
    }

    @Override
    public void paint(Graphics2D g) {
        double left = x(0), right = x(xMaxMs), bottom = y(0);
        bounds = new Rectangle2D.Double(left, bottom, right - left, 0);
        if (right <= left) return;
        AffineTransform at = g.getTransform();
        boolean device = at.getShearX() == 0 && at.getShearY() == 0 && at.getScaleX() > 0 && at.getScaleY() > 0;
        Object aa = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        if (device) {
            g.setTransform(new AffineTransform());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            int x0 = (int) Math.round(at.getScaleX() * left + at.getTranslateX());
            int x1 = (int) Math.round(at.getScaleX() * right + at.getTranslateX());
            int line = Math.max(1, (int) Math.round(LINE * at.getScaleY()));
            for (Curve c : curves) if (c.fill() != null) columns(g, c, at, x0, x1, line, true);
            for (Curve c : curves) columns(g, c, at, x0, x1, line, false);
            g.setTransform(at);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa);
        } else {
            for (Curve c : curves) if (c.fill() != null) vector(g, c, bottom, true);
            for (Curve c : curves) vector(g, c, bottom, false);
        }
    }

    /*
     * Per device column [x0, x1): the lowest and highest value held in it (a column also holds the value
     * before its first change, so the riser between two steps is drawn), then runs of equal columns as
     * rectangles: from zero up to the highest for an area, from highest to lowest for the line.
     */
    private void columns(Graphics2D g, Curve c, AffineTransform at, int x0, int x1, int line, boolean area) {
        int n = x1 - x0;
        double[] xs = c.xMs(), ys = c.y();
        if (n <= 0 || xs.length == 0) return;
        double[] lo = new double[n], hi = new double[n];
        java.util.Arrays.fill(lo, Double.NaN);
        for (int i = 0; i < xs.length; i++) {
            double end = i + 1 < xs.length ? xs[i + 1] : xs[i];
            int a = col(xs[i], at, x0, n), b = Math.max(a, col(end, at, x0, n) - (i + 1 < xs.length ? 1 : 0));
            double v = ys[i], before = i > 0 ? ys[i - 1] : v;
            for (int k = a; k <= b; k++) {
                double l = k == a ? Math.min(v, before) : v, h = k == a ? Math.max(v, before) : v;
                if (Double.isNaN(lo[k])) { lo[k] = l; hi[k] = h; }
                else { lo[k] = Math.min(lo[k], l); hi[k] = Math.max(hi[k], h); }
            }
        }
        g.setColor(area ? c.fill() : c.line());
        int half = line / 2;
        int zero = dy(0, at);
        for (int k = 0; k < n; ) {
            if (Double.isNaN(lo[k])) { k++; continue; }
            int top = dy(hi[k], at), low = area ? zero : dy(lo[k], at);
            int run = k + 1;
            while (run < n && !Double.isNaN(lo[run]) && dy(hi[run], at) == top
                    && (area || dy(lo[run], at) == low)) run++;
            if (area) {
                if (low > top) g.fillRect(x0 + k, top, run - k, low - top);
            } else {
                g.fillRect(x0 + k, top - half, run - k, low - top + line);
            }
            k = run;
        }
    }

    private int col(double ms, AffineTransform at, int x0, int n) {
        int d = (int) Math.floor(at.getScaleX() * x(ms) + at.getTranslateX()) - x0;
        return Math.max(0, Math.min(n - 1, d));
    }

    private int dy(double v, AffineTransform at) {
        return (int) Math.round(at.getScaleY() * y(v) + at.getTranslateY());
    }

    /** The curve as a vector path: its outline, or the area under it down to zero. */
    private void vector(Graphics2D g, Curve c, double bottom, boolean area) {
        double[] xs = c.xMs(), ys = c.y();
        if (xs.length == 0) return;
        Path2D.Double p = new Path2D.Double();
        p.moveTo(x(xs[0]), area ? bottom : y(ys[0]));
        if (area) p.lineTo(x(xs[0]), y(ys[0]));
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(x(xs[i]), y(ys[i - 1]));
            p.lineTo(x(xs[i]), y(ys[i]));
        }
        if (area) {
            p.lineTo(x(xs[xs.length - 1]), bottom);
            p.closePath();
            g.setColor(c.fill());
            g.fill(p);
        } else {
            g.setColor(c.line());
            g.setStroke(new BasicStroke(LINE));
            g.draw(p);
        }
    }
}
