package conclab.kernel.exec;

import com.google.gson.JsonObject;
import conclab.kernel.cell.CellContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A long session with redefinitions: JShell forgets what is no longer in force, and nothing in force breaks. */
class SnippetPrunerTest {

    private final Evaluator ev = new Evaluator(List.of(), new PrintStream(PrintStream.nullOutputStream()));
    private int count;

    @AfterEach
    void close() {
        ev.close();
    }

    private Object value(String code) {
        Outcome o = ev.eval(code, new CellContext(++count, new JsonObject(), List.of(), false));
        if (o instanceof Outcome.Ok ok) return ok.value();
        fail(code + " -> " + o);
        return null;
    }

    @Test
    void pruningWorksInThisJvm() {
        assertNull(ev.pruningDisabled(), "the tests run with --add-opens jdk.jshell/jdk.jshell, as the kernel's jar does");
    }

    @Test
    void aLongSessionOfRedefinitionsKeepsOnlyWhatIsInForce() {
        for (int i = 0; i < 300; i++) {
            value("int v" + (i % 10) + " = " + i + ";");
            value("int f(int x) { return x + " + i + "; }");
            value("record R(int a) { int twice() { return 2 * a + " + i + "; } }");
            value("f(1) + new R(1).twice()");
        }
        // 1,200 cells: 10 variables, f, R, the last 20 results and start-up snippets are in force
        assertTrue(ev.snippetsHeld() < 100, "JShell holds " + ev.snippetsHeld() + " snippets");
        assertEquals((1 + 299) + (2 + 299), value("f(1) + new R(1).twice()"));
        assertEquals(299, value("v9"));
    }

    @Test
    void dependentsSurviveTheRedefinitionsOfWhatTheyUse() {
        value("record Point(int x, int y) {}");
        value("int norm1(Point p) { return Math.abs(p.x()) + Math.abs(p.y()); }");
        value("var points = new java.util.ArrayList<Point>();");
        for (int i = 0; i < 120; i++) value("int scale() { return " + i + "; }");
        value("points.add(new Point(3, -4));");
        assertEquals(7, value("norm1(points.get(0))"));
        ev.pruneNow();
        value("record Point(int x, int y) { int sum() { return x + y; } }");   // redefine: dependents recompile
        ev.pruneNow();
        assertEquals(7, value("norm1(new Point(-3, 4))"));
        assertEquals(119, value("scale()"));
    }

    @Test
    void errorsStillNameTheCellsLineAfterPruning() {
        for (int i = 0; i < 60; i++) value("int g(int x) { return x / " + ((i + 1) % 3) + "; }");
        ev.pruneNow();
        Outcome o = ev.eval("int k = 1;\ng(k)", new CellContext(++count, new JsonObject(), List.of(), false));
        assertInstanceOf(Outcome.Failed.class, o);
        assertTrue(((Outcome.Failed) o).traceback().toString().contains("ArithmeticException"), o.toString());
        Outcome c = ev.eval("int h = \"no\";", new CellContext(++count, new JsonObject(), List.of(), false));
        assertInstanceOf(Outcome.Failed.class, c);
    }

    @Test
    void aThreadRunningCodeOfAForgottenDefinitionKeepsRunning() throws Exception {
        value("java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1), done = new java.util.concurrent.CountDownLatch(1);");
        value("int[] seen = new int[1];");
        value("void work() { try { go.await(); seen[0] = 42; done.countDown(); } catch (InterruptedException e) { } }");
        value("Thread.ofPlatform().start(() -> work());");
        for (int i = 0; i < 60; i++) value("void work() { seen[0] = " + i + "; }");   // the running work() is overwritten
        ev.pruneNow();
        value("go.countDown();");
        assertEquals(true, value("done.await(10, java.util.concurrent.TimeUnit.SECONDS)"));
        assertEquals(42, value("seen[0]"));
    }
}
