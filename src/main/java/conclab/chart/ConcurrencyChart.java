package conclab.chart;

import conclab.chart.internal.Palette;
import conclab.chart.internal.StepLayer;
import conclab.chart.internal.Steps;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How many tasks ran at once, and how many waited: step lines over time from a trace's spans, with the
 * core count as a reference line. Running counts spans in {@code RUNNING} or {@code HOLDING_LOCK};
 * waiting counts {@code WAITING}; blocked counts {@code BLOCKED} (shown when there is any).
 */
public final class ConcurrencyChart extends LabChart<ConcurrencyChart> {

    private final Trace trace;
    private boolean showCores = true;
    private int maxPoints = 1000;

    ConcurrencyChart(Trace trace) {
        super(conclab.text.Messages.get("chart.title.concurrency", trace.label()), 900, 360);
        this.trace = trace;
    }

    /** Shows or hides the horizontal line at the core count. */
    public ConcurrencyChart cores(boolean show) {
        this.showCores = show;
        return this;
    }

    /** Above this many changes the curves are resampled (the peak per column is kept). */
    public ConcurrencyChart maxPoints(int maxPoints) {
        if (maxPoints < 10) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.maxpoints"));
        this.maxPoints = maxPoints;
        return this;
    }

    /** The step series drawn: "running", "waiting", and "blocked" when any span was blocked. */
    Map<String, Steps.Series> series() {
        long t1 = t1();
        boolean blocked = false;
        for (Span s : trace.spans()) blocked |= s.state() == SpanState.BLOCKED;
        Map<String, Steps.Series> out = new LinkedHashMap<>();
        out.put("running", count(EnumSet.of(SpanState.RUNNING, SpanState.HOLDING_LOCK), t1));
        out.put("waiting", count(EnumSet.of(SpanState.WAITING), t1));
        if (blocked) out.put("blocked", count(EnumSet.of(SpanState.BLOCKED), t1));
        return out;
    }

    private Steps.Series count(Set<SpanState> states, long t1) {
        int n = 0;
        for (Span s : trace.spans()) if (states.contains(s.state())) n++;
        long[] st = new long[n], en = new long[n];
        int i = 0;
        for (Span s : trace.spans()) {
            if (states.contains(s.state())) { st[i] = s.startNanos(); en[i] = s.endNanos(); i++; }
        }
        return Steps.count(st, en, trace.originNanos(), t1, maxPoints);
    }

    private long t1() {
        long end = trace.endNanos();
        for (Span s : trace.spans()) end = Math.max(end, s.endNanos());
        return Math.max(end, trace.originNanos() + 1);
    }

    private int cores() {
        String c = trace.meta().get("cores");
        try {
            return c != null ? Integer.parseInt(c.trim()) : Runtime.getRuntime().availableProcessors();
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public XYChart toXChart() {
        XYChart c = new XYChart(width(), height());
        Styles.apply(c.getStyler());
        c.setTitle(Titles.full(title(), trace.meta(), 1));
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.time_since_start_ms"));
        c.setYAxisTitle(conclab.text.Messages.get("chart.axis.tasks"));
        double maxMs = (t1() - trace.originNanos()) / 1e6;
        double top = 1;
        var st = c.getStyler();
        st.setXAxisMin(0.0).setXAxisMax(maxMs).setYAxisMin(0.0);
        st.setAntiAlias(false);   // steps, grid, axes: all axis-aligned, crisp and faster without; text keeps its own
        Map<String, Color> colours = Map.of("running", Palette.RUNNING, "waiting", new Color(0x5B7F9E), "blocked", Palette.BLOCKED);
        // XChart draws the legend and axes; the curves are painted per device-pixel column by a layer (a
        // thousand antialiased steps cost XChart more than the rest of the chart).
        java.util.List<StepLayer.Curve> curves = new java.util.ArrayList<>();
        for (var e : series().entrySet()) {
            Steps.Series s = e.getValue();
            top = Math.max(top, s.max());
            boolean area = e.getKey().equals("running");
            Color col = colours.get(e.getKey());
            Color fill = new Color(col.getRed(), col.getGreen(), col.getBlue(), 70);
            curves.add(new StepLayer.Curve(s.xMs(), s.y(), col, area ? fill : null));
            // a line, even for the area: an area's fill would reach up from y = −5 into the plot's margin
            Styles.legendOnly(c, conclab.text.Messages.get("state." + e.getKey()), XYSeries.XYSeriesRenderStyle.Step, col, maxMs)
                    .setLineStyle(new BasicStroke(StepLayer.LINE));
        }
        c.addAnnotation(new StepLayer(curves, maxMs));
        if (showCores) {
            int cores = cores();
            XYSeries cs = c.addSeries(conclab.text.Messages.get(cores == 1 ? "chart.facts.core" : "chart.facts.cores", String.valueOf(cores)), new double[]{0, maxMs}, new double[]{cores, cores});
            cs.setLineColor(Palette.IDEAL);
            cs.setLineStyle(SeriesLines.DASH_DASH);
            cs.setMarker(SeriesMarkers.NONE);
            top = Math.max(top, cores);
        }
        Styles.roundTicks(c, maxMs, 0);
        st.setYAxisMax(Math.ceil(top * 1.15));
        return c;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(Titles.full(title(), trace.meta(), 1)).append('\n');
        int cells = Math.max(10, columns - 20);
        long t0 = trace.originNanos(), t1 = t1();
        double top = cores();
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (var e : series().entrySet()) {
            double[] v = resample(e.getValue(), cells, (t1 - t0) / 1e6);
            cols.put(e.getKey(), v);
            for (double x : v) top = Math.max(top, x);
        }
        for (var e : cols.entrySet()) {
            double mx = java.util.Arrays.stream(e.getValue()).max().orElse(0);
            sb.append(TextArt.right(e.getKey(), 8)).append(" │").append(TextArt.sparkline(e.getValue(), 0, top))
                    .append("│ max ").append(TextArt.num(mx)).append('\n');
        }
        sb.append(" ".repeat(8)).append(" └").append(TextArt.axis("0", TextArt.ms((t1 - t0) / 1e6), cells)).append('\n');
        sb.append(" ".repeat(10)).append("full height = ").append(TextArt.num(top)).append(" tasks; ")
                .append(cores()).append(" cores\n");
        return sb.toString();
    }

    /* the maximum of a step function per column */
    private static double[] resample(Steps.Series s, int cells, double spanMs) {
        double[] out = new double[cells];
        double[] x = s.xMs(), y = s.y();
        for (int i = 0; i < x.length; i++) {
            double from = x[i], to = i + 1 < x.length ? x[i + 1] : spanMs;
            int a = (int) Math.min(cells - 1, from / spanMs * cells);
            int b = (int) Math.min(cells - 1, Math.max(a, Math.ceil(to / spanMs * cells) - 1));
            if (to <= from && i + 1 < x.length) b = a;
            for (int c = a; c <= b; c++) out[c] = Math.max(out[c], y[i]);
        }
        return out;
    }
}
