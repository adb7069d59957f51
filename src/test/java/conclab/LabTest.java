package conclab;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class LabTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream saved;

    @BeforeEach
    void capture() {
        saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(saved);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void check_prints_a_tick_or_a_cross_with_the_hint_and_never_throws() {
        assertTrue(Lab.check("adds up", 1 + 1 == 2, "look again"));
        assertFalse(Lab.check("is faster", false, "use more threads"));
        assertFalse(Lab.check("throws", () -> { throw new IllegalStateException("oops"); }, "fix it"));
        assertFalse(Lab.check("null", () -> null, "returns null"));
        assertTrue(Lab.check("supplier", () -> true, "no"));
        String[] lines = printed().split("\\R");
        assertEquals("✓ adds up", lines[0]);
        assertEquals("✗ is faster — use more threads", lines[1]);
        assertTrue(lines[2].startsWith("✗ throws — fix it (the check threw java.lang.IllegalStateException: oops"));
        assertEquals("✗ null — returns null", lines[3]);
        assertEquals("✓ supplier", lines[4]);
    }

    @Test
    void the_facade_reaches_an_experiment_end_to_end() {
        var runs = Lab.experiment(Lab.sleep(Lab.ms(2))).tasks(4).on(Lab.sequential(), Lab.virtual())
                .repeat(1).warmup(0).progress(Lab.progressBar()).run();
        // the library's one progress bar (chart.Progress): shown on the first run, finished with the last
        assertTrue(printed().contains("50%  1/2  ") && printed().contains("sequential"), printed());
        assertTrue(printed().contains("100%  2/2  ") && printed().strip().endsWith("virtual  done"), printed());
        Lab.display(runs);
        assertTrue(printed().contains("virtual"), printed());
        assertTrue(runs.speedup("virtual") > 0);
    }
}
