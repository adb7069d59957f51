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
}
