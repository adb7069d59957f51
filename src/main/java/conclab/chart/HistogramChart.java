package conclab.chart;

import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import conclab.chart.internal.Units;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where latencies pile up: a histogram of one or more HdrHistograms on a logarithmic time axis (the
 * long tail stays readable), with the 50th, 99th and 99.9th percentiles in the legend.
 *
 * <pre>{@code
 * Charts.histogram("virtual", virtualLatencies).add("platform", platformLatencies).unit(TimeUnit.MICROSECONDS)
 * }</pre>
 */
public final class HistogramChart extends LatencyChart<HistogramChart> {

    private int bins = 40;

    HistogramChart(String label, AbstractHistogram h) {
        super(conclab.text.Messages.get("chart.title.latency"), 720, 400, label, h);
    }

    /** Number of logarithmic bins between the smallest and the largest value (default 40). */
    public HistogramChart bins(int bins) {
        if (bins < 2) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.bins"));
        this.bins = bins;
        return this;
    }

    /** Bin edges (in recorded units, {@code bins + 1} of them) shared by all histograms. */
    double[] edges() {
        return edges(bins);
    }

    private double[] edges(int bins) {
        long lo = Long.MAX_VALUE, hi = 1;
        for (AbstractHistogram h : histograms.values()) {
            if (h.getTotalCount() == 0) continue;
            lo = Math.min(lo, Math.max(1, h.getMinNonZeroValue()));
            hi = Math.max(hi, h.getMaxValue());
        }
        if (lo == Long.MAX_VALUE) lo = 1;
        hi = Math.max(hi, lo + 1);
        double[] e = new double[bins + 1];
        double ratio = Math.log((double) hi / lo);
        for (int k = 0; k <= bins; k++) e[k] = lo * Math.exp(ratio * k / bins);
        e[bins] = Math.nextUp((double) hi);
        return e;
    }

    /** Counts per bin of {@code h} over {@code edges}: every recorded value lands in exactly one bin. */
    static long[] counts(AbstractHistogram h, double[] edges) {
        long[] c = new long[edges.length - 1];
        for (HistogramIterationValue v : h.recordedValues()) {
            double x = h.medianEquivalentValue(v.getValueIteratedTo());
            int k = java.util.Arrays.binarySearch(edges, x);
            k = k >= 0 ? k : -k - 2;
            k = Math.max(0, Math.min(c.length - 1, k));
            c[k] += v.getCountAtValueIteratedTo();
        }
        return c;
    }

    private String fullTitle() {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.putIfAbsent("runs", samples() + "");
        return Titles.full(title(), m, samples()).replace(" runs", " samples").replace(" run", " sample");
    }

    static String percentiles(AbstractHistogram h, Units.Unit u, TimeUnit unit) {
        return conclab.text.Messages.format("p50 %s  p99 %s  p99.9 %s  max %s %s",
                TextArt.num(u.of(h.getValueAtPercentile(50), unit)), TextArt.num(u.of(h.getValueAtPercentile(99), unit)),
                TextArt.num(u.of(h.getValueAtPercentile(99.9), unit)), TextArt.num(u.of(h.getMaxValue(), unit)), u.symbol());
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public XYChart toXChart() {
        XYChart c = new XYChart(width(), height());
        Styles.apply(c.getStyler());
        Units.Unit u = displayUnit();
        c.setTitle(fullTitle());
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.latency_log", u.symbol()));
        c.setYAxisTitle(conclab.text.Messages.get("chart.axis.count"));
        c.getStyler().setXAxisLogarithmic(true).setYAxisMin(0.0);
        c.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Vertical);
        double[] e = edges();
        int i = 0;
        for (var entry : histograms.entrySet()) {
            long[] counts = counts(entry.getValue(), e);
            double[] xs = new double[e.length], ys = new double[e.length];
            for (int k = 0; k < e.length; k++) {
                xs[k] = u.of(e[k], unit);
                ys[k] = k < counts.length ? counts[k] : counts[counts.length - 1];
            }
            XYSeries s = c.addSeries(entry.getKey() + ": " + percentiles(entry.getValue(), u, unit), xs, ys);
            Color col = Palette.series(i++);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
            s.setLineColor(col);
            s.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 90));
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(new BasicStroke(1.2f));
        }
        return c;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(fullTitle()).append('\n');
        Units.Unit u = displayUnit();
        int coarse = Math.min(bins, 12);
        double[] e = edges(coarse);
        for (var entry : histograms.entrySet()) {
            sb.append(entry.getKey()).append("  ").append(percentiles(entry.getValue(), u, unit)).append('\n');
            long[] counts = counts(entry.getValue(), e);
            long max = java.util.Arrays.stream(counts).max().orElse(1);
            for (int k = 0; k < counts.length; k++) {
                String range = TextArt.right(TextArt.num(u.of(e[k], unit)), 7) + "–" + TextArt.fit(TextArt.num(u.of(e[k + 1], unit)), 7);
                sb.append("  ").append(range).append(' ').append(u.symbol()).append(" │")
                        .append(TextArt.fit(TextArt.bar(counts[k], max, columns - 38), columns - 36)).append(counts[k]).append('\n');
            }
        }
        return sb.toString();
    }

    List<String> labels() {
        return new ArrayList<>(histograms.keySet());
    }
}
