package conclab.chart;

import conclab.trace.CounterSample;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OverlayChartTest {

    private static Trace run(String label, long origin, double... depths) {
        List<CounterSample> cs = new java.util.ArrayList<>();
        for (int i = 0; i < depths.length; i++) {
            cs.add(new CounterSample("jobs depth", origin + i * 1_000_000L, depths[i]));
            cs.add(new CounterSample("heap used (MB)", origin + i * 1_000_000L, 50));
        }
        return new Trace(label, origin, origin + depths.length * 1_000_000L, List.of(), List.of(), cs,
                Map.of("jdk", "25", "cores", "2"));
    }

    @Test
    void one_counter_of_several_runs_shares_one_axis_and_each_run_starts_at_zero() throws Exception {
        Trace big = run("unbounded", 5_000_000_000L, 0, 100, 200, 300, 400);
        Trace small = run("bounded", 9_000_000_000L, 0, 2, 3, 3);
        CounterChart c = Charts.overlay("jobs depth", big, small);
        Map<String, double[][]> s = c.series();
        assertEquals(List.of("unbounded", "bounded"), List.copyOf(s.keySet()), "one series per run, named after it");
        assertArrayEquals(new double[]{0, 1, 2, 3, 4}, s.get("unbounded")[0], 1e-9, "ms since the run's own start");
        assertArrayEquals(new double[]{0, 1, 2, 3}, s.get("bounded")[0], 1e-9);
        var x = c.toXChart();
        assertEquals(0, x.getSeriesMap().get("bounded").getYAxisGroup(), "a 100x smaller run stays on the same axis");
        assertTrue(x.getTitle().startsWith("jobs depth over time"), x.getTitle());
        Pixels.decode(c.png(), c);
        assertFalse(c.toString().isBlank());
    }

    @Test
    void runs_with_the_same_label_are_told_apart() {
        Trace a = run("pool", 0, 1, 2), b = run("pool", 7, 3, 4);
        assertEquals(List.of("pool", "pool #2"), List.copyOf(Charts.overlay("jobs depth", a, b).series().keySet()));
    }
}
