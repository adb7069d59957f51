package conclab.chart.internal;

import org.knowm.xchart.internal.chartpart.Annotation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;

/**
 * Percentile labels for an x axis in "nines" (x = −log10(1 − p)): 50 %, 90 %, 99 %, 99.9 % … with
 * vertical grid lines. XChart's own ticks are hidden on such an axis: its number ticks would read
 * 0, 1, 2 and its custom-label ticks sit only on data points.
 */
public final class NinesAxis extends Annotation {

    private final int maxNines;

    public NinesAxis(int maxNines) {
        super(false);
        this.maxNines = maxNines;
    }

    /** Label of the tick at {@code nines}: "50%", "90%", "99%", "99.9%"… */
    public static String label(double nines) {
        double p = 100 * (1 - Math.pow(10, -nines));
        return new java.math.BigDecimal(p).setScale(Math.max(0, (int) Math.round(nines) - 1) + 1, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString() + "%";
    }

    @Override
    public void paint(Graphics2D g) {
        double top = getYAxisScreenValueForMin(), bottom = getYAxisScreenValueForMax();
        double left = getXAxisScreenValueForMin(), right = getXAxisScreenValueForMax();
        bounds = new Rectangle2D.Double(left, top, right - left, bottom - top);
        g.setFont(Styles.TEXT);
        FontMetrics fm = g.getFontMetrics();
        double[] ticks = new double[maxNines + 1];
        ticks[0] = Math.log10(2); // 50 %
        for (int k = 1; k <= maxNines; k++) ticks[k] = k;
        for (double x : ticks) {
            double sx = chart.getScreenXFromChart(x);
            g.setColor(new Color(0xE4E4E4));
            g.setStroke(new BasicStroke(1f));
            g.draw(new Line2D.Double(sx, top, sx, bottom));
            g.setColor(Color.DARK_GRAY);
            g.draw(new Line2D.Double(sx, bottom, sx, bottom + 3));
            String s = label(x);
            g.drawString(s, (float) (sx - fm.stringWidth(s) / 2.0), (float) (bottom + 4 + fm.getAscent()));
        }
    }
}
