package conclab.chart;

import conclab.chart.internal.Lanes;
import conclab.chart.internal.Palette;
import conclab.trace.Span;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TimelineChartTest {

    @Test
    void lanesOrderedByFirstStartThenNumericName() {
        TimelineChart c = Charts.timeline(TestTraces.small());
        assertEquals(List.of("worker-1", "worker-2", "worker-10"), c.lanes());
        assertEquals(List.of("worker-1", "worker-2", "worker-10"),
                c.order(TimelineChart.LaneOrder.NAME).lanes(), "numeric-aware: 2 before 10");
    }

    @Test
    void pngShowsEachLaneInItsStatesAtTheRightPlace() throws Exception {
        TimelineChart c = Charts.timeline(TestTraces.small());
        BufferedImage img = Pixels.decode(c.png(), c);
        // running appears in two bands (worker-1 on top, worker-10 at the bottom), blocked and holding in one
        int[] running = Pixels.rowsWith(img, Palette.RUNNING, 100);
        int[] blocked = Pixels.rowsWith(img, Palette.BLOCKED, 100);
        int[] holding = Pixels.rowsWith(img, Palette.HOLDING_LOCK, 100);
        int[] waiting = Pixels.rowsWith(img, Palette.WAITING, 100);
        assertTrue(running.length > 20 && blocked.length > 20 && holding.length > 20 && waiting.length > 20);
        int top = running[0], bottom = running[running.length - 1];
        int mid2 = blocked[blocked.length / 2];
        assertTrue(top < mid2 && mid2 < bottom, "worker-2 between worker-1 and worker-10");
        // worker-1's waiting band is in worker-1's rows
        assertTrue(waiting[0] >= top && waiting[waiting.length - 1] < mid2);

        // time axis: worker-1 spans the whole run; worker-10 starts at 50 ms, half-way
        int rowW1 = waiting[waiting.length / 2];
        int[] w1 = Pixels.extent(img, rowW1, Palette.RUNNING);
        int rowW10 = bottom - 10;
        int[] w10 = Pixels.extent(img, rowW10, Palette.RUNNING);
        double half = (w1[0] + w1[1]) / 2.0;
        assertEquals(half, w10[0], (w1[1] - w1[0]) * 0.01, "worker-10 starts at 50 ms");
        assertEquals(w1[1], w10[1], 3, "both end at 100 ms");
        // nothing drawn in worker-10's lane before it started
        for (int x = w1[0] + 2; x < w10[0] - 2; x++) {
            int p = img.getRGB(x, rowW10);
            assertTrue(((p >> 16) & 255) > 220 && ((p >> 8) & 255) > 220 && (p & 255) > 220,
                    "blank (white or grid) at x=" + x + ": " + Integer.toHexString(p));
        }
        // worker-2 is blocked for the first fifth, then holds the lock until 50 ms
        int[] b = Pixels.extent(img, mid2, Palette.BLOCKED);
        int[] h = Pixels.extent(img, mid2, Palette.HOLDING_LOCK);
        double unit = (w1[1] - w1[0]) / 100.0;
        assertEquals(w1[0] + 20 * unit, b[1], 2 * unit);
        assertEquals(w1[0] + 50 * unit, h[1], 2 * unit);
    }

    @Test
    void gcMarkerDrawnAsBand() throws Exception {
        TimelineChart c = Charts.timeline(TestTraces.small());
        BufferedImage img = Pixels.decode(c.png(), c);
        assertTrue(Pixels.count(img, Palette.MARKER) > 50, "GC edge line drawn");
        BufferedImage none = Pixels.decode(c.markers(false).png(), c);
        // the legend swatch goes too, so no marker colour at all
        assertEquals(0, Pixels.count(none, Palette.MARKER));
    }

    @Test
    void textHasOneRowPerLaneWithItsLabel() {
        String text = Charts.timeline(TestTraces.small()).toString();
        List<String> rows = text.lines().filter(l -> l.contains("│")).toList();
        assertEquals(3, rows.size(), text);
        assertTrue(rows.get(0).strip().startsWith("worker-1 │"));
        assertTrue(rows.get(1).strip().startsWith("worker-2 │"));
        assertTrue(rows.get(2).strip().startsWith("worker-10 │"));
        String w2 = cells(rows.get(1));
        assertTrue(rows.get(1).endsWith("│  50%"), "worker-2 busy half the run: " + rows.get(1));
        assertEquals('▒', w2.charAt(0), "blocked first");
        assertEquals('▓', w2.charAt(w2.length() * 3 / 10), "then holding the lock");
        assertEquals(' ', w2.charAt(w2.length() * 8 / 10), "then nothing");
        String w10 = cells(rows.get(2));
        assertTrue(w10.substring(0, w10.length() * 45 / 100).isBlank(), "worker-10 idle first half");
        assertTrue(text.lines().allMatch(l -> l.length() <= 82), "about 80 columns");
        assertTrue(text.contains("running") && text.contains("100 ms"));
    }

    /** The lane's cells: between the first and the second bar. */
    static String cells(String row) {
        int a = row.indexOf('│');
        return row.substring(a + 1, row.indexOf('│', a + 1));
    }

    @Test
    void titleStatesJdkCoresRuns() {
        String t = Charts.timeline(TestTraces.small()).text().lines().findFirst().orElseThrow();
        assertTrue(t.contains("JDK 25") && t.contains("2 cores") && t.contains("1 run"), t);
        Trace noMeta = TestTraces.many(10, 2, 1);
        String t2 = Charts.timeline(noMeta).text().lines().findFirst().orElseThrow();
        assertTrue(t2.contains("JDK " + Runtime.version().feature()), t2);
        assertTrue(t2.contains(Runtime.getRuntime().availableProcessors() + " core"), t2);
    }

    @Test
    void mergedSlicesKeepBusyTimePerLaneWithinAPixel() {
        Trace t = TestTraces.many(100_000, 8, 42);
        TimelineChart c = Charts.timeline(t);
        int columns = 1600;
        long range = Math.max(t.endNanos(), t.spans().stream().mapToLong(Span::endNanos).max().orElseThrow()) - t.originNanos();
        double px = (double) range / columns;
        Map<String, Long> busy = new HashMap<>();
        Map<String, Integer> spans = new HashMap<>();
        for (Span s : t.spans()) {
            busy.merge(s.lane(), s.durationNanos(), Long::sum);
            spans.merge(s.lane(), 1, Integer::sum);
        }
        List<Lanes.Lane> lanes = c.binned(columns);
        assertEquals(8, lanes.size());
        for (Lanes.Lane lane : lanes) {
            long sliceBusy = lane.slices().stream().mapToLong(Lanes.Slice::busyNanos).sum();
            assertEquals(busy.get(lane.name()), lane.busyNanos());
            assertEquals(busy.get(lane.name()), sliceBusy, "slices keep the busy time");
            double drawn = lane.slices().stream().mapToDouble(s -> (s.endNanos() - s.startNanos()) * s.coverage()).sum();
            assertEquals(busy.get(lane.name()), drawn, px, "drawn area = busy time, within a pixel");
            assertTrue(lane.slices().size() < spans.get(lane.name()), "merged: fewer slices than spans");
            assertTrue(lane.slices().size() <= columns);
        }
    }

    @Test
    void maxLanesCutsAndSaysSo() {
        TimelineChart c = Charts.timeline(TestTraces.many(1000, 50, 3)).maxLanes(10);
        assertEquals(10, c.lanes().size());
        assertEquals(50, c.laneCount());
        assertTrue(c.text().contains("40 more lanes"), c.text());
    }

    @Test
    void svgParses() throws Exception {
        Pixels.assertSvg(Charts.timeline(TestTraces.small()).svg());
    }

    @Test
    void emptyTraceRenders() throws Exception {
        Trace empty = new Trace("empty", 0, 0, List.of(), List.of(), List.of(), Map.of());
        TimelineChart c = Charts.timeline(empty);
        Pixels.decode(c.png(), c);
        assertTrue(c.text().contains("no spans"));
    }
}
