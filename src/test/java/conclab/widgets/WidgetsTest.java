package conclab.widgets;

import com.google.gson.JsonParser;
import conclab.spi.Displayable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static conclab.widgets.Widgets.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The widgets without a front end (plain JShell, plain Java): values, listeners, links, interact and the
 * output area work; displays degrade to text. The protocol itself is tested through jupyter_client in
 * {@code src/test/python/test_widgets.py}.
 */
class WidgetsTest {

    @Test
    void values_are_read_and_set_and_checked() {
        var s = intSlider("Threads", 1, 8, 2);
        assertEquals(2, s.value());
        s.value(8);
        assertEquals(8, s.value());
        var e = assertThrows(IllegalArgumentException.class, () -> s.value(9));
        assertEquals("9 is outside 1–8", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> intSlider("x", 5, 1, 3));
        var f = floatSlider("Rate", 0, 1, 0.25);
        assertEquals(0.25, f.value());
        var r = intRangeSlider("Range", 0, 10, 2, 7);
        assertEquals(List.of(2, 7), r.value());
        assertEquals(2, r.lower());
        var d = dropdown("Strategy", "platform", "virtual");
        assertEquals("platform", d.value());
        d.value("virtual");
        assertEquals("virtual", d.value());
        assertThrows(IllegalArgumentException.class, () -> d.value("fibers"));
        var p = progress("done", 10);
        p.value(50);
        assertEquals(10, p.value(), "clamped to max");
    }

    @Test
    void without_a_front_end_a_widget_shows_as_text() {
        var s = intSlider("Threads", 1, 8, 4);
        assertFalse(s.attached());
        Map<String, Object> bundle = s.mimeBundle(Set.of(Displayable.PLAIN, Widget.VIEW_MIME));
        assertEquals(Map.of(Displayable.PLAIN, "Threads: 4 (1–8)"), bundle);
        var p = progress("work", 4);
        p.value(2);
        assertEquals("work ██████████░░░░░░░░░░ 2/4", p.text());
        assertEquals("[ Stop ]  |  [x] verbose", hbox(button("Stop"), checkbox("verbose", true)).text());
        assertEquals("a\nb", vbox(label("a"), label("b")).text());
    }

    @Test
    void listeners_hear_changes_once_and_only_real_ones() {
        var s = intSlider("n", 0, 10, 1);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        s.onChange(seen::add);
        s.value(3);
        s.value(3);
        s.value(5);
        assertEquals(List.of(3, 5), seen);
    }

    @Test
    void a_button_runs_its_handlers_at_each_click() {
        var b = button("Go");
        AtomicInteger n = new AtomicInteger();
        b.onClick(n::incrementAndGet).onClick(x -> n.addAndGet(10));
        b.click();
        b.click();
        assertEquals(22, n.get());
        assertEquals(2, b.clicks());
    }

    @Test
    void a_link_keeps_two_values_equal_both_ways_from_any_thread() throws InterruptedException {
        var a = intSlider("a", 0, 100, 1);
        var b = intSlider("b", 0, 100, 50);
        link(a, b);
        assertEquals(1, b.value(), "the target takes the source's value");
        a.value(7);
        assertEquals(7, b.value());
        Thread t = Thread.ofPlatform().start(() -> b.value(42));
        t.join();
        assertEquals(42, a.value());
    }

    @Test
    void the_output_keeps_what_threads_write_whole_and_in_order_per_thread() throws InterruptedException {
        var out = output();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200; i++) out.stream().println("t" + id + " " + i);
            }));
        }
        for (Thread t : threads) t.join();
        String[] lines = out.text().split("\n");
        assertEquals(1600, lines.length);
        int[] next = new int[8];
        for (String line : lines) {
            String[] parts = line.split(" ");
            int t = Integer.parseInt(parts[0].substring(1));
            assertEquals(next[t]++, Integer.parseInt(parts[1]), "line " + line);
        }
        out.replace("only this");
        assertEquals("only this\n", out.text());
        out.clear();
        assertEquals("", out.text());
    }

    @Test
    void interact_runs_now_then_after_changes_with_the_latest_values() throws InterruptedException {
        var n = intSlider("n", 1, 10, 3);
        var i = interact(n, x -> "squares " + x * x);
        assertEquals("squares 9\n", i.output().text(), "the first run is immediate");
        for (int v = 4; v <= 9; v++) n.value(v);   // a drag: debounced into one run for where it stopped
        awaitText(i.output(), "squares 81\n");
        assertTrue(i.runs() <= 3, "runs: " + i.runs());
    }

    @Test
    void a_change_to_an_idle_interact_runs_at_once_and_changes_right_after_it_wait_for_quiet() throws InterruptedException {
        var n = intSlider("n", 1, 10, 1);
        // a quiet time of ten minutes: only a run that does not wait for it can show within the test
        var i = new Interact(() -> "value " + n.value(), List.of(n), TimeUnit.MINUTES.toMillis(10));
        assertEquals("value 1\n", i.output().text());
        n.value(2);   // a click on a quiet slider
        awaitText(i.output(), "value 2\n");
        assertEquals(2, i.runs());
        n.value(3);   // right after: waits for ten quiet minutes, so not shown now
        Thread.sleep(200);
        assertEquals("value 2\n", i.output().text(), "a change within the quiet time waits for it");
        assertEquals(2, i.runs());
    }

    @Test
    void interact_interrupts_a_run_that_is_out_of_date() throws InterruptedException {
        var n = intSlider("n", 1, 10, 1);
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        var i = interact(n, x -> {
            if (x == 2) {   // the slow run: waits until it is interrupted
                slowStarted.countDown();
                try {
                    Thread.sleep(Duration.ofMinutes(1));
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    return "cancelled";
                }
            }
            return "value " + x;
        });
        n.value(2);
        assertTrue(slowStarted.await(30, TimeUnit.SECONDS));
        n.value(3);
        assertTrue(interrupted.await(30, TimeUnit.SECONDS), "the out-of-date run was interrupted");
        awaitText(i.output(), "value 3\n");
    }

    @Test
    void state_encodes_binary_values_as_buffers_and_widgets_as_references() {
        var layout = new Widget.Layout();
        Widget.Encoded e = Widget.encode(new java.util.LinkedHashMap<>(Map.of("data", new byte[] {1, 2}, "layout", layout)));
        assertEquals(JsonParser.parseString("[[\"data\"]]"), e.paths());
        assertArrayEquals(new byte[] {1, 2}, e.buffers().getFirst());
        assertEquals("IPY_MODEL_" + layout.id(), e.json().get("layout").getAsString());
        // numbers from the front end take the type of the value they replace
        assertEquals(3.0, Widget.fromJson(JsonParser.parseString("3"), 0.5));
        assertEquals(3, Widget.fromJson(JsonParser.parseString("3"), 1));
        assertEquals(List.of(1, 5), Widget.fromJson(JsonParser.parseString("[1, 5]"), List.of(0, 0)));
    }

    private static void awaitText(Output out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.text().equals(text) && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(text, out.text());
    }
}
