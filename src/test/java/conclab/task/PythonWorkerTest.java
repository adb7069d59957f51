package conclab.task;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Python worker as plain JShell users have it: no kernel, output to a list. */
class PythonWorkerTest {

    private PythonWorker py;
    /* Output as (owner, stream, text); written by the worker's reader thread. */
    private final List<String> out = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        assumeTrue(CPython.find().available(), "no python3 here");
        py = new PythonWorker().output((owner, err, text) -> out.add(owner + "|" + (err ? "err" : "out") + "|" + text));
    }

    @AfterEach
    void stop() {
        if (py != null) py.close();
    }

    private String printed() {
        synchronized (out) {
            return String.join("", out);
        }
    }

    @Test
    void keeps_variables_and_returns_the_last_value_as_its_repr() throws Exception {
        assertTrue(py.run("x = 41").ok());
        PythonWorker.Result r = py.run("print('hi')\nx + 1", "cellA", "<a>");
        assertEquals("42", r.toString());
        assertTrue(printed().contains("cellA|out|hi\n"), printed());
        assertTrue(printed().contains("GIL"), "the first run names the interpreter: " + printed());
    }

    @Test
    void an_error_is_a_python_traceback_with_the_cells_lines() throws Exception {
        PythonWorker.Result r = py.run("a = 1\n1 / 0", null, "<cell [7]>");
        assertEquals(PythonWorker.Result.Kind.ERROR, r.kind());
        assertEquals("ZeroDivisionError", r.ename());
        String tb = String.join("\n", r.traceback());
        assertTrue(tb.contains("File \"<cell [7]>\", line 2"), tb);
        assertTrue(tb.contains("1 / 0"), tb);
    }

    @Test
    void interrupting_the_waiting_thread_stops_the_python_code() throws Exception {
        AtomicReference<PythonWorker.Result> got = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                got.set(py.run("import time\nprint('go', flush=True)\ntime.sleep(60)"));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!printed().contains("go") && System.nanoTime() < deadline) Thread.onSpinWait();
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(t.isAlive());
        assertEquals(PythonWorker.Result.Kind.INTERRUPTED, got.get().kind());
        assertEquals("2", py.run("1 + 1").toString());
    }

    @Test
    void spans_of_python_threads_come_back_as_a_trace() throws Exception {
        PythonWorker.Result r = py.run("import threading\n"
                + "def f():\n    with lab.span('work'):\n        pass\n"
                + "ts = [threading.Thread(target=f, name=f'w{k}') for k in range(2)]\n"
                + "for t in ts: t.start()\nfor t in ts: t.join()\nlab.mark('end')");
        assertTrue(r.ok(), r.toString());
        assertEquals(2, r.trace().spans().size());
        assertEquals(1, r.trace().markers().size());
        assertSame(r.trace(), py.lastTrace());
        long now = System.nanoTime();
        for (var s : r.trace().spans()) assertTrue(Math.abs(now - s.endNanos()) < TimeUnit.SECONDS.toNanos(30),
                "python's monotonic clock is this JVM's nanoTime");
    }

    @Test
    void a_dead_worker_is_reported_and_the_next_run_starts_a_fresh_one() throws Exception {
        PythonWorker.Result r = py.run("import os\nos._exit(5)");
        assertEquals(PythonWorker.Result.Kind.DIED, r.kind());
        assertTrue(r.evalue().contains("exit code 5"), r.evalue());
        PythonWorker.Result next = py.run("'fresh'");
        assertEquals("'fresh'", next.toString());
        assertTrue(next.notices().stream().anyMatch(n -> n.contains("fresh one")), next.notices().toString());
    }

    @Test
    void close_ends_the_worker_and_the_processes_it_started() throws Exception {
        long pid = Long.parseLong(py.run("import os, subprocess\nos.getpid()").toString());
        long child = Long.parseLong(py.run("subprocess.Popen(['sleep', '60']).pid").toString());
        CountDownLatch gone = new CountDownLatch(2);
        ProcessHandle.of(pid).orElseThrow().onExit().thenRun(gone::countDown);
        ProcessHandle.of(child).orElseThrow().onExit().thenRun(gone::countDown);
        py.close();
        assertTrue(gone.await(10, TimeUnit.SECONDS), "worker or its child still alive");
    }
}
