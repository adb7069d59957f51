package conclab.chart;

import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import conclab.trace.CounterSample;
import conclab.trace.Trace;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Counters over time from a trace: queue depth, heap used, permits taken, any {@link CounterSample}
 * name. Each counter is a step line (a value holds until the next sample). When two counters differ in
 * scale by more than 20×, the second gets its own axis on the right, unless {@link #secondAxis(boolean)}
 * says not to. {@link Charts#overlay} shows one counter of several runs on one axis.
 */
public final class CounterChart extends LabChart<CounterChart> {

    private final Trace trace;
    private List<String> names = List.of();
    private int maxPoints = 2000;
    private boolean secondAxis = true;
    /** The left axis title; null: the counter's label when it is alone there, else "value". */
    private String yTitle;
    /** What the legend, the axes and the text form call a counter, when not its name. */
    private final Map<String, String> labels = new LinkedHashMap<>();

    CounterChart(Trace trace) {
        super(conclab.text.Messages.get("chart.title.counters", trace.label()), 900, 360);
        this.trace = trace;
    }

    /**
     * The counter {@code counter} of each of {@code runs}, one series per run named after the run's
     * label, with time measured from each run's own start, on one axis.
     */
    static CounterChart overlay(String counter, List<Trace> runs) {
        java.util.Objects.requireNonNull(counter, "counter");
        if (runs.isEmpty()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.no_runs"));
        List<CounterSample> samples = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        long end = 1;
        for (Trace t : runs) {
            String label = t.label();
            for (int k = 2; labels.contains(label); k++) label = t.label() + " #" + k;
            labels.add(label);
            for (CounterSample c : t.counters()) {
                if (c.name().equals(counter)) samples.add(new CounterSample(label, c.atNanos() - t.originNanos(), c.value()));
            }
            end = Math.max(end, t.makespanNanos());
        }
        Map<String, String> meta = new LinkedHashMap<>(runs.getFirst().meta());
        meta.keySet().retainAll(java.util.Set.of("jdk", "cores"));
        meta.put("runs", "1");
        CounterChart c = new CounterChart(new Trace(counter, 0, end, List.of(), List.of(), samples, meta));
        c.yTitle = counter;
        return c.names(labels.toArray(String[]::new)).secondAxis(false).title(conclab.text.Messages.get("chart.title.over_time", counter));
    }

    /** Lets a counter of a very different scale have its own axis on the right (the default), or not. */
    public CounterChart secondAxis(boolean allow) {
        this.secondAxis = allow;
        return this;
    }

    /**
     * The title of the left axis (default: the name of the counter drawn there, or of the counter that
     * {@link Charts#overlay} overlays). A counter's name is data the cells look up, so a chart in another
     * language names its axis here: {@code .yTitle("tas utilisé (Mo)")}.
     */
    public CounterChart yTitle(String title) {
        this.yTitle = java.util.Objects.requireNonNull(title, "title");
        return this;
    }

    /**
     * What the legend, the axis titles and the text form call the counter {@code counter} (default: its
     * name): {@code .label("jobs depth", "profondeur de la file")}. {@link #series()} keeps the names.
     */
    public CounterChart label(String counter, String label) {
        labels.put(java.util.Objects.requireNonNull(counter, "counter"), java.util.Objects.requireNonNull(label, "label"));
        return this;
    }

    private String shown(String counter) {
        return labels.getOrDefault(counter, counter);
    }

    /** Shows only these counters (default: all, in order of first sample). */
    public CounterChart names(String... names) {
        this.names = List.of(names);
        return this;
    }

    /** Above this many samples a counter is resampled, keeping each column's highest value. */
    public CounterChart maxPoints(int maxPoints) {
        if (maxPoints < 10) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.maxpoints"));
        this.maxPoints = maxPoints;
        return this;
    }

    /** The counters shown, each as x (ms since origin) and y, time-ordered. */
    public Map<String, double[][]> series() {
        Map<String, List<CounterSample>> by = new LinkedHashMap<>();
        List<CounterSample> sorted = new ArrayList<>(trace.counters());
        sorted.sort(Comparator.comparingLong(CounterSample::atNanos));
        for (CounterSample c : sorted) by.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
        List<String> shown = names.isEmpty() ? new ArrayList<>(by.keySet()) : names;
        Map<String, double[][]> out = new LinkedHashMap<>();
        long t0 = trace.originNanos();
        for (String n : new LinkedHashSet<>(shown)) {
            List<CounterSample> l = by.getOrDefault(n, List.of());
            double[] x = new double[l.size()], y = new double[l.size()];
            for (int i = 0; i < l.size(); i++) { x[i] = (l.get(i).atNanos() - t0) / 1e6; y[i] = l.get(i).value(); }
            out.put(n, l.size() > maxPoints ? resample(x, y, maxPoints) : new double[][]{x, y});
        }
        return out;
    }

    private static double[][] resample(double[] x, double[] y, int columns) {
        double lo = x[0], hi = x[x.length - 1], w = Math.max(1e-12, (hi - lo) / columns);
        double[] cx = new double[columns], cy = new double[columns];
        Arrays.fill(cy, Double.NaN);
        for (int i = 0; i < x.length; i++) {
            int c = (int) Math.min(columns - 1, (x[i] - lo) / w);
            cy[c] = Double.isNaN(cy[c]) ? y[i] : Math.max(cy[c], y[i]);
        }
        int k = 0;
        for (int c = 0; c < columns; c++) {
            if (Double.isNaN(cy[c])) continue;
            cx[k] = lo + c * w;
            cy[k++] = cy[c];
        }
        return new double[][]{Arrays.copyOf(cx, k), Arrays.copyOf(cy, k)};
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public XYChart toXChart() {
        XYChart c = new XYChart(width(), height());
        Styles.apply(c.getStyler());
        c.setTitle(Titles.full(title(), trace.meta(), 1));
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.time_since_start_ms"));
        double maxMs = Math.max(1e-6, (trace.endNanos() - trace.originNanos()) / 1e6);
        Map<String, double[][]> s = series();
        double firstMax = Double.NaN;
        int i = 0;
        for (var e : s.entrySet()) {
            double[] x = e.getValue()[0], y = e.getValue()[1];
            if (x.length == 0) continue;
            double m = Arrays.stream(y).map(Math::abs).max().orElse(0);
            maxMs = Math.max(maxMs, x[x.length - 1]);
            XYSeries xs = c.addSeries(shown(e.getKey()), x, y);
            xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            xs.setMarker(SeriesMarkers.NONE);
            xs.setLineColor(Palette.series(i++));
            xs.setLineStyle(new BasicStroke(1.6f));
            if (Double.isNaN(firstMax)) {
                firstMax = m;
                c.setYAxisGroupTitle(0, yTitle != null ? yTitle : shown(e.getKey()));
            } else if (secondAxis && i == 2 && (m > 20 * firstMax || firstMax > 20 * m)) {
                xs.setYAxisGroup(1);
                c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
                c.setYAxisGroupTitle(1, shown(e.getKey()));
            }
        }
        c.getStyler().setXAxisMin(0.0).setXAxisMax(maxMs);
        long onLeft = c.getSeriesMap().values().stream().filter(x -> x.getYAxisGroup() == 0).count();
        if (onLeft > 1) c.setYAxisGroupTitle(0, yTitle != null ? yTitle : conclab.text.Messages.get("chart.axis.value"));
        Styles.roundTicks(c, maxMs, s.values().stream().filter(v -> v[1].length > 0).mapToDouble(v -> v[1][0]).findFirst().orElse(0));
        if (!secondAxis) {
            // one axis for series of very different heights: a round top keeps the ticks round
            double lo = s.values().stream().flatMapToDouble(v -> Arrays.stream(v[1])).min().orElse(0);
            double hi = s.values().stream().flatMapToDouble(v -> Arrays.stream(v[1])).max().orElse(1);
            if (lo >= 0 && hi > 0) c.getStyler().setYAxisMin(0.0).setYAxisMax(roundUp(hi * 1.05));
        }
        return c;
    }

    /** The least of 1, 2, 2.5, 5 × 10^k not below {@code x > 0}. */
    static double roundUp(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) if (m * p >= x) return m * p;
        return 10 * p;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(Titles.full(title(), trace.meta(), 1)).append('\n');
        Map<String, double[][]> s = series();
        int labelW = Math.min(16, s.keySet().stream().mapToInt(k -> shown(k).length()).max().orElse(4));
        int cells = Math.max(10, columns - labelW - 20);
        double span = Math.max(1e-6, (trace.endNanos() - trace.originNanos()) / 1e6);
        for (var e : s.entrySet()) {
            double[] x = e.getValue()[0], y = e.getValue()[1];
            double[] col = new double[cells];
            Arrays.fill(col, Double.NaN);
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < x.length; i++) {
                double to = i + 1 < x.length ? x[i + 1] : span;
                int a = (int) Math.max(0, Math.min(cells - 1, x[i] / span * cells));
                int b = (int) Math.max(a, Math.min(cells - 1, Math.ceil(to / span * cells) - 1));
                for (int c = a; c <= b; c++) col[c] = Double.isNaN(col[c]) ? y[i] : Math.max(col[c], y[i]);
                lo = Math.min(lo, y[i]);
                hi = Math.max(hi, y[i]);
            }
            final double base = Math.min(0, lo), top = hi;
            // a value equal to the base still shows, as the lowest block
            double[] shifted = Arrays.stream(col).map(v -> Double.isNaN(v) ? v : v - base + (top - base) * 1e-9).toArray();
            sb.append(TextArt.right(TextArt.fit(shown(e.getKey()), labelW).strip(), labelW)).append(" │")
                    .append(TextArt.sparkline(shifted, 0, top - base)).append("│ ")
                    .append(x.length == 0 ? "no samples" : TextArt.num(lo) + "–" + TextArt.num(hi)).append('\n');
        }
        sb.append(" ".repeat(labelW)).append(" └").append(TextArt.axis("0", TextArt.ms(span), cells)).append('\n');
        return sb.toString();
    }
}
