package conclab.task;

import conclab.trace.Recorder;

import java.time.Duration;

/**
 * A way to run the tasks of an experiment: sequentially, on platform threads, on a pool, on virtual
 * threads, with work stealing, as CompletableFutures, as a parallel stream, in a structured scope, and
 * any of them under a simulated global interpreter lock. Every strategy runs each task exactly once,
 * records a span for every task into the recorder it is given, and wraps each task it hands to another
 * thread with {@code Hosts.current().capture(...)} so that, in a notebook, it belongs to the cell that
 * started it. Reach them from {@link conclab.Lab} ({@code Lab.platform(4)}, ...).
 *
 * <p>Cancellation: interrupting the thread that called {@link #run} interrupts the tasks (library
 * workloads stop at their next check), waits for them to end and throws {@link InterruptedException}.
 * Exception: {@link #parallelStream()}, whose common-pool threads cannot be interrupted, finishes.
 *
 * <p>Memory consistency: actions of the caller before {@link #run} happen-before each task; actions in
 * each task happen-before {@link #run} returns.
 */
public interface Strategy {

    /** A short name for tables and charts, e.g. {@code "platform(4)"}. */
    String name();

    /**
     * The number of threads that run tasks when there are {@code tasks} tasks: the pool's threads, or one
     * per task for {@link #platformPerTask()}, {@link #virtual()} and {@link #structured()} (for
     * utilisation, and the x-axis of {@link Runs#speedup()}).
     */
    int workers(int tasks);

    /**
     * The number of platform threads that can run tasks at the same moment when there are {@code tasks}
     * tasks: what {@link Runs#efficiency(String)} divides the speedup by. The same as {@link #workers} for
     * strategies on platform threads (the default). A virtual thread computes only while mounted on a
     * carrier, a platform thread of the virtual thread scheduler, so strategies on virtual threads return
     * {@code min(tasks, parallelism)}, where the parallelism is the system property
     * {@code jdk.virtualThreadScheduler.parallelism}, by default {@code Runtime.availableProcessors()}.
     */
    default int carriers(int tasks) {
        return workers(tasks);
    }

    /**
     * Runs tasks {@code 0..tasks-1} of {@code work}, each once, recording into {@code recorder}, and
     * returns when all have finished.
     *
     * @throws TaskFailedException  if tasks failed (after the others finished, or were cancelled by
     *                              {@link #structured()})
     * @throws InterruptedException if the calling thread was interrupted; the tasks were cancelled
     */
    void run(Work work, int tasks, Recorder recorder) throws InterruptedException;

    /** This strategy under a simulated GIL handed over every 5 ms, not fair (as CPython). */
    default Strategy withGil() {
        return withGil(Duration.ofMillis(5), false);
    }

    /** This strategy under a simulated GIL handed over every {@code switchInterval}, FIFO when {@code fair}. */
    default Strategy withGil(Duration switchInterval, boolean fair) {
        return new Strategies.WithGil(this, switchInterval, fair);
    }

    /** Every task on the calling thread, one after the other. */
    static Strategy sequential() {
        return new Strategies.Sequential();
    }

    /** {@code n} new platform threads per run, each taking the next task from a shared counter. */
    static Strategy platform(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.need_thread", n));
        return new Strategies.Platform(n);
    }

    /** One new platform thread per task. */
    static Strategy platformPerTask() {
        return new Strategies.Platform(0);
    }

    /** {@code n} platform threads, each given a fixed contiguous chunk of the tasks up front (static partitioning). */
    static Strategy chunks(int n) {
        return new Strategies.Chunks(n);
    }

    /** A fixed thread pool of {@code n} ({@code Executors.newFixedThreadPool}): tasks wait in one shared queue. */
    static Strategy fixedPool(int n) {
        return new Strategies.FixedPool(n);
    }

    /** One virtual thread per task. */
    static Strategy virtual() {
        return new Strategies.Virtual();
    }

    /** A ForkJoinPool of {@code n}: the task range is split in halves recursively and idle workers steal. */
    static Strategy forkJoin(int n) {
        return new Strategies.ForkJoin(n);
    }

    /** Each task as {@code CompletableFuture.runAsync} on a pool of {@code n}, joined with {@code allOf}. */
    static Strategy completableFuture(int n) {
        return new Strategies.Futures(n);
    }

    /** {@code IntStream.range(0, tasks).parallel()}: the common ForkJoinPool plus the calling thread. */
    static Strategy parallelStream() {
        return new Strategies.ParallelStream();
    }

    /**
     * {@code n} worker JVMs on this class path, the multiprocessing analogue: tasks are sent to them and
     * results returned through pipes, and their start-up and transfer times are recorded. Only workloads
     * with a {@link Work#spec()} can be sent: library workloads and {@link Work#ofClass}; a lambda or a
     * class defined in a notebook cell is refused with an explanation.
     */
    static Strategy processes(int n) {
        return new Processes(n, 0);
    }

    /** As {@link #processes(int)}, sending {@code payloadBytes} with each task and getting as many back. */
    static Strategy processes(int n, int payloadBytes) {
        return new Processes(n, payloadBytes);
    }

    /** A {@link Scope} on virtual threads: one subtask per task, the first failure cancels the others. */
    static Strategy structured() {
        return new Strategies.Structured();
    }
}
