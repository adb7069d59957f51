package conclab.task;

import conclab.check.SplitProbe;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The helpers of lessons 02 and 03: PythonProgram, WatchedProcess, SplitProbe. */
class LessonHelpersTest {

    /** A reader thread that copies the child's output into {@code out}, started. */
    private static Thread startReader(Process p, java.io.ByteArrayOutputStream out) {
        return Thread.ofPlatform().start(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void a_python_program_prints_and_exits() throws Exception {
        CPython py = CPython.find();
        assumeTrue(py.available(), "no python3 here");
        var r = PythonProgram.run("import sys\nprint(6 * 7)\nprint('oops', file=sys.stderr)\nsys.exit(3)\n");
        assertTrue(r.ran());
        assertEquals("42\n", r.out());
        assertTrue(r.err().contains("oops"), r.err());
        assertEquals(3, r.exitCode());
        assertTrue(r.toString().contains("exit code 3"), r.toString());
    }

    @Test
    void without_python_the_result_says_why() throws Exception {
        var r = PythonProgram.run(CPython.at(Path.of("/nonexistent/python3")), "print(1)", Duration.ofSeconds(5));
        assertFalse(r.ran());
        assertTrue(r.toString().startsWith("python3 not found"), r.toString());
    }

    private static final List<String> BIG = List.of("seq", "1", "150000");

    @Test
    void reading_then_waiting_is_recorded_as_right() throws Exception {
        var t = WatchedProcess.trial(BIG, p -> {
            byte[] b = p.getInputStream().readAllBytes();
            p.waitFor();
            return b;
        });
        assertEquals(938_895, t.length());
        assertTrue(t.readStarted() && t.drained() && t.waitedToExit());
        assertFalse(t.waitedUnread() || t.timedOut());
    }

    @Test
    void waiting_before_reading_is_stopped_and_recorded() throws Exception {
        var t = WatchedProcess.trial(BIG, p -> {
            p.waitFor();
            return p.getInputStream().readAllBytes();
        });
        assertTrue(t.waitedUnread());
        assertInstanceOf(InterruptedException.class, t.thrown());
        assertFalse(t.timedOut());
    }

    @Test
    void a_reader_thread_never_joined_misses_the_end_and_one_joined_does_not() throws Exception {
        for (int round = 0; round < 3; round++) {
            var early = WatchedProcess.trial(BIG, p -> {
                var out = new java.io.ByteArrayOutputStream();
                startReader(p, out);
                p.waitFor();
                synchronized (out) {
                    return out.toByteArray();
                }
            });
            assertTrue(early.length() >= 0 && early.length() < 938_895,
                    "round " + round + ": at least the last byte is missing, held for a parent that waits: " + early.length());

            var joined = WatchedProcess.trial(BIG, p -> {
                var out = new java.io.ByteArrayOutputStream();
                var reader = startReader(p, out);
                p.waitFor();
                reader.join();
                return out.toByteArray();
            });
            assertEquals(938_895, joined.length(), "round " + round);
            assertTrue(joined.drained() && joined.waitedToExit());
        }
    }

    @Test
    void waiting_for_on_exit_is_a_wait_for_the_child_not_for_the_reader() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (boolean join : new boolean[] {false, true}) {
                var early = WatchedProcess.trial(BIG, p -> {
                    var out = new java.io.ByteArrayOutputStream();
                    startReader(p, out);
                    if (join) p.onExit().join(); else p.onExit().thenApply(x -> x).get();
                    synchronized (out) {
                        return out.toByteArray();
                    }
                });
                assertTrue(early.length() >= 0 && early.length() < 938_895,
                        "round " + round + (join ? " join" : " get") + ": the last byte is held: " + early.length());
                assertTrue(early.waitedToExit());
            }
            var readFirst = WatchedProcess.trial(BIG, p -> {
                byte[] b = p.getInputStream().readAllBytes();
                p.onExit().get();
                return b;
            });
            assertEquals(938_895, readFirst.length(), "round " + round);
            assertTrue(readFirst.waitedToExit() && !readFirst.waitedUnread());
            var neverWaited = WatchedProcess.trial(BIG, p -> {
                byte[] b = p.getInputStream().readAllBytes();
                p.onExit();                                  // no get(): nobody waits for it
                return b;
            });
            assertFalse(neverWaited.waitedToExit(), "round " + round + ": onExit() alone is no wait");
            var both = WatchedProcess.trial(BIG, p -> {
                var reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return p.getInputStream().readAllBytes();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                java.util.concurrent.CompletableFuture.allOf(reading, p.onExit()).get();
                return reading.get();
            });
            assertEquals(938_895, both.length(), "round " + round);
            assertTrue(both.waitedToExit(), "round " + round + ": allOf(reading, onExit()).get() waits for the child");
        }
    }

