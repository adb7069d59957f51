package conclab.chart;

import conclab.chart.internal.NinesAxis;
import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import conclab.chart.internal.Units;
import org.HdrHistogram.AbstractHistogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Latency by percentile, the tail stretched out: the x axis counts "nines" (0 → 0 %, 1 → 90 %, 2 → 99 %,
 * 3 → 99.9 %), as HdrHistogram's plots do, so the 99.9th percentile gets as much room as the median.
 */
public final class PercentileChart extends LatencyChart<PercentileChart> {

    /** Points per nine on the curve. */
    private static final int STEPS = 8;

    private int nines = -1;

    PercentileChart(String label, AbstractHistogram h) {
        super(conclab.text.Messages.get("chart.title.latency_by_percentile"), 720, 400, label, h);
    }

    /** How far the axis goes: 3 means up to 99.9 %. Default: as far as the sample count supports (1..6). */
    public PercentileChart nines(int nines) {
        if (nines < 1 || nines > 7) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.nines"));
        this.nines = nines;
        return this;
    }

    int maxNines() {
        if (nines > 0) return nines;
        long n = histograms.values().stream().mapToLong(AbstractHistogram::getTotalCount).max().orElse(10);
        return (int) Math.max(1, Math.min(6, Math.floor(Math.log10(Math.max(10, n)))));
    }

    /** The percentile (0..100) at {@code x} nines. */
    static double percentile(double x) {
        return 100 * (1 - Math.pow(10, -x));
    }

    /** "99.9%" for 3 nines. */
    static String label(double x) {
        return NinesAxis.label(x);
    }

    private String fullTitle() {
        return Titles.full(title(), meta, samples()).replace(" runs", " samples").replace(" run", " sample");
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public XYChart toXChart() {
        XYChart c = new XYChart(width(), height());
        Styles.apply(c.getStyler());
        Units.Unit u = displayUnit();
        c.setTitle(fullTitle());
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.percentile"));
        c.setYAxisTitle(conclab.text.Messages.get("chart.axis.latency", u.symbol()));
        int max = maxNines();
        int pts = max * STEPS + 1;
        double[] xs = new double[pts];
        for (int k = 0; k < pts; k++) xs[k] = (double) k / STEPS;
        c.getStyler().setXAxisMin(0.0).setXAxisMax((double) max).setYAxisMin(0.0);
        c.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Vertical);
        c.getStyler().setXAxisTicksVisible(false).setPlotGridVerticalLinesVisible(false);
        c.getStyler().setAxisTitlePadding(22); // room for the percentile labels the annotation draws
        c.addAnnotation(new NinesAxis(max));
        int i = 0;
        for (var e : histograms.entrySet()) {
            AbstractHistogram h = e.getValue();
            double[] ys = new double[pts];
            for (int k = 0; k < pts; k++) ys[k] = h.getTotalCount() == 0 ? 0 : u.of(h.getValueAtPercentile(percentile(xs[k])), unit);
            XYSeries s = c.addSeries(e.getKey() + ": " + HistogramChart.percentiles(h, u, unit), xs, ys);
            s.setLineColor(Palette.series(i));
            s.setMarkerColor(Palette.series(i++));
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(1.6f));
        }
        c.getStyler().setMarkerSize(4);
        return c;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(fullTitle()).append('\n');
        Units.Unit u = displayUnit();
        double[] ps = {50, 90, 99, 99.9, 99.99, 99.999, 99.9999};
        int n = Math.min(ps.length, maxNines() + 1);
        double top = histograms.values().stream().mapToDouble(h -> u.of(h.getValueAtPercentile(ps[n - 1]), unit)).max().orElse(1);
        for (var e : histograms.entrySet()) {
            sb.append(e.getKey()).append('\n');
            for (int k = 0; k < n; k++) {
                double v = u.of(e.getValue().getValueAtPercentile(ps[k]), unit);
                String p = new BigDecimal(ps[k]).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
                sb.append(conclab.text.Messages.format("  p%-8s %9s %-2s │", p, TextArt.num(v), u.symbol()))
                        .append(TextArt.bar(v, top, Math.max(10, columns - 28))).append('\n');
            }
        }
        return sb.toString();
    }
}
