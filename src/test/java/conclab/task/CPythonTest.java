package conclab.task;

import conclab.spi.Displayable;
import conclab.trace.Recorder;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Stats;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CPythonTest {

    private static CPython python() {
        CPython py = CPython.find();
        assumeTrue(py.available(), "no python3 here: " + py);
        return py;
    }

    @Test
    void a_missing_interpreter_says_so_and_refuses_to_run() throws Exception {
        CPython py = CPython.at(Path.of("/nonexistent/conclab/python3"));
        assertFalse(py.available());
        assertTrue(py.toString().startsWith("python3 not found: "), py.toString());
        assertTrue(py.toString().contains("/nonexistent/conclab/python3"), py.toString());
        assertEquals(py.toString(), py.mimeBundle(Set.of(Displayable.PLAIN)).get(Displayable.PLAIN));
        Recorder rec = Recorder.start("missing");
        var e = assertThrows(IllegalStateException.class, () -> py.threads(2).run(Work.cpu(Duration.ofMillis(1)), 2, rec));
        assertTrue(e.getMessage().startsWith("python3 not found: "), e.getMessage());
    }

    @Test
    void an_interpreter_that_is_not_python_says_so() {
        CPython py = CPython.at(Path.of("/bin/false"));
        assertFalse(py.available());
        assertTrue(py.toString().startsWith("python3 not found: /bin/false"), py.toString());
    }

    @Test
    void threads_report_every_task_as_well_formed_spans_on_this_jvms_clock() throws Exception {
        CPython py = python();
        assertTrue(py.toString().startsWith("CPython 3."), py.toString());
        Recorder rec = Recorder.start("cpython threads");
        long before = System.nanoTime();
        py.threads(2).run(Work.cpu(Duration.ofMillis(15)), 4, rec);
        long after = System.nanoTime();
        Trace t = rec.stop();
        Stats s = Stats.of(t, 2);
        assertEquals(4, s.tasks());
        for (Span sp : t.spans()) {
            assertTrue(sp.startNanos() >= before && sp.endNanos() <= after, "span inside the run: " + sp);
            assertTrue(sp.lane().startsWith("python"), sp.lane());
        }
        assertEquals(1, t.spans().stream().filter(sp -> sp.taskId() < 0 && sp.lane().equals("python")).count(),
                "the interpreter's start-up");
        assertTrue(t.spans().stream().filter(sp -> sp.taskId() >= 0).allMatch(sp -> sp.lane().startsWith("python thread-")));
        // each task's CPU time, summed in the meta: about its 15 ms, but the loop's steps are calibrated once per
        // interpreter, and a calibration taken while other tests held the cores makes the same steps cheaper
        // (42 ms for the four once, right after a busy minute): the bounds say summed once, not timed
        long cpu = Long.parseLong(t.meta().get("cpu.nanos"));
        assertTrue(cpu >= 4 * 5_000_000L && cpu < 4 * 40_000_000L, "cpu " + cpu);
        if (py.gil()) {
            assertTrue(s.parallelism() < 1.3, "one core at a time under the GIL: " + s.parallelism());
        }
    }

    @Test
    void processes_record_their_start_up_and_run_sleep_and_io_work() throws Exception {
        CPython py = python();
        Recorder rec = Recorder.start("cpython processes");
        py.processes(2).run(Work.sleep(Duration.ofMillis(5)), 3, rec);
        Trace t = rec.stop();
        assertEquals(2, t.spans().stream().filter(sp -> sp.taskId() < 0 && sp.lane().startsWith("python process-")).count());
        List<Span> tasks = t.spans().stream().filter(sp -> sp.taskId() >= 0).toList();
        assertEquals(3, tasks.size());
        assertTrue(tasks.stream().allMatch(sp -> sp.state() == SpanState.WAITING && sp.durationNanos() >= 4_000_000L), tasks.toString());

        long served = LoopbackServer.shared().served();
        Recorder io = Recorder.start("cpython io");
        py.threads(3).run(Work.io(Duration.ofMillis(5)), 3, io);
        assertEquals(3, Stats.of(io.stop(), 3).tasks());
        assertTrue(LoopbackServer.shared().served() >= served + 3, "python's requests reached the lab's server");
    }

    @Test
    void java_work_has_no_python_version() {
        CPython py = python();
        var e = assertThrows(IllegalArgumentException.class,
                () -> py.threads(1).run(Work.named("mine", i -> { }), 1, Recorder.start("x")));
        assertTrue(e.getMessage().contains("no CPython version"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> py.threads(2).withGil());
    }

    /**
     * The GIL's signature is load-independent: CPython threads never use more than one core's worth of
     * CPU per second of wall time, so on CPU work they run no faster than one thread on one core (their
     * "cores used", the tasks' CPU time over the makespan, is the speedup over that ideal one-core run).
     * Makespans against threads(1) are not compared: on a shared 2-core machine at load 5, the baseline
     * itself may get half a core. What processes gain depends on the cores the machine can spare, so the
     * test asserts what holds on any machine: their tasks ran at the same time, and whenever they got
     * more than 1.3 cores' worth of CPU, they finished faster than the threads, as they must.
     */
    @Test
    void threads_do_not_speed_up_cpu_work_and_processes_do() {
        CPython py = python();
        assumeTrue(py.gil(), "a free-threaded python has no GIL to show");
        var runs = Experiment.of(Work.cpu(Duration.ofMillis(50))).tasks(6)
                .on(py.threads(2), py.processes(2)).repeat(3).run();
        for (var r : runs.of("cpython threads(2)")) {
            assertTrue(r.stats().parallelism() < 1.15, "at most one core at a time under the GIL: " + runs);
        }
        if (Runtime.getRuntime().availableProcessors() >= 2) {
            for (var r : runs.of("cpython processes(2)")) {
                assertTrue(overlapNanos(r.trace(), "python process-0", "python process-1") > 0,
                        "two processes computed at the same time: " + runs);
            }
            if (runs.stats("cpython processes(2)").parallelism() > 1.3) {
                assertTrue(runs.speedup("cpython processes(2)") > 1.1, "processes escape the GIL: " + runs);
            }
        }
    }

    /** Time during which lanes {@code a} and {@code b} were both inside a task. */
    private static long overlapNanos(Trace t, String a, String b) {
        long sum = 0;
        for (Span x : t.spans()) {
            if (x.taskId() < 0 || !x.lane().equals(a)) continue;
            for (Span y : t.spans()) {
                if (y.taskId() < 0 || !y.lane().equals(b)) continue;
                sum += Math.max(0, Math.min(x.endNanos(), y.endNanos()) - Math.max(x.startNanos(), y.startNanos()));
            }
        }
        return sum;
    }

    @Test
    void interrupting_a_run_destroys_the_interpreter_and_its_workers() throws Exception {
        CPython py = python();
        Recorder rec = Recorder.start("cancelled");
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        long me = ProcessHandle.current().pid();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                started.countDown();
                py.processes(2).run(Work.sleep(Duration.ofSeconds(30)), 2, rec);
                outcome.set(new AssertionError("finished"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        started.await();
        // wait until the interpreter and its two workers exist
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<ProcessHandle> pythons = pythonsUnder(me);
        while (pythons.size() < 3 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            pythons = pythonsUnder(me);
        }
        assertEquals(3, pythons.size(), "interpreter and two workers running");
        runner.interrupt();
        runner.join();
        assertInstanceOf(InterruptedException.class, outcome.get());
        for (ProcessHandle h : pythons) {
            h.onExit().get(10, TimeUnit.SECONDS); // a process that survived would time out here
            assertFalse(h.isAlive(), "left behind: " + h.pid());
        }
    }

    private static List<ProcessHandle> pythonsUnder(long pid) {
        return ProcessHandle.of(pid).orElseThrow().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.contains("python")).orElse(false))
                .toList();
    }
}
