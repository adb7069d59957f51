package conclab.chart;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class IterationChartTest {

    private static double[] warmUpCurve() {
        double[] v = new double[120];
        for (int i = 0; i < v.length; i++) v[i] = i < 5 ? 400 : i < 30 ? 40 : 4;
        v[80] = 90; // one outlier
        return v;
    }

    @Test
    void a_warm_up_curve_renders_on_a_log_axis() throws Exception {
        IterationChart c = Charts.iterations("µs", warmUpCurve()).title("Warm-up").meta(Map.of("runs", "1"));
        var x = c.toXChart();
        assertTrue(x.getStyler().isYAxisLogarithmic());
        assertEquals("iteration", x.getXAxisTitle());
        assertTrue(x.getYAxisTitle().startsWith("µs"), x.getYAxisTitle());
        assertEquals(120, x.getSeriesMap().get("per iteration").getXData().length);
        Pixels.decode(c.png(), c);
    }

    @Test
    void the_text_form_shows_the_fall_and_ignores_a_lone_outlier() {
        String text = Charts.iterations("µs", warmUpCurve()).toString();
        List<String> rows = text.lines().filter(l -> l.contains("│")).toList();
        assertEquals(1, rows.size(), text);
        String spark = rows.getFirst().substring(rows.getFirst().indexOf('│') + 1, rows.getFirst().lastIndexOf('│'));
        assertEquals('█', spark.charAt(0), "the first iterations are the slowest: " + spark);
        assertEquals('▁', spark.charAt(spark.length() - 1), "the last are the fastest: " + spark);
        assertFalse(spark.substring(spark.length() / 2).contains("█"), "the outlier is smoothed out: " + spark);
        assertTrue(rows.getFirst().endsWith("4–400 µs"), rows.getFirst());
    }

    @Test
    void several_series_a_linear_axis_and_no_values() throws Exception {
        IterationChart c = Charts.iterations("ms").add("a", 1, 2, 3).add("b", 0, 1, 2).logarithmic(true);
        assertFalse(c.toXChart().getStyler().isYAxisLogarithmic(), "a zero cannot go on a log axis");
        assertTrue(c.toXChart().getStyler().isLegendVisible());
        assertFalse(Charts.iterations("ms", 1, 2).logarithmic(false).toXChart().getStyler().isYAxisLogarithmic());
        IterationChart empty = Charts.iterations("ms");
        assertTrue(empty.toString().contains("no values"));
        Pixels.decode(empty.png(), empty);
        assertThrows(IllegalArgumentException.class, () -> Charts.iterations("ms").add("x"));
    }
}
