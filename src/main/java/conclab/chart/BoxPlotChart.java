package conclab.chart;

import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxSeries;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Repeated runs side by side: one box per strategy (quartiles, median, whiskers to min and max), so the
 * spread between runs is seen before the difference between strategies is believed.
 *
 * <pre>{@code
 * Charts.boxPlot().add("sequential", 1.62, 1.60, 1.65).add("virtual", 0.21, 0.24, 0.22)
 * }</pre>
 */
public final class BoxPlotChart extends LabChart<BoxPlotChart> {

    private final Map<String, double[]> runs = new LinkedHashMap<>();
    private String unit = "s";
    private Map<String, String> meta = Map.of();

    BoxPlotChart() {
        super(conclab.text.Messages.get("chart.title.repeated_runs"), 640, 400);
    }

    /** Adds one box: the values of the repeated runs of {@code label} (seconds by default). */
    public BoxPlotChart add(String label, double... values) {
        Objects.requireNonNull(label, "label");
        if (values.length == 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.no_values", label));
        runs.put(label, values.clone());
        return this;
    }

    /** The unit of the values, for the axis title (default "s"). */
    public BoxPlotChart unit(String unit) {
        this.unit = Objects.requireNonNull(unit, "unit");
        return this;
    }

    /** Facts for the title ({@code jdk}, {@code cores}, {@code runs}). */
    public BoxPlotChart meta(Map<String, String> meta) {
        this.meta = Map.copyOf(meta);
        return this;
    }

    /** min, first quartile, median, third quartile, max of {@code values} (linear interpolation). */
    static double[] fiveNumbers(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new double[]{v[0], quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75), v[v.length - 1]};
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        double f = pos - i;
        return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
    }

    private String fullTitle() {
        int n = runs.values().stream().mapToInt(v -> v.length).max().orElse(0);
        return Titles.full(title(), meta, n);
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public BoxChart toXChart() {
        BoxChart c = new org.knowm.xchart.BoxChartBuilder().width(width()).height(height()).build();
        Styles.apply(c.getStyler());
        c.getStyler().setLegendVisible(false);
        c.setTitle(fullTitle());
        c.setYAxisTitle(unit);
        c.getStyler().setSeriesColors(Palette.SERIES);
        for (var e : runs.entrySet()) {
            BoxSeries s = c.addSeries(e.getKey(), e.getValue());
            s.setFillColor(new java.awt.Color(0xD6E6F2));
        }
        return c;
    }

    @Override
    String emptyNotice() {
        return runs.isEmpty() ? fullTitle() + ": no runs" : null;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(fullTitle()).append('\n');
        if (runs.isEmpty()) return sb.append("(no runs)\n").toString();
        int labelW = Math.min(16, runs.keySet().stream().mapToInt(String::length).max().orElse(4));
        int cells = Math.max(10, columns - labelW - 26);
        double lo = runs.values().stream().flatMapToDouble(Arrays::stream).min().orElse(0);
        double hi = runs.values().stream().flatMapToDouble(Arrays::stream).max().orElse(1);
        double span = hi - lo == 0 ? 1 : hi - lo;
        for (var e : runs.entrySet()) {
            double[] f = fiveNumbers(e.getValue());
            int[] p = new int[5];
            for (int k = 0; k < 5; k++) p[k] = (int) Math.round((f[k] - lo) / span * (cells - 1));
            char[] row = new char[cells];
            Arrays.fill(row, ' ');
            for (int k = p[0]; k <= p[4]; k++) row[k] = '─';
            for (int k = p[1]; k <= p[3]; k++) row[k] = '█';
            row[p[0]] = '├';
            row[p[4]] = '┤';
            row[p[2]] = '┃';
            sb.append(TextArt.right(TextArt.fit(e.getKey(), labelW).strip(), labelW)).append(" │").append(row)
                    .append("│ median ").append(TextArt.num(f[2])).append(' ').append(unit).append('\n');
        }
        sb.append(" ".repeat(labelW)).append(" └").append(TextArt.axis(TextArt.num(lo) + " " + unit, TextArt.num(hi) + " " + unit, cells)).append('\n');
        return sb.toString();
    }
}
