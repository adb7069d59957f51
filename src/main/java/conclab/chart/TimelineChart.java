package conclab.chart;

import conclab.chart.internal.LaneLayer;
import conclab.chart.internal.Lanes;
import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import conclab.trace.Marker;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Who ran when: one lane per thread (or worker, or carrier), time left to right in milliseconds since
 * the start of the run, each span coloured by its state (running, waiting, blocked, holding a lock).
 * Markers (GC pauses, pinned virtual threads) are drawn on top.
 *
 * <p>Spans shorter than a pixel are merged: each pixel column of a lane shows the state that took most
 * of its time, faded by how busy the column was, so a million spans draw in well under a second and a
 * lane's coloured area still adds up to its busy time.
 *
 * <pre>{@code
 * Charts.timeline(trace)                                 // lanes by thread, ordered by first start
 * Charts.timeline(trace).laneBy(Span::carrier).orderByName().markers(false)
 * }</pre>
 */
public final class TimelineChart extends LabChart<TimelineChart> {

    /** Lane order top to bottom. */
    public enum LaneOrder {
        /** The lane that started first on top (ties by name). */
        FIRST_START,
        /** By name, numbers compared as numbers: worker-2 above worker-10. */
        NAME
    }

    private final Trace trace;
    private Function<Span, String> laneKey = Span::lane;
    private LaneOrder order = LaneOrder.FIRST_START;
    private boolean showMarkers = true;
    private int maxLanes = 40;

    TimelineChart(Trace trace) {
        super(conclab.text.Messages.get("chart.title.timeline", trace.label()), 900, 420);
        this.trace = trace;
    }

    /** Draws one lane per distinct key, e.g. {@code Span::carrier} for virtual threads' carriers. */
    public TimelineChart laneBy(Function<Span, String> key) {
        this.laneKey = Objects.requireNonNull(key, "key");
        return this;
    }

    /** Orders lanes as given. */
    public TimelineChart order(LaneOrder order) {
        this.order = Objects.requireNonNull(order, "order");
        return this;
    }

    /** Shows or hides markers (GC pauses, pinning). */
    public TimelineChart markers(boolean show) {
        this.showMarkers = show;
        return this;
    }