    @Test
    void reading_only_while_the_child_is_alive_misses_the_end_and_reading_to_the_end_does_not() throws Exception {
        for (int round = 0; round < 3; round++) {
            var lines = WatchedProcess.trial(BIG, p -> {
                var r = p.inputReader();
                var sb = new StringBuilder();
                while (p.isAlive()) {
                    String line = r.readLine();
                    if (line != null) sb.append(line).append('\n');
                }
                p.waitFor();
                return sb.toString().getBytes();
            });
            assertTrue(lines.length() >= 0 && lines.length() < 938_895, "round " + round + ": " + lines.length());
            var chunks = WatchedProcess.trial(BIG, p -> {
                var out = new java.io.ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                while (p.isAlive()) {
                    int n = p.getInputStream().read(buf);
                    if (n > 0) out.write(buf, 0, n);
                }
                p.waitFor();
                return out.toByteArray();
            });
            assertTrue(chunks.length() >= 0 && chunks.length() < 938_895, "round " + round + ": " + chunks.length());
            var toTheEnd = WatchedProcess.trial(BIG, p -> {
                var out = new java.io.ByteArrayOutputStream();
                var in = p.getInputStream();
                int c = in.read();                       // one byte, then chunks, then whatever is left
                out.write(c);
                byte[] buf = new byte[100];
                for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
                p.waitFor();
                return out.toByteArray();
            });
            assertEquals(938_895, toTheEnd.length(), "round " + round);
            assertTrue(toTheEnd.drained() && toTheEnd.waitedToExit());
            var byteByByte = WatchedProcess.trial(BIG, p -> {
                var out = new java.io.ByteArrayOutputStream();
                var in = p.getInputStream();
                for (int c; (c = in.read()) >= 0; ) out.write(c);
                p.waitFor();
                return out.toByteArray();
            });
            assertEquals(938_895, byteByByte.length(), "round " + round + ": one byte at a time");
            assertFalse(byteByByte.timedOut());
        }
    }

    static final class Sum extends RecursiveTask<Long> {
        final SplitProbe p;
        final int lo, hi;
        final boolean fork;

        Sum(SplitProbe p, int lo, int hi, boolean fork) { this.p = p; this.lo = lo; this.hi = hi; this.fork = fork; }

        @Override
        protected Long compute() {
            if (hi - lo <= 8) return IntStream.range(lo, hi).mapToLong(p).sum();
            int mid = (lo + hi) >>> 1;
            var left = new Sum(p, lo, mid, fork);
            if (!fork) return left.compute() + new Sum(p, mid, hi, fork).compute();
            left.fork();
            return new Sum(p, mid, hi, fork).compute() + left.join();
        }
    }

    @Test
    void a_probe_sees_two_threads_at_once_only_when_the_work_is_split() {
        var pool = new ForkJoinPool(2);
        try {
            var split = SplitProbe.of(500);
            assertEquals(split.expected(), pool.invoke(new Sum(split, 0, 500, true)));
            assertTrue(split.met() && split.eachOnce(), split.toString());
            var serial = SplitProbe.of(500);
            assertEquals(serial.expected(), pool.invoke(new Sum(serial, 0, 500, false)));
            assertFalse(serial.met(), serial.toString());
            assertTrue(serial.eachOnce());
            assertTrue(split.byHand() && split.notByHand().isEmpty(), "sequential streams over the leaves are split by hand");
            var streamed = SplitProbe.of(500);
            assertEquals(streamed.expected(), (long) pool.submit(() -> IntStream.range(0, 500).parallel().mapToLong(streamed).sum()).join());
            assertTrue(streamed.met(), streamed.toString());
            assertFalse(streamed.byHand(), "a parallel stream split it");
            assertFalse(streamed.notByHand().isEmpty());
        } finally {
            pool.shutdownNow();
        }
    }
}
