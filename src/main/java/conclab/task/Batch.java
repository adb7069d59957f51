package conclab.task;

import conclab.spi.Hosts;
import conclab.trace.Recorder;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Queue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The tasks of one run, shared by every strategy: task i runs {@code work.run(i)} inside a recorded
 * task span; each runnable is wrapped by the host on the submitting thread. Failures are collected
 * (thread-safe queue) and reported by {@link #finish}.
 */
final class Batch {

    /** Meta key of the CPU time of a run's tasks; {@link conclab.trace.Stats} reads it. */
    static final String CPU_META = "cpu.nanos";

    final String runName;
    final Work work;
    final int size;
    final Recorder recorder;
    private final Recorder.Task[] refs;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = cpuTimeAvailable();

    private static boolean cpuTimeAvailable() {
        try {
            return MX.isCurrentThreadCpuTimeSupported() && MX.isThreadCpuTimeEnabled();
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** CPU time of tasks on platform threads, summed; any thread adds. */
    private final LongAdder cpu = new LongAdder(), measured = new LongAdder();
    /** Failures of tasks; lock-free, any thread appends. */
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    Batch(String runName, Work work, int size, Recorder recorder) {
        if (size < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.tasks_negative"));
        this.runName = runName;
        this.work = work;
        this.size = size;
        this.recorder = recorder;
        this.refs = new Recorder.Task[size];
        for (int i = 0; i < size; i++) refs[i] = recorder.task("task " + i);
    }

    /** The recorder's task for index {@code i}. */
    Recorder.Task ref(int i) {
        return refs[i];
    }

    /** Runs task {@code i} on the calling thread, recorded; a failure is rethrown. */
    void call(int i) throws Exception {
        long cpu0 = cpuTime();
        recorder.begin(refs[i]);
        try {
            work.run(i);
        } finally {
            recorder.end();
            if (cpu0 >= 0) {
                long cpu1 = cpuTime();
                if (cpu1 >= cpu0) {
                    cpu.add(cpu1 - cpu0);
                    measured.increment();
                }
            }
        }
    }

    /** CPU time of the current platform thread, or -1 (virtual threads, or not supported). */
    private static long cpuTime() {
        if (!CPU_TIME || Thread.currentThread().isVirtual()) return -1;
        return MX.getCurrentThreadCpuTime();
    }

    /** Runs task {@code i} on the calling thread, recorded; a failure is kept for {@link #finish}. */
    void run(int i) {
        try {
            call(i);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled: the run reports the interruption
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    /** Task {@code i} as a runnable wrapped by the host; call on the submitting thread. */
    Runnable captured(int i) {
        return Hosts.current().capture((Runnable) () -> run(i));
    }

    /** Every task, wrapped by the host; call on the submitting thread. */
    Runnable[] capturedAll() {
        Runnable[] r = new Runnable[size];
        for (int i = 0; i < size; i++) r[i] = captured(i);
        return r;
    }

    void fail(Throwable t) {
        failures.add(t);
    }

    /**
     * Notes the tasks' CPU time in the trace's meta ({@code cpu.nanos}) when it was measured for every
     * task (platform threads only), and
     * throws {@link TaskFailedException} if any task failed.
     */
    void finish() {
        if (CPU_TIME && measured.sum() == size && size > 0) recorder.meta(CPU_META, Long.toString(cpu.sum()));
        if (!failures.isEmpty()) throw new TaskFailedException(runName, failures);
    }
}
