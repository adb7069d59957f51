package conclab.task;

import conclab.spi.Displayable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A whole Python program run once on the machine's CPython ({@link CPython#find()}), for lessons that
 * show what real Python does: {@code Lab.runPython("""print(1 + 1)""")}. Reached through
 * {@code Lab.runPython}.
 *
 * <p>The program is written to a file of its own in the library's temporary folder and run as
 * {@code python3 FILE} (not {@code -c}), so {@code multiprocessing} with the {@code spawn} or
 * {@code forkserver} start method can import it again in its children (guard the main part with
 * {@code if __name__ == "__main__":}, as Python requires). Standard output and standard error are read by
 * two threads while the program runs, so a full pipe never blocks it. A program still running after the
 * time limit, or when the calling thread is interrupted, is destroyed with every process it started.
 *
 * <p>Without a usable {@code python3} the result says so ({@link Result#ran()} is false) and nothing runs.
 */
public final class PythonProgram {

    /** The longest a program may run before it is destroyed. */
    public static final Duration LIMIT = Duration.ofSeconds(60);

    private PythonProgram() {}

    /**
     * What a program did: its exit code (-1 when it did not run or was destroyed), its standard output
     * and standard error as text, and the wall time from start to exit as seen from Java.
     */
    public record Result(boolean ran, int exitCode, String out, String err, Duration took, String python)
            implements Displayable {

        /** Standard output, then standard error (when not empty), then a line saying how it ended. */
        @Override
        public String toString() {
            if (!ran) return err;
            StringBuilder s = new StringBuilder(out);
            if (!err.isBlank()) s.append(s.isEmpty() || s.charAt(s.length() - 1) == '\n' ? "" : "\n").append("[stderr] ").append(err.strip()).append('\n');
            s.append("(").append(python).append(", exit code ").append(exitCode).append(", ")
                    .append(took.toMillis()).append(" ms)");
            return s.toString();
        }

        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(PLAIN, toString());
            return m;
        }
    }

    /** Runs {@code program} on {@link CPython#find()}; never throws for what the program does. */
    public static Result run(String program) throws InterruptedException {
        return run(CPython.find(), program, LIMIT);
    }

    /** Runs {@code program} on {@code python}, destroying it after {@code limit}. */
    public static Result run(CPython python, String program, Duration limit) throws InterruptedException {
        if (!python.available()) {
            return new Result(false, -1, "", python.problem(), Duration.ZERO, "no python");
        }
        Path file;
        try {
            file = Files.createTempFile(Work.tempDir(), "program-", ".py");
            Files.writeString(file, program, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = "CPython " + python.version();
        long t0 = System.nanoTime();
        Process p = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(python.interpreter().toString(), "-u", file.toString());
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            p = pb.start();
            p.getOutputStream().close();
            Reader out = new Reader(p.getInputStream()), err = new Reader(p.getErrorStream());
            boolean exited = p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
            if (!exited) destroyTree(p);
            int code = exited ? p.exitValue() : -1;
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String errText = err.text() + (exited ? "" : "\n(destroyed after " + limit.toSeconds() + " s)");
            return new Result(true, code, out.text(), errText, took, name);
        } catch (IOException e) {
            return new Result(false, -1, "", "could not run " + python.interpreter() + ": " + e, Duration.ZERO, name);
        } finally {
            if (p != null && (p.isAlive() || p.descendants().findAny().isPresent())) destroyTree(p);
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the temporary folder is removed at exit anyway
            }
        }
    }

    private static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Reads a stream to its end on a thread of its own. */
    private static final class Reader {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Reader(InputStream in) {
            thread = Thread.ofPlatform().daemon().name("python-program-reader").start(() -> {
                try (in) {
                    in.transferTo(bytes);
                } catch (IOException ignored) {
                    // destroyed: keep what arrived
                }
            });
        }

        String text() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