    /** Draws at most this many lanes (the first ones in order); the title says how many were left out. */
    public TimelineChart maxLanes(int maxLanes) {
        if (maxLanes < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.maxlanes"));
        this.maxLanes = maxLanes;
        return this;
    }

    /** The lanes drawn, top to bottom. */
    public List<String> lanes() {
        return new ArrayList<>(grouped().keySet());
    }

    /** Lane count before {@link #maxLanes(int)} is applied. */
    public int laneCount() {
        return Lanes.group(trace.spans(), laneKey, order()).size();
    }

    /** The trace drawn. */
    public Trace trace() {
        return trace;
    }

    private Lanes.Order order() {
        return order == LaneOrder.NAME ? Lanes.Order.NAME : Lanes.Order.FIRST_START;
    }

    /* the lanes drawn for the current configuration, and how many were cut; guarded by this */
    private Map<String, List<Span>> groupedCache;
    private Object groupedKey;
    private int hidden;

    /* The lanes drawn, grouped and cut to maxLanes, cached per configuration. */
    private synchronized Map<String, List<Span>> grouped() {
        Object key = List.of(laneKey, order, maxLanes);
        if (groupedCache == null || !key.equals(groupedKey)) {
            LinkedHashMap<String, List<Span>> all = Lanes.group(trace.spans(), laneKey, order());
            LinkedHashMap<String, List<Span>> cut = new LinkedHashMap<>();
            for (Map.Entry<String, List<Span>> e : all.entrySet()) {
                if (cut.size() >= maxLanes) break;
                cut.put(e.getKey(), e.getValue());
            }
            hidden = all.size() - cut.size();
            groupedCache = cut;
            groupedKey = key;
        }
        return groupedCache;
    }

    private long t0() {
        return trace.originNanos();
    }

    private long t1() {
        long end = trace.endNanos();
        for (Span s : trace.spans()) end = Math.max(end, s.endNanos());
        return Math.max(end, t0() + 1);
    }

    private List<Marker> markerList() {
        return showMarkers ? trace.markers() : List.of();
    }

    /** Lanes binned to {@code columns} columns (what is drawn at that width); for tests and tools. */
    List<Lanes.Lane> binned(int columns) {
        Map<String, List<Span>> g = grouped();
        List<Lanes.Lane> out = new ArrayList<>();
        long t0 = t0(), t1 = t1();
        g.forEach((name, spans) -> out.add(Lanes.bin(name, spans, t0, t1, columns)));
        return out;
    }

    private String fullTitle() {
        String t = title();
        int h;
        synchronized (this) { grouped(); h = hidden; }
        if (h > 0) t = t + " (first " + maxLanes + " lanes of " + (maxLanes + h) + ")";
        return Titles.full(t, trace.meta(), 1);
    }

    /**
     * The XChart chart this draws: axes, title and legend from XChart, lanes painted by an annotation.
     * Built anew on each call; tune its styler before rendering it yourself.
     */
    @Override
    public XYChart toXChart() {
        Map<String, List<Span>> lanes = grouped();
        int n = lanes.size();
        List<String> names = new ArrayList<>(lanes.keySet());
        long t0 = t0(), t1 = t1();
        double maxMs = (t1 - t0) / 1e6;
        XYChart c = new XYChart(width(), height());
        Styles.apply(c.getStyler());
        c.setTitle(fullTitle());
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.time_since_start_ms"));
        var st = c.getStyler();
        st.setXAxisMin(0.0).setXAxisMax(maxMs).setYAxisMin(-1.0).setYAxisMax((double) n);
        st.setPlotGridHorizontalLinesVisible(false);
        // every shape is axis-aligned (lanes, grid, axes, legend boxes): drawn without antialiasing they stay
        // crisp and fill faster; text keeps its own antialiasing, marker triangles turn it back on
        st.setAntiAlias(false);
        // XChart has no categorical y axis for XY charts: hide its ticks, reserve room for the lane names
        // and let the lane layer write them beside each lane.
        st.setYAxisTicksVisible(false);
        st.setYAxisLeftWidthHint(LaneLayer.labelWidth(names) + 12);
        // Legend entries: one per state (always all four, so the colours read the same on every chart)
        for (SpanState s : SpanState.values()) legend(c, label(s), Palette.of(s), maxMs);
        Set<String> kinds = new LinkedHashSet<>();
        for (Marker m : markerList()) kinds.add(m.kind());
        for (String k : kinds) legend(c, k, LaneLayer.colour(k), maxMs);
        c.addAnnotation(new LaneLayer(lanes, markerList(), t0, t1));
        return c;
    }

    private static void legend(XYChart c, String name, Color colour, double maxMs) {
        Styles.legendOnly(c, name, XYSeries.XYSeriesRenderStyle.PolygonArea, colour, maxMs).setFillColor(colour);
    }

    static String label(SpanState s) {
        return switch (s) {
            case RUNNING -> conclab.text.Messages.get("state.running");
            case WAITING -> conclab.text.Messages.get("state.waiting");
            case BLOCKED -> conclab.text.Messages.get("state.blocked");
            case HOLDING_LOCK -> conclab.text.Messages.get("state.holding_lock");
        };
    }

    @Override
    String text(int columns) {
        Map<String, List<Span>> lanes = grouped();
        StringBuilder sb = new StringBuilder();
        sb.append(fullTitle()).append('\n');
        if (lanes.isEmpty()) return sb.append("(no spans)\n").toString();
        int labelW = 4;
        for (String n : lanes.keySet()) labelW = Math.max(labelW, n.length());
        labelW = Math.min(labelW, 16);
        int cells = Math.max(10, columns - labelW - 8); // label │ cells │ busy%
        long t0 = t0(), t1 = t1();
        List<Lanes.Lane> binned = binned(cells);
        double colNanos = (double) (t1 - t0) / cells;
        for (Lanes.Lane lane : binned) {
            char[] row = new char[cells];
            java.util.Arrays.fill(row, ' ');
            for (Lanes.Slice s : lane.slices()) {
                int a = (int) Math.round((s.startNanos() - t0) / colNanos), b = (int) Math.round((s.endNanos() - t0) / colNanos);
                char ch = TextArt.cell(s.state(), s.coverage());
                for (int k = Math.max(0, a); k < Math.min(cells, Math.max(b, a + 1)); k++) row[k] = ch;
            }
            sb.append(TextArt.right(TextArt.fit(lane.name(), labelW).strip(), labelW)).append(" │").append(row)
                    .append(conclab.text.Messages.format("│%4.0f%%", 100.0 * lane.busyNanos() / Math.max(1, t1 - t0)))
                    .append('\n');
        }
        int h;
        synchronized (this) { h = hidden; }
        if (h > 0) sb.append(TextArt.right("…", labelW)).append(" │ ").append(h).append(" more lanes not shown\n");
        sb.append(" ".repeat(labelW)).append(" └").append(TextArt.axis("0", TextArt.ms((t1 - t0) / 1e6), cells)).append(" busy\n");
        sb.append(" ".repeat(labelW + 2)).append(TextArt.laneLegend()).append('\n');
        List<Marker> ms = markerList();
        if (!ms.isEmpty()) {
            sb.append(" ".repeat(labelW + 2)).append(ms.size()).append(ms.size() == 1 ? " marker: " : " markers: ");
            Map<String, Integer> byKind = new LinkedHashMap<>();
            for (Marker m : ms) byKind.merge(m.kind(), 1, Integer::sum);
            sb.append(byKind.toString().replaceAll("[{}]", "")).append('\n');
        }
        return sb.toString();
    }
}
