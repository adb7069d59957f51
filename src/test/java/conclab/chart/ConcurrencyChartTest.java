package conclab.chart;

import conclab.chart.internal.Palette;
import conclab.chart.internal.Steps;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ConcurrencyChartTest {

    static double at(Steps.Series s, double ms) {
        double v = 0;
        for (int i = 0; i < s.xMs().length && s.xMs()[i] <= ms; i++) v = s.y()[i];
        return v;
    }

    @Test
    void countsRunningWaitingBlockedOverTime() {
        Map<String, Steps.Series> s = Charts.concurrency(TestTraces.small()).series();
        assertEquals(java.util.List.of("running", "waiting", "blocked"), java.util.List.copyOf(s.keySet()));
        Steps.Series run = s.get("running");
        assertEquals(1, at(run, 10));
        assertEquals(2, at(run, 30));
        assertEquals(1, at(run, 45));
        assertEquals(1, at(run, 55));
        assertEquals(2, at(run, 70));
        assertEquals(1, at(s.get("waiting"), 50));
        assertEquals(0, at(s.get("waiting"), 30));
        assertEquals(1, at(s.get("blocked"), 10));
        assertEquals(0, at(s.get("blocked"), 30));
    }

    @Test
    void resamplingKeepsThePeak() {
        var t = TestTraces.many(20_000, 8, 5);
        double exact = Charts.concurrency(t).maxPoints(1_000_000).series().get("running").max();
        Steps.Series coarse = Charts.concurrency(t).maxPoints(200).series().get("running");
        assertTrue(coarse.xMs().length <= 202);
        assertEquals(exact, coarse.max());
    }

    @Test
    void pngAndText() throws Exception {
        ConcurrencyChart c = Charts.concurrency(TestTraces.small());
        BufferedImage img = Pixels.decode(c.png(), c);
        Pixels.notBlank(img, 200);
        assertTrue(Pixels.count(img, Palette.RUNNING) > 100, "running line drawn");
        assertTrue(Pixels.count(img, new Color(0x5B7F9E)) > 50, "waiting line drawn");
        String text = c.toString();
        assertTrue(text.contains("running │") && text.contains("waiting │") && text.contains("blocked │"), text);
        Pixels.assertSvg(c.svg());
    }

    @Test
    void aPeakNarrowerThanAPixelIsDrawnToItsFullHeight() throws Exception {
        long ms = 1_000_000L, t0 = 1_000_000_000L;
        // two tasks waiting for 100 ms each at 0–400 ms, and one task running for 2 µs at 1 s, of a 2 s run:
        // 2 µs is a thousandth of a pixel, and without resampling the curve holds it as a step of its own
        var spans = java.util.List.of(
                new conclab.trace.Span("w1", 1, "a", 1, null, t0, t0 + 400 * ms, conclab.trace.SpanState.WAITING),
                new conclab.trace.Span("w2", 2, "b", 2, null, t0, t0 + 400 * ms, conclab.trace.SpanState.WAITING),
                new conclab.trace.Span("r", 3, "c", 3, null, t0 + 1000 * ms, t0 + 1000 * ms + 2_000, conclab.trace.SpanState.RUNNING),
                new conclab.trace.Span("r2", 4, "c", 3, null, t0 + 1000 * ms + 4_000, t0 + 1000 * ms + 6_000, conclab.trace.SpanState.RUNNING));
        var trace = new conclab.trace.Trace("spike", t0, t0 + 2000 * ms, spans, java.util.List.of(), java.util.List.of(), Map.of("cores", "2"));
        ConcurrencyChart c = Charts.concurrency(trace).maxPoints(1_000_000).cores(false);
        BufferedImage img = Pixels.decode(c.png(), c);
        Color wait = new Color(0x5B7F9E);
        int[] waitRows = Pixels.rowsWith(img, wait, 100);   // the waiting line at 2: a long horizontal run
        assertTrue(waitRows.length > 0, "waiting line drawn");
        int twoAt = waitRows[0];
        // running is 0 all along (a line on the zero level) but for the spike: a column of the running colour
        // reaching up to the level 1, halfway between the zero line and the waiting line at 2
        int[] zeroRows = Pixels.rowsWith(img, Palette.RUNNING, 300);
        assertTrue(zeroRows.length > 0, "running line along zero");
        int zeroAt = (zeroRows[0] + zeroRows[zeroRows.length - 1]) / 2;
        int top = Integer.MAX_VALUE, cols = 0;
        int rgb = Palette.RUNNING.getRGB() & 0xFFFFFF;
        for (int x = 0; x < img.getWidth(); x++) {
            boolean any = false;
            for (int y = 0; y < zeroRows[0]; y++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) { top = Math.min(top, y); any = true; }
            }
            if (any) cols++;
        }
        assertTrue(cols >= 1 && cols <= 8, "the spike is a few device pixels wide, not " + cols);
        double one = (zeroAt + twoAt) / 2.0;
        assertTrue(Math.abs(top + 1.5 - one) <= 3, "spike top at y=" + top + ", level 1 at y≈" + one + " (zero " + zeroAt + ", two " + twoAt + ")");
    }
}
