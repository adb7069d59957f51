package conclab.chart;

import conclab.chart.internal.Palette;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every chart kind rendered from deterministic data, as a user would get it: PNG at 2×, SVG, text.
 * The PNGs are also written to {@code target/demo-charts/} to be looked at.
 */
class DemoChartsTest {

    static final Path OUT = Path.of("target", "demo-charts");

    /** Latencies in ns: log-normal-ish around 2 ms with a 1 % tail near 40 ms; seeded. */
    static Histogram latencies(long seed, double scale) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++) {
            double ms = Math.exp(r.nextGaussian() * 0.35) * 2 * scale;
            if (r.nextInt(100) == 0) ms = 30 + r.nextDouble() * 20;
            h.recordValue((long) (ms * 1e6));
        }
        return h;
    }

    static BufferedImage render(LabChart<?> c, String name) throws Exception {
        byte[] png = c.png();
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(name + ".png"), png);
        BufferedImage img = Pixels.decode(png, c);
        Pixels.notBlank(img, 200);
        Pixels.assertSvg(c.svg());
        assertFalse(c.toString().isBlank());
        assertTrue(c.toString().lines().allMatch(l -> l.length() <= 100), c.toString());
        return img;
    }

    @Test
    void timeline() throws Exception {
        render(Charts.timeline(TestTraces.small()), "timeline");
        render(Charts.timeline(TestTraces.many(10_000, 8, 1)).title("10,000 spans"), "timeline-10k");
    }

    @Test
    void concurrency() throws Exception {
        render(Charts.concurrency(TestTraces.small()), "concurrency");
    }

    @Test
    void speedup() throws Exception {
        SpeedupSeries pool = SpeedupSeries.of("fixed pool"), virt = SpeedupSeries.of("virtual");
        for (int n : new int[]{1, 2, 4, 8, 16}) {
            double a = 0.05 + 0.95 / n, u = (1 + 0.08 * (n - 1) + 0.004 * n * (n - 1)) / n;
            pool = pool.with(n, a * 0.97, a, a * 1.05);
            virt = virt.with(n, u * 0.98, u, u * 1.02);
        }
        render(Charts.speedup(pool, virt), "speedup");
    }

    @Test
    void histogramAndPercentiles() throws Exception {
        Histogram a = latencies(1, 1), b = latencies(2, 1.6);
        HistogramChart hc = Charts.histogram("virtual", a).add("platform", b);
        BufferedImage img = render(hc, "histogram");
        assertTrue(Pixels.count(img, Palette.series(0)) > 50);
        var names = hc.toXChart().getSeriesMap().keySet();
        assertTrue(names.stream().allMatch(n -> n.contains("p50") && n.contains("p99.9")), names.toString());
        // every recorded value is in exactly one bin
        long[] counts = HistogramChart.counts(a, hc.edges());
        assertEquals(a.getTotalCount(), java.util.Arrays.stream(counts).sum());

        PercentileChart pc = Charts.percentiles("virtual", a).add("platform", b);
        render(pc, "percentiles");
        assertEquals(5, pc.maxNines(), "100,000 samples support 5 nines");
        assertEquals("90%", PercentileChart.label(1));
        assertEquals("99%", PercentileChart.label(2));
        assertEquals("99.9%", PercentileChart.label(3));
        String text = pc.toString();
        for (String p : List.of("p50 ", "p90 ", "p99 ", "p99.9 ")) assertTrue(text.contains(p), text);
        // the tail is visible: p99.9 is far above p50
        assertTrue(a.getValueAtPercentile(99.9) > 10 * a.getValueAtPercentile(50));
    }

    @Test
    void counters() throws Exception {
        CounterChart c = Charts.counters(TestTraces.small());
        render(c, "counters");
        assertEquals(List.of("queue depth", "heap used MB"), List.copyOf(c.series().keySet()));
        List<String> rows = c.toString().lines().filter(l -> l.contains("│")).toList();
        assertEquals(2, rows.size(), c.toString());
        assertTrue(rows.get(0).contains("queue depth │") && rows.get(0).endsWith("0–5"), rows.get(0));
        assertEquals(List.of("heap used MB"), List.copyOf(Charts.counters(TestTraces.small(), "heap used MB").series().keySet()));
    }

    @Test
    void boxPlot() throws Exception {
        Map<String, double[]> runs = new LinkedHashMap<>();
        runs.put("sequential", new double[]{1.62, 1.60, 1.65, 1.61, 1.70});
        runs.put("platform(2)", new double[]{0.85, 0.84, 0.90, 0.86, 0.83});
        runs.put("virtual", new double[]{0.21, 0.24, 0.22, 0.23, 0.30});
        BoxPlotChart c = Charts.boxPlot(runs);
        render(c, "boxplot");
        assertArrayEquals(new double[]{1.60, 1.61, 1.62, 1.65, 1.70}, BoxPlotChart.fiveNumbers(runs.get("sequential")), 1e-12);
        List<String> rows = c.toString().lines().filter(l -> l.contains("│")).toList();
        assertEquals(3, rows.size());
        assertTrue(rows.get(0).contains("median 1.62 s"), rows.get(0));
        assertTrue(c.toString().lines().findFirst().orElseThrow().contains("5 runs"));
    }

    @Test
    void outcomes() throws Exception {
        OutcomeChart c = Charts.outcomes()
                .add("2", 9_870, Outcome.Verdict.ACCEPTABLE)
                .add("1", 130, Outcome.Verdict.FORBIDDEN)
                .add(new Outcome("0, 1", 40, Outcome.Verdict.INTERESTING, "stale read"))
                .title("counter++ from two threads");
        BufferedImage img = render(c, "outcomes");
        assertTrue(Pixels.count(img, Palette.ACCEPTABLE) > 1000, "acceptable bar green");
        assertTrue(Pixels.count(img, Palette.FORBIDDEN) > 100, "forbidden bar red");
        assertTrue(Pixels.count(img, Palette.INTERESTING) > 20, "interesting bar orange");
        String text = c.toString();
        assertTrue(text.contains("FORB") && text.contains("130") && text.contains("stale read"), text);
    }

    @Test
    void figure() throws Exception {
        var t = TestTraces.small();
        Figure f = Charts.figure(Charts.timeline(t).size(600, 300), Charts.concurrency(t).size(600, 300),
                Charts.counters(t).size(600, 300)).columns(2).title("One run, three views");
        assertEquals(1200, f.width());
        assertEquals(600 + 28, f.height());
        BufferedImage img = render(f, "figure");
        // timeline top-left, concurrency top-right: running colour on both halves of the top row
        int[] rows = Pixels.rowsWith(img, Palette.RUNNING, 20);
        assertTrue(rows.length > 0);
        int y = rows[rows.length / 2];
        assertTrue(Pixels.extent(img, y, Palette.RUNNING)[0] < 1200, "left cell drawn");
        boolean right = false;
        for (int r : rows) right |= Pixels.extent(img, r, Palette.RUNNING)[1] > 1200;
        assertTrue(right, "right cell drawn");
        assertTrue(f.toString().contains("worker-10 │") && f.toString().contains("running │"));
        assertThrows(UnsupportedOperationException.class, () -> f.size(10, 10));
    }

    @Test
    void warmUpIsIdempotent() {
        Charts.warmUp();
        assertEquals(java.time.Duration.ZERO, Charts.warmUp());
    }
}
