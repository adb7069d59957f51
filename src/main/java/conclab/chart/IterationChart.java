package conclab.chart;

import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A value per iteration, iteration by iteration: the warm-up curve of code the JIT compiler has not
 * seen yet (time per call falls as the interpreter hands over to compiled code), or any measure that
 * drifts from one repetition to the next. The y axis is logarithmic by default, so a hundredfold drop
 * and the small noise after it are both visible.
 *
 * <pre>{@code
 * Charts.iterations("µs per call", times).title("Warm-up of a new method")
 * }</pre>
 */
public final class IterationChart extends LabChart<IterationChart> {

    private final Map<String, double[]> series = new LinkedHashMap<>();
    private String unit;
    private boolean logarithmic = true;
    private Map<String, String> meta = Map.of();

    IterationChart(String unit) {
        super(conclab.text.Messages.get("chart.title.per_iteration"), 760, 360);
        this.unit = Objects.requireNonNull(unit, "unit");
    }

    /** Adds a series: {@code values[i]} is the value of iteration {@code i + 1}. */
    public IterationChart add(String label, double... values) {
        Objects.requireNonNull(label, "label");
        if (values.length == 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.no_values", label));
        series.put(label, values.clone());
        return this;
    }

    /** The unit of the values, for the axis title. */
    public IterationChart unit(String unit) {
        this.unit = Objects.requireNonNull(unit, "unit");
        return this;
    }

    /** A logarithmic y axis (the default) or a linear one. */
    public IterationChart logarithmic(boolean on) {
        this.logarithmic = on;
        return this;
    }

    /** Facts for the title ({@code jdk}, {@code cores}, {@code runs}). */
    public IterationChart meta(Map<String, String> meta) {
        this.meta = Map.copyOf(meta);
        return this;
    }

    private String fullTitle() {
        return Titles.full(title(), meta, 1);
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public XYChart toXChart() {
        XYChart c = new XYChart(width(), height());
        Styles.apply(c.getStyler());
        c.setTitle(fullTitle());
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.iteration"));
        c.setYAxisTitle(logarithmic ? conclab.text.Messages.get("chart.axis.log_scale", unit) : unit);
        boolean positive = series.values().stream().flatMapToDouble(Arrays::stream).allMatch(v -> v > 0);
        c.getStyler().setYAxisLogarithmic(logarithmic && positive);
        c.getStyler().setYAxisDecimalPattern("#,##0.##");
        c.getStyler().setLegendVisible(series.size() > 1);
        int i = 0;
        for (var e : series.entrySet()) {
            double[] y = e.getValue();
            double[] x = new double[y.length];
            for (int k = 0; k < y.length; k++) x[k] = k + 1;
            XYSeries s = c.addSeries(e.getKey(), x, y);
            s.setMarker(y.length <= 400 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setMarkerColor(Palette.series(i));
            s.setLineColor(Palette.fade(Palette.series(i), 0.5));
            s.setLineStyle(new BasicStroke(1.0f));
            i++;
        }
        c.getStyler().setMarkerSize(3);
        int n = series.values().stream().mapToInt(v -> v.length).max().orElse(0);
        if (n > 0) {
            c.getStyler().setXAxisMin(0.0).setXAxisMax((double) n);
            Styles.roundTicks(c, n, series.values().iterator().next()[0]); // ticks at round iteration numbers
        }
        return c;
    }

    @Override
    String emptyNotice() {
        return series.isEmpty() ? fullTitle() + ": no values" : null;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(fullTitle()).append('\n');
        if (series.isEmpty()) return sb.append("(no values)\n").toString();
        int labelW = Math.min(16, series.keySet().stream().mapToInt(String::length).max().orElse(4));
        int cells = Math.max(10, columns - labelW - 24);
        int n = series.values().stream().mapToInt(v -> v.length).max().orElse(1);
        for (var e : series.entrySet()) {
            double[] y = e.getValue();
            // each column shows the median of its iterations, so one outlier does not hide the trend
            double[] col = new double[Math.min(cells, n)];
            Arrays.fill(col, Double.NaN);
            for (int c = 0; c < col.length; c++) {
                int from = (int) ((long) c * n / col.length), to = (int) ((long) (c + 1) * n / col.length);
                if (from >= y.length) break;
                double[] part = Arrays.copyOfRange(y, from, Math.min(to, y.length));
                Arrays.sort(part);
                col[c] = part[part.length / 2];
            }
            double lo = Arrays.stream(y).min().orElse(0), hi = Arrays.stream(y).max().orElse(1);
            boolean log = logarithmic && lo > 0;
            double min = log ? Math.log(lo) : Math.min(0, lo), max = log ? Math.log(hi) : hi;
            double floor = Math.max(1e-12, (max - min) * 1e-9); // the lowest value still shows as a block
            double[] shown = Arrays.stream(col).map(v -> Double.isNaN(v) ? v : (log ? Math.log(v) : v) - min + floor).toArray();
            sb.append(TextArt.right(TextArt.fit(e.getKey(), labelW).strip(), labelW)).append(" │")
                    .append(TextArt.sparkline(shown, 0, max - min + floor)).append("│ ")
                    .append(TextArt.num(lo)).append('–').append(TextArt.num(hi)).append(' ').append(unit).append('\n');
        }
        sb.append(" ".repeat(labelW)).append(" └").append(TextArt.axis("1", Integer.toString(n), Math.min(cells, n)))
                .append("  iteration\n");
        return sb.toString();
    }
}
