package conclab.task;

import conclab.sync.Gil;
import conclab.trace.Recorder;
import conclab.trace.SpanState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;

/**
 * What one task of an experiment does, given its index. Library workloads are made by the static
 * methods here (reached from {@link conclab.Lab}); any lambda works too:
 * <pre>{@code
 * Work cpu = Work.cpu(Duration.ofMillis(20));               // ~20 ms of one core, per task
 * Work io  = Work.io(Duration.ofMillis(50));                // a 50 ms request to a loopback server
 * Work mine = Work.named("count", i -> counter.increment());
 * }</pre>
 * Library workloads record their waits (sleep, I/O) as {@link SpanState#WAITING}, can be cancelled by
 * interrupting the thread, and release a simulated {@link Gil} while they block.
 */
@FunctionalInterface
public interface Work {

    /** Runs task number {@code task} (0-based). */
    void run(int task) throws Exception;

    /** A short name for labels and tables. */
    default String name() {
        return "work";
    }

    /**
     * A text from which {@link #parse(String)} rebuilds this workload in another JVM (see
     * {@link Strategy#processes(int)}), or null when it cannot be sent: lambdas and classes defined in a
     * notebook cell or JShell do not exist in a child JVM. Library workloads and {@link #ofClass} have one.
     */
    default String spec() {
        return null;
    }

    /** A workload from a {@link #spec()}. */
    static Work parse(String spec) {
        return LibraryWork.parse(spec);
    }

    /**
     * A workload of a class on the class path (public, with a public no-argument constructor), which
     * can also run in child JVMs. A class defined in a notebook cell or in JShell is refused with an
     * explanation: child JVMs cannot load it.
     *
     * @throws IllegalArgumentException if the class cannot be loaded by name from the class path
     */
    static Work ofClass(Class<? extends Work> type) {
        return LibraryWork.ofClass(type);
    }

    /**
     * A fixed amount of computation per task, the same on every kind of thread: the steps that take one
     * idle core about {@code d} (see {@link Cpu}). A speedup of such tasks counts work done.
     */
    static Work cpu(Duration d) {
        return cpu(Sizes.fixed(d));
    }

    /** A fixed amount of computation per task: the steps that take one idle core about {@code sizes.of(task)}. */
    static Work cpu(Sizes sizes) {
        Objects.requireNonNull(sizes);
        return new LibraryWork("cpu(" + sizes.describe() + ")", spec("cpu", sizes), task -> Cpu.compute(sizes.of(task)));
    }

    /**
     * A CPU-time budget per task, not a fixed amount of work: computes until the running thread's CPU
     * clock has advanced by {@code d} (see {@link Cpu#computeCpuTime}). Platform threads only: on a
     * virtual thread each task throws {@link UnsupportedOperationException}. A speedup of such tasks
     * measures CPU time granted, so it cannot show a shared core or a slower clock; {@link #cpu(Duration)}
     * can.
     */
    static Work cpuTime(Duration d) {
        return cpuTime(Sizes.fixed(d));
    }

    /** A CPU-time budget of {@code sizes.of(task)} per task; platform threads only (see {@link #cpuTime(Duration)}). */
    static Work cpuTime(Sizes sizes) {
        Objects.requireNonNull(sizes);
        return new LibraryWork("cpuTime(" + sizes.describe() + ")", spec("cpuTime", sizes),
                task -> Cpu.computeCpuTime(sizes.of(task)));
    }

    /** Sleeps {@code d} per task (blocking, not computing), recorded as WAITING. */
    static Work sleep(Duration d) {
        return sleep(Sizes.fixed(d));
    }

    /** Sleeps {@code sizes.of(task)}, recorded as WAITING. */
    static Work sleep(Sizes sizes) {
        Objects.requireNonNull(sizes);
        return new LibraryWork("sleep(" + sizes.describe() + ")", spec("sleep", sizes),
                task -> waiting(() -> Thread.sleep(sizes.of(task))));
    }

