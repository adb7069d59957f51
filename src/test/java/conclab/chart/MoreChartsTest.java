package conclab.chart;

import conclab.trace.CounterSample;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class MoreChartsTest {

    @Test
    void lanesByCarrierForVirtualThreads() {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            spans.add(new Span("task " + i, i, "virtual-" + i, 100 + i, "ForkJoinPool-1-worker-" + (1 + i % 2),
                    i * 1_000_000L, (i + 1) * 1_000_000L, SpanState.RUNNING));
        }
        Trace t = new Trace("virtual", 0, 12_000_000L, spans, List.of(), List.of(), Map.of());
        assertEquals(12, Charts.timeline(t).lanes().size());
        assertEquals(List.of("ForkJoinPool-1-worker-1", "ForkJoinPool-1-worker-2"),
                Charts.timeline(t).laneBy(Span::carrier).lanes());
    }

    @Test
    void laneMarkerDrawnInItsColour() throws Exception {
        TimelineChart c = Charts.timeline(TestTraces.small());
        var img = Pixels.decode(c.png(), c);
        assertTrue(Pixels.count(img, new Color(0xCC0077)) > 30, "pinned marker drawn");
        assertTrue(c.text().contains("GC=1, pinned=1"), c.text());
    }

    /** A queue depth (0–3) and a heap in bytes (10^8): counters more than 20× apart. */
    private static Trace twoScales() {
        List<CounterSample> cs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            cs.add(new CounterSample("queue depth", i * 1_000_000L, i % 4));
            cs.add(new CounterSample("heap bytes", i * 1_000_000L, 1e8 + i * 1e6));
        }
        return new Trace("q", 0, 10_000_000L, List.of(), List.of(), cs, Map.of());
    }

    @Test
    void countersOfDifferentScaleGetTwoAxes() {
        Trace t = twoScales();
        var x = Charts.counters(t).toXChart();
        assertEquals(0, x.getSeriesMap().get("queue depth").getYAxisGroup());
        assertEquals(1, x.getSeriesMap().get("heap bytes").getYAxisGroup());
        var same = Charts.counters(TestTraces.small()).toXChart();
        assertEquals(0, same.getSeriesMap().get("heap used MB").getYAxisGroup(), "within 20x: one axis");
        var asked = Charts.counters(t).secondAxis(false).toXChart();
        assertEquals(0, asked.getSeriesMap().get("heap bytes").getYAxisGroup(), "secondAxis(false): one axis whatever the scales");
    }

    @Test
    void aCountersLabelAndTheAxisTitleAreTheChartsWordsWhileItsNameStaysData() {
        Trace t = twoScales();
        var plain = Charts.counters(t).toXChart();
        assertEquals("queue depth", plain.getYAxisGroupTitle(0), "by default the axis is the counter's name");
        assertEquals("heap bytes", plain.getYAxisGroupTitle(1));
        CounterChart c = Charts.counters(t).label("queue depth", "profondeur de la file").label("heap bytes", "tas (octets)");
        var x = c.toXChart();
        assertEquals(List.of("profondeur de la file", "tas (octets)"), List.copyOf(x.getSeriesMap().keySet()).subList(0, 2), "the legend");
        assertEquals("profondeur de la file", x.getYAxisGroupTitle(0));
        assertEquals("tas (octets)", x.getYAxisGroupTitle(1));
        assertEquals(List.of("queue depth", "heap bytes"), List.copyOf(c.series().keySet()), "series() keeps the names");
        assertTrue(c.text().contains("tas (octets)") && !c.text().contains("heap bytes"), c.text());
        assertEquals("éléments", Charts.counters(t).yTitle("éléments").toXChart().getYAxisGroupTitle(0));
        @SuppressWarnings("unchecked")
        List<String> legend = (List<String>) c.words().get("legend");
        assertTrue(legend.containsAll(List.of("profondeur de la file", "tas (octets)")) && !legend.contains("queue depth"),
                "what the notebook tests read: " + legend);
        Trace a = new Trace("bounded", 0, 3_000_000L, List.of(), List.of(),
                List.of(new CounterSample("jobs depth", 0, 1), new CounterSample("jobs depth", 1_000_000L, 2)), Map.of());
        assertEquals("jobs depth", Charts.overlay("jobs depth", a).toXChart().getYAxisGroupTitle(0), "an overlay's axis: the counter");
        assertEquals("profondeur", Charts.overlay("jobs depth", a).yTitle("profondeur").toXChart().getYAxisGroupTitle(0));
    }

    @Test
    void counterResamplingKeepsPeaks() {
        List<CounterSample> cs = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) cs.add(new CounterSample("depth", i * 1_000L, i == 31_337 ? 99 : i % 3));
        Trace t = new Trace("q", 0, 50_000_000L, List.of(), List.of(), cs, Map.of());
        double[][] s = Charts.counters(t).maxPoints(500).series().get("depth");
        assertTrue(s[0].length <= 500);
        assertEquals(99, java.util.Arrays.stream(s[1]).max().orElseThrow());
    }

    @Test
    void latencyUnitsFollowTheRecordedUnit() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 100; i++) h.recordValue(i * 50L); // 50..5000 µs
        var x = Charts.histogram("rpc", h).unit(TimeUnit.MICROSECONDS).toXChart();
        assertTrue(x.getXAxisTitle().contains("ms"), x.getXAxisTitle());
        var p = Charts.percentiles("rpc", h).unit(TimeUnit.MICROSECONDS);
        assertTrue(p.toXChart().getYAxisTitle().contains("ms"));
        assertEquals(2, p.maxNines(), "100 samples: up to 99 %");
    }

    @Test
    void emptyChartsStillRender() throws Exception {
        BoxPlotChart b = Charts.boxPlot();
        Pixels.decode(b.png(), b);
        assertTrue(b.text().contains("no runs"));
        OutcomeChart o = Charts.outcomes();
        Pixels.decode(o.png(), o);
        Trace empty = new Trace("e", 0, 0, List.of(), List.of(), List.of(), Map.of());
        ConcurrencyChart c = Charts.concurrency(empty);
        Pixels.decode(c.png(), c);
        CounterChart k = Charts.counters(empty);
        Pixels.decode(k.png(), k);
        HistogramChart h = Charts.histogram(new Histogram(3));
        Pixels.decode(h.png(), h);
        PercentileChart p = Charts.percentiles(new Histogram(3));
        Pixels.decode(p.png(), p);
        SpeedupChart s = Charts.speedup();
        Pixels.decode(s.png(), s);
        SpeedupChart one = Charts.speedup(SpeedupSeries.of("one").with(1, 1.0));
        Pixels.decode(one.png(), one);
        assertFalse(h.toString().isBlank() || p.toString().isBlank() || s.toString().isBlank());
    }
}
