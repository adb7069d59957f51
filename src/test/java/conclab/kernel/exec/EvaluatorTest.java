package conclab.kernel.exec;

import com.google.gson.JsonObject;
import conclab.kernel.cell.CellContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class EvaluatorTest {

    static Evaluator ev;
    static int count;

    @BeforeAll
    static void start() {
        ev = new Evaluator(List.of(), new PrintStream(PrintStream.nullOutputStream()));
    }

    @AfterAll
    static void stop() {
        ev.close();
    }

    static CellContext cell() {
        return new CellContext(++count, new JsonObject(), List.of(), false);
    }

    @Test
    void theCellsValueIsItsLastExpression() {
        Outcome o = ev.eval("int a = 20;\nint b = 22;\na + b", cell());
        assertEquals(new Outcome.Ok(true, 42), o);
        assertEquals(new Outcome.Ok(false, null), ev.eval("int c = 1;", cell()));
        assertEquals(new Outcome.Ok(false, null), ev.eval("System.out.print(\"\")", cell()));
    }

    @Test
    void anExpressionFollowedByASemicolonRunsAndShowsNothing() {
        assertEquals(new Outcome.Ok(false, null), ev.eval("int d = 5;\nd * 2;", cell()));
        assertEquals(new Outcome.Ok(false, null), ev.eval("Math.max(3, 4); // the max", cell()));
        assertEquals(new Outcome.Ok(true, 8), ev.eval("d + 3 // a comment ending in ;", cell()));
        assertEquals(new Outcome.Ok(true, ";"), ev.eval("\";\"", cell()));
        assertEquals(new Outcome.Ok(true, "a;"), ev.eval("\"\"\"\n  a;\"\"\"", cell()));
        assertEquals(new Outcome.Ok(true, 59), ev.eval("(int) ';'", cell()));
        // the expression still ran: its side effect is there
        ev.eval("int[] box = {0};", cell());
        ev.eval("box[0] = 7;", cell());
        assertEquals(new Outcome.Ok(true, 7), ev.eval("box[0]", cell()));
    }

    @Test
    void theRawObjectIsKeptForRichDisplay() {
        Outcome.Ok ok = (Outcome.Ok) ev.eval("new java.awt.Point(1, 2)", cell());
        assertInstanceOf(java.awt.Point.class, ok.value());
    }

    @Test
    void splitFindsEachSnippetsPlaceInTheCell() {
        String code = "int x = 1;\n\n  void f() {\n  }\nx + 1";
        List<Evaluator.Piece> pieces = ev.split(code);
        assertEquals(3, pieces.size());
        for (Evaluator.Piece p : pieces) {
            String head = p.source().strip();
            assertTrue(code.startsWith(head.substring(0, 4), p.offset() + (p.source().length() - p.source().stripLeading().length())),
                    p.toString());
        }
    }

    @Test
    void exitIsRefusedDirectlyAndThroughAMethodReference() {
        for (String code : List.of("System.exit(1)", "Runtime.getRuntime().halt(2)",
                "java.util.function.IntConsumer f = System::exit; f.accept(3);",
                "Runtime r = Runtime.getRuntime(); java.util.function.IntConsumer g = r::exit; g.accept(4);")) {
            Outcome o = ev.eval(code, cell());
            Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, o, code);
            assertTrue(f.evalue().contains("refused"), f.evalue());
        }
    }

    @Test
    void aBusyLoopStopsWhenItsCellIsStoppedAndOtherCellsRunOn() throws Exception {
        CellContext other = cell();
        ev.eval("var otherRuns = new java.util.concurrent.atomic.AtomicLong();\n"
                + "Thread.ofPlatform().daemon().start(() -> { while (!Thread.currentThread().isInterrupted()) otherRuns.incrementAndGet(); });",
                other);
        CellContext busy = cell();
        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> ev.eval("while (true) {}", busy));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (busy.group().activeCount() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
        assertTrue(busy.group().activeCount() > 0, "the busy cell never started");
        ev.control().stop(busy);
        Outcome o = running.get(30, TimeUnit.SECONDS);
        assertEquals("KeyboardInterrupt", assertInstanceOf(Outcome.Interrupted.class, o).ename());
        // the other cell's thread still counts
        Outcome.Ok a = (Outcome.Ok) ev.eval("otherRuns.get()", cell());
        Outcome.Ok b;
        do {
            b = (Outcome.Ok) ev.eval("otherRuns.get()", cell());
        } while ((long) b.value() == (long) a.value() && System.nanoTime() < deadline);
        assertTrue((long) b.value() > (long) a.value());
        assertTrue(other.group().activeCount() > 0);
        ev.control().stop(other);
    }

    @Test
    void theFirstCompletionOffersEveryPackageThoughTheIndexWaitedForIt() {
        // JShell's class-path index is built at the first completion (DeferredIndexing), which waits for it
        int[] anchor = new int[1];
        var names = ev.completionSuggestions("import java.util.conc", 21, anchor).stream()
                .map(jdk.jshell.SourceCodeAnalysis.Suggestion::continuation).toList();
        assertTrue(names.contains("concurrent."), names.toString());
        assertEquals(17, anchor[0]);
        assertFalse(ev.indexingDeferred());
        var members = ev.completionSuggestions("Math.ab", 7, anchor).stream()
                .map(jdk.jshell.SourceCodeAnalysis.Suggestion::continuation).toList();
        assertTrue(members.contains("abs("), members.toString());
    }

    @Test
    void completenessOfCode() {
        assertEquals("complete", ev.completeness("int x = 1;"));
        assertEquals("complete", ev.completeness("int x = 1; x + 1"));
        assertEquals("incomplete", ev.completeness("void f() {"));
        assertEquals("invalid", ev.completeness("int x = ;"));
    }

    @Test
    void documentationOfATypeAndAMethod() {
        assertTrue(ev.documentation("String", 6).startsWith("java.lang.String"));
        assertTrue(ev.documentation("Math.abs(", 9).contains("Math.abs("));
        assertNull(ev.documentation("   ", 1));
    }
}
