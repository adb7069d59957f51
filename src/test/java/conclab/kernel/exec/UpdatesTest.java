package conclab.kernel.exec;

import com.google.gson.JsonObject;
import conclab.kernel.cell.CellContext;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JShell's updates of other snippets, seen from the evaluator: values kept or reset, and what it says. */
class UpdatesTest {

    private int count;
    private final List<String> notices = new ArrayList<>();

    private Evaluator evaluator(boolean keepValues) {
        return new Evaluator(List.of(), new PrintStream(PrintStream.nullOutputStream()),
                (cell, notice) -> notices.add("[" + cell.executionCount() + "] " + notice), keepValues);
    }

    private Object value(Evaluator ev, String code) {
        Outcome o = ev.eval(code, cell());
        return assertInstanceOf(Outcome.Ok.class, o, String.valueOf(o)).value();
    }

    private CellContext cell() {
        return new CellContext(++count, new JsonObject(), List.of(), false);
    }

    @Test
    void aValueThatStillFitsIsKeptAndSaid() {
        try (Evaluator ev = evaluator(true)) {
            value(ev, "Object source = \"a\";");
            value(ev, "var copy = java.util.List.of(source);");
            value(ev, "Object source = \"b\";");
            assertEquals(List.of("[3] `copy` kept its value, computed with the earlier `source`; re-run cell [2] "
                    + "to recompute it"), notices);
            assertEquals(List.of("a"), value(ev, "copy"));
            assertTrue(ev.free(List.of("copy")), "the moved variable can still be freed");
            assertEquals(null, value(ev, "copy"));
        }
    }

    @Test
    void withCarryingOffTheValueIsResetAndALaterNullPointerExceptionNamesIt() {
        try (Evaluator ev = evaluator(false)) {
            value(ev, "Object source = \"a\";");
            value(ev, "var copy = java.util.List.of(source);");
            value(ev, "Object source = \"b\";");
            assertEquals(1, notices.size());
            assertTrue(notices.getFirst().startsWith("[3] `copy` was reset to null because `source` was redefined"),
                    notices.getFirst());
            Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, ev.eval("copy.size()", cell()));
            assertTrue(String.join("\n", f.traceback())
                    .contains("`copy` was reset to null in cell [3], when `source` was redefined"), f.traceback().toString());
        }
    }

    @Test
    void aValueOfARedeclaredTypeDoesNotFit() {
        try (Evaluator ev = evaluator(true)) {
            value(ev, "record Box(int v) {}");
            value(ev, "Box box = new Box(1);");
            value(ev, "record Box(int v) { int twice() { return 2 * v; } }");
            assertEquals(1, notices.size(), notices.toString());
            assertTrue(notices.getFirst().startsWith("[3] `box` was reset to null because its type Box, which was "
                    + "redeclared"), notices.getFirst());
        }
    }
}
