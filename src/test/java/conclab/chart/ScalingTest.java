package conclab.chart;

import conclab.trace.Scaling;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ScalingTest {

    static final int[] WORKERS = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32};

    @Test
    void amdahlRecoversSerialFraction() {
        List<Scaling.Point> pts = new ArrayList<>();
        for (int n : WORKERS) pts.add(new Scaling.Point(n, 1 / (0.2 + 0.8 / n)));
        Scaling.AmdahlFit f = Scaling.amdahl(pts);
        assertEquals(0.2, f.serialFraction(), 1e-9);
        assertEquals(5.0, f.limit(), 1e-6);
        assertTrue(f.rmse() < 1e-9);
    }

    @Test
    void uslRecoversSigmaAndKappa() {
        List<Scaling.Point> pts = new ArrayList<>();
        for (int n : WORKERS) pts.add(new Scaling.Point(n, n / (1 + 0.03 * (n - 1) + 0.002 * n * (n - 1))));
        Scaling.UslFit f = Scaling.usl(pts);
        assertEquals(0.03, f.sigma(), 1e-9);
        assertEquals(0.002, f.kappa(), 1e-9);
        assertEquals(Math.sqrt(0.97 / 0.002), f.peakWorkers(), 1e-6);
    }

    @Test
    void fitsRecoverParametersFromNoisyRepetitions() {
        SplittableRandom r = new SplittableRandom(7);
        SpeedupSeries amd = SpeedupSeries.of("amdahl"), usl = SpeedupSeries.of("usl");
        for (int n : WORKERS) {
            double[] a = new double[5], u = new double[5];
            for (int k = 0; k < 5; k++) {
                double noise = 1 + (r.nextDouble() - 0.5) * 0.04; // ±2 %
                a[k] = (0.1 + 0.9 / n) * noise;                   // seconds, 1 s sequential
                u[k] = (1 + 0.05 * (n - 1) + 0.001 * n * (n - 1)) / n * noise;
            }
            amd = amd.with(n, a);
            usl = usl.with(n, u);
        }
        assertEquals(0.1, amd.amdahl().serialFraction(), 0.01);
        assertEquals(0.05, usl.usl().sigma(), 0.01);
        assertEquals(0.001, usl.usl().kappa(), 0.0005);
        assertEquals(0.0, amd.usl().kappa(), 0.0005, "no coherency cost in Amdahl data");
    }

    @Test
    void speedupChartShowsFitsInLegendAndRenders() throws Exception {
        SpeedupSeries s = SpeedupSeries.of("pool");
        for (int n : new int[]{1, 2, 4, 8}) s = s.with(n, (0.1 + 0.9 / n) * 0.98, 0.1 + 0.9 / n, (0.1 + 0.9 / n) * 1.03);
        SpeedupChart c = Charts.speedup(s);
        var names = c.toXChart().getSeriesMap().keySet();
        assertTrue(names.contains("ideal S(n) = n"), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("pool: Amdahl s=0.1")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("pool: USL σ=")), names.toString());
        assertEquals(4, names.stream().filter(n -> n.startsWith("pool spread")).count(), "one spread bar per worker count");
        BufferedImage img = Pixels.decode(c.png(), c);
        Pixels.notBlank(img, 300);
        assertTrue(Pixels.count(img, conclab.chart.internal.Palette.series(0)) > 100, "series colour drawn");
        String text = c.toString();
        assertTrue(text.contains("3 runs"), text);
        assertTrue(text.contains("Amdahl s=0.1"), text);
        assertEquals(4, text.lines().filter(l -> l.contains("worker")).count(), text);
        Pixels.assertSvg(c.svg());
        assertFalse(c.usl(false).toXChart().getSeriesMap().keySet().stream().anyMatch(n -> n.contains("USL")));
    }

    @Test
    void baselineMustExist() {
        SpeedupSeries s = SpeedupSeries.of("x").with(2, 1.0);
        assertThrows(IllegalStateException.class, s::baseline);
        assertEquals(2.0, s.withBaseline(2.0).speedups().get(2)[0]);
    }
}
