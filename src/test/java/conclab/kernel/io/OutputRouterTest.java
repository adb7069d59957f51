package conclab.kernel.io;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.Contexts;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class OutputRouterTest {

    record Sent(String type, JsonObject parent, JsonObject content) {}

    private final List<Sent> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Contexts contexts = new Contexts();
    private final ByteArrayOutputStream fallback = new ByteArrayOutputStream();
    private OutputRouter router;

    private OutputRouter router(long cap) {
        router = new OutputRouter(contexts, (t, p, c) -> sent.add(new Sent(t, p, c)),
                new OutputRouter.Settings(50, 64 * 1024, 100_000_000, cap), new PrintStream(fallback));
        return router;
    }

    @AfterEach
    void close() {
        if (router != null) router.close();
    }

    private static CellContext cell(int n) {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", "cell-" + n);
        return new CellContext(n, header, List.of(), false);
    }

    private String textOf(CellContext ctx, String stream) {
        StringBuilder sb = new StringBuilder();
        synchronized (sent) {
            for (Sent s : sent) {
                if (s.parent() == ctx.parentHeader() && s.content().get("name").getAsString().equals(stream)) {
                    sb.append(s.content().get("text").getAsString());
                }
            }
        }
        return sb.toString();
    }

    @Test
    void eachThreadsLinesGoToItsCellInOrder() throws Exception {
        OutputRouter r = router(1 << 20);
        CellContext a = cell(1), b = cell(2);
        contexts.started(b);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (CellContext ctx : List.of(a, b)) {
            for (int t = 0; t < 3; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().start(() -> Contexts.runIn(ctx, () -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 500; i++) r.stdout().println(ctx.label() + " t" + id + " " + i);
                })));
            }
        }
        go.countDown();
        for (Thread t : threads) t.join();
        r.flush(a);
        r.flush(b);
        for (CellContext ctx : List.of(a, b)) {
            String text = textOf(ctx, "stdout");
            assertEquals(1500, text.lines().count());
            for (int t = 0; t < 3; t++) {
                Matcher m = Pattern.compile(Pattern.quote(ctx.label()) + " t" + t + " (\\d+)").matcher(text);
                int expected = 0;
                while (m.find()) assertEquals(expected++, Integer.parseInt(m.group(1)));
                assertEquals(500, expected);
            }
        }
    }

    @Test
    void aThreadOfNoCellPrintsUnderTheLastCellWithItsName() throws Exception {
        OutputRouter r = router(1 << 20);
        CellContext last = cell(7);
        contexts.started(last);
        contexts.finished(last);
        Thread t = Thread.ofPlatform().name("stray").start(() -> {
            r.stdout().print("one\ntw");
            r.stdout().println("o");
        });
        t.join();
        r.flush(last);
        assertEquals("[stray] one\n[stray] two\n", textOf(last, "stdout"));
    }

    @Test
    void stdoutAndStderrKeepTheirRelativeOrder() {
        OutputRouter r = router(1 << 20);
        CellContext c = cell(1);
        Contexts.runIn(c, () -> {
            r.stdout().println("out 1");
            r.stderr().println("err 1");
            r.stdout().println("out 2");
        });
        r.flush(c);
        List<String> order = sent.stream().map(s -> s.content().get("name").getAsString() + ":"
                + s.content().get("text").getAsString().strip()).toList();
        assertEquals(List.of("stdout:out 1", "stderr:err 1", "stdout:out 2"), order);
    }

    @Test
    void multiByteCharactersSplitAcrossWritesArriveWhole() {
        OutputRouter r = router(1 << 20);
        CellContext c = cell(1);
        byte[] bytes = "→ é 😀\n".getBytes(StandardCharsets.UTF_8);
        Contexts.runIn(c, () -> {
            for (byte b : bytes) r.stdout().write(b);
        });
        r.flush(c);
        assertEquals("→ é 😀\n", textOf(c, "stdout"));
    }

    @Test
    void aFloodIsCutAtTheCapWithOneNotice() {
        OutputRouter r = router(10_000);
        CellContext c = cell(1);
        Contexts.runIn(c, () -> {
            for (int i = 0; i < 1000; i++) r.stdout().println("0123456789012345678");
        });
        r.flush(c);
        assertEquals(10_000, textOf(c, "stdout").length());
        String err = textOf(c, "stderr");
        assertTrue(err.contains("output truncated"), err);
        assertEquals(1, err.split("output truncated", -1).length - 1);
    }

    @Test
    void aSilentCellPrintsNothing() {
        OutputRouter r = router(1 << 20);
        CellContext c = new CellContext(1, new JsonObject(), List.of(), false, true);
        Contexts.runIn(c, () -> r.stdout().println("quiet"));
        r.flush(c);
        assertTrue(sent.isEmpty());
    }

    @Test
    void thePumpSendsWithoutAnExplicitFlush() throws Exception {
        OutputRouter r = router(1 << 20);
        CellContext c = cell(1);
        Contexts.runIn(c, () -> r.stdout().println("eventually"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (textOf(c, "stdout").isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertEquals("eventually\n", textOf(c, "stdout"));
    }
}