    /**
     * A blocking request to the shared {@link LoopbackServer} on 127.0.0.1 that answers after
     * {@code latency} with a few bytes: real socket I/O, recorded as WAITING.
     */
    static Work io(Duration latency) {
        return io(latency, 64);
    }

    /** As {@link #io(Duration)}, with a response of {@code responseBytes}. */
    static Work io(Duration latency, int responseBytes) {
        return new LibraryWork("io(" + conclab.trace.Format.millis(latency.toNanos()) + ")",
                "io;" + latency.toNanos() + ";" + responseBytes,
                task -> waiting(() -> LoopbackServer.shared().request(latency, responseBytes)));
    }

    /**
     * A blocking request to {@code server} (a {@link LoopbackServer} of one's own, say a database
     * answering after its latency) with a few bytes of answer, recorded as WAITING. It runs only in this
     * JVM: the server is not sent to child JVMs.
     */
    static Work io(LoopbackServer server) {
        Objects.requireNonNull(server);
        return new LibraryWork("io(" + conclab.trace.Format.millis(server.latency().toNanos()) + " server)", null,
                task -> waiting(() -> server.request(Duration.ZERO, 64)));
    }

    /**
     * A blocking wait of {@code d} inside the static initialiser of a class defined for this call alone,
     * recorded as WAITING: on JDK 25 a virtual thread that blocks while initialising a class stays
     * pinned to its carrier (see {@link ClassInit}).
     */
    static Work sleepInClassInit(Duration d) {
        Objects.requireNonNull(d);
        return new LibraryWork("sleep in class init(" + conclab.trace.Format.millis(d.toNanos()) + ")", null,
                task -> waiting(() -> ClassInit.sleepInInitializer(d)));
    }

    /**
     * Writes {@code bytes} to a file of its own in the library's temporary folder, forces it to the
     * device, reads it back and deletes it; recorded as WAITING.
     */
    static Work file(int bytes) {
        return new LibraryWork("file(" + bytes + " B)", "file;" + bytes, task -> waiting(() -> fileRoundTrip(task, bytes)));
    }

    /** {@code work} under a new name (it keeps its {@link #spec()}). */
    static Work named(String name, Work work) {
        Objects.requireNonNull(name);
        Objects.requireNonNull(work);
        return new LibraryWork(name, work.spec(), work);
    }

    private static String spec(String kind, Sizes sizes) {
        String s = sizes.spec();
        return s == null ? null : kind + ";" + s;
    }

    /** {@code first} then {@code second} in each task, e.g. compute then write. */
    default Work then(Work second) {
        Work first = this;
        return named(first.name() + " + " + second.name(), task -> {
            first.run(task);
            second.run(task);
        });
    }

    /**
     * Runs blocking {@code body} as the calling thread's WAITING state, with a simulated GIL released;
     * for workloads of one's own that block.
     */
    static void waiting(Gil.Body body) throws Exception {
        SpanState before = Recorder.state(SpanState.WAITING);
        try {
            Gil.blocking(body);
        } finally {
            Recorder.state(before == null ? SpanState.RUNNING : before);
        }
    }

    /** The library's temporary folder, created on first use and deleted at exit when empty. */
    static Path tempDir() {
        return TempDir.PATH;
    }

    private static void fileRoundTrip(int task, int bytes) throws IOException {
        Path f = tempDir().resolve("task-" + task + "-" + Thread.currentThread().threadId() + ".bin");
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i++) data[i] = (byte) (i * 31 + task);
        try {
            Files.write(f, data, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
            byte[] back = Files.readAllBytes(f);
            if (back.length != bytes) throw new IOException("short read of " + f);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Holder of the temporary folder (class initialisation creates it once). */
    final class TempDir {
        private TempDir() {}

        static final Path PATH;

        static {
            try {
                PATH = Files.createTempDirectory("conclab-");
                PATH.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
