package conclab.chart;

import conclab.trace.Scaling;
import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How speedup bends as workers are added: per strategy the median speedup with the spread over
 * repetitions (a vertical bar from the slowest to the fastest), the ideal line {@code S(n) = n}, and
 * Amdahl and Universal Scalability Law fits with their parameters in the legend.
 *
 * <pre>{@code
 * Charts.speedup(poolSeries, virtualSeries).usl(false)
 * }</pre>
 */
public final class SpeedupChart extends LabChart<SpeedupChart> {

    private final List<SpeedupSeries> series = new ArrayList<>();
    private boolean amdahl = true;
    private boolean usl = true;
    private boolean ideal = true;
    private Map<String, String> meta = Map.of();

    SpeedupChart(List<SpeedupSeries> series) {
        super(conclab.text.Messages.get("chart.title.speedup"), 720, 440);
        this.series.addAll(series);
    }

    /** Adds a series (a strategy). */
    public SpeedupChart add(SpeedupSeries s) {
        series.add(Objects.requireNonNull(s, "series"));
        return this;
    }

    /** Shows or hides the Amdahl fits. */
    public SpeedupChart amdahl(boolean show) {
        this.amdahl = show;
        return this;
    }

    /** Shows or hides the Universal Scalability Law fits. */
    public SpeedupChart usl(boolean show) {
        this.usl = show;
        return this;
    }

    /** Shows or hides the ideal line. */
    public SpeedupChart ideal(boolean show) {
        this.ideal = show;
        return this;
    }

    /** Facts for the title ({@code jdk}, {@code cores}, {@code runs}), e.g. a trace's meta. */
    public SpeedupChart meta(Map<String, String> meta) {
        this.meta = Map.copyOf(meta);
        return this;
    }

    /** The series shown. */
    public List<SpeedupSeries> series() {
        return List.copyOf(series);
    }

    private String fullTitle() {
        int runs = series.stream().mapToInt(SpeedupSeries::repetitions).max().orElse(0);
        return Titles.full(title(), meta, runs);
    }

    private int maxWorkers() {
        return series.stream().filter(s -> !s.seconds().isEmpty()).mapToInt(s -> s.seconds().lastKey()).max().orElse(1);
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public XYChart toXChart() {
        XYChart c = new XYChart(width(), height());
        Styles.apply(c.getStyler());
        c.setTitle(fullTitle());
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.workers"));
        c.setYAxisTitle(conclab.text.Messages.get("chart.axis.speedup"));
        var st = c.getStyler();
        st.setXAxisMin(0.0).setYAxisMin(0.0);
        st.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        st.setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Vertical);
        st.setLegendBorderColor(new java.awt.Color(0xDDDDDD));
        st.setMarkerSize(8);
        int maxN = maxWorkers();
        double top = 1;
        if (ideal) {
            XYSeries s = c.addSeries(conclab.text.Messages.get("chart.series.ideal"), new double[]{1, maxN}, new double[]{1, maxN});
            s.setLineColor(Palette.IDEAL);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(SeriesLines.DASH_DASH);
            top = maxN;
        }
        double[] curveX = new double[61];
        for (int i = 0; i <= 60; i++) curveX[i] = 1 + (maxN - 1) * i / 60.0;
        int k = 0;
        for (SpeedupSeries ss : series) {
            var color = Palette.series(k++);
            var sp = ss.speedups();
            double[] xs = new double[sp.size()], med = new double[sp.size()];
            int i = 0;
            for (var e : sp.entrySet()) {
                xs[i] = e.getKey();
                med[i] = SpeedupSeries.median(e.getValue());
                double[] v = e.getValue().clone();
                Arrays.sort(v);
                top = Math.max(top, v[v.length - 1]);
                if (v.length > 1) {
                    XYSeries spread = c.addSeries(ss.label() + " spread " + e.getKey(),
                            new double[]{e.getKey(), e.getKey()}, new double[]{v[0], v[v.length - 1]});
                    spread.setShowInLegend(false);
                    spread.setLineColor(color);
                    spread.setMarker(SeriesMarkers.DIAMOND);
                    spread.setMarkerColor(color);
                    spread.setLineStyle(new BasicStroke(2f));
                }
                i++;
            }
            XYSeries pts = c.addSeries(conclab.text.Messages.get("chart.series.median_range", ss.label()), xs, med);
            pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            pts.setMarker(SeriesMarkers.CIRCLE);
            pts.setMarkerColor(color);
            if (ss.seconds().size() >= 2 || (ss.seconds().size() == 1 && ss.seconds().firstKey() > 1)) {
                if (amdahl) {
                    Scaling.AmdahlFit f = ss.amdahl();
                    XYSeries a = c.addSeries(ss.label() + ": " + f.label(), curveX, Arrays.stream(curveX).map(f::speedup).toArray());
                    a.setLineColor(color);
                    a.setMarker(SeriesMarkers.NONE);
                    a.setLineStyle(SeriesLines.DASH_DOT);
                }
                if (usl) {
                    Scaling.UslFit f = ss.usl();
                    XYSeries u = c.addSeries(ss.label() + ": " + f.label(), curveX, Arrays.stream(curveX).map(f::speedup).toArray());
                    u.setLineColor(color);
                    u.setMarker(SeriesMarkers.NONE);
                    u.setLineStyle(SeriesLines.DOT_DOT);
                }
            }
        }
        st.setXAxisMax(maxN + 0.5);
        st.setYAxisMax(Math.ceil(top * 1.1));
        return c;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(fullTitle()).append('\n');
        double max = 1;
        for (SpeedupSeries ss : series) for (double[] v : ss.speedups().values()) for (double x : v) max = Math.max(max, x);
        max = Math.max(max, maxWorkers());
        int barW = Math.max(10, columns - 46);
        for (SpeedupSeries ss : series) {
            sb.append(ss.label()).append(conclab.text.Messages.format("  (baseline %.4g s)%n", ss.baseline()));
            for (var e : ss.speedups().entrySet()) {
                double[] v = e.getValue().clone();
                Arrays.sort(v);
                double m = SpeedupSeries.median(v);
                String row = conclab.text.Messages.format("  %4d %-7s ×%-6s (%s–%s) ", e.getKey(), e.getKey() == 1 ? conclab.text.Messages.get("word.worker") : conclab.text.Messages.get("word.workers"),
                        TextArt.num(m), TextArt.num(v[0]), TextArt.num(v[v.length - 1]));
                sb.append(TextArt.fit(row, 44)).append(TextArt.bar(m, max, barW)).append('\n');
            }
            if (ss.seconds().size() >= 2) {
                sb.append("  fits: ");
                if (amdahl) sb.append(ss.amdahl().label()).append("   ");
                if (usl) sb.append(ss.usl().label());
                sb.append('\n');
            }
        }
        if (ideal) sb.append("ideal: ×n (bar full = ×").append(TextArt.num(max)).append(")\n");
        return sb.toString();
    }
}
