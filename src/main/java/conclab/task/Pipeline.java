package conclab.task;

import conclab.spi.Hosts;
import conclab.sync.TracedQueue;
import conclab.trace.Recorder;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A producer/consumer pipeline: items {@code 0..n-1} flow through stages, each stage a number of
 * threads doing its {@link Work} on an item, stages joined by traced queues whose depth is recorded.
 * <pre>{@code
 * Trace t = Pipeline.of(200)
 *         .stage("download", 8, Work.io(Duration.ofMillis(20)))      // the first stage produces
 *         .stage("parse", 2, 10, Work.cpu(Duration.ofMillis(5)))      // behind a queue of 10
 *         .run();
 * }</pre>
 * A bounded queue makes a fast stage wait for a slow one (back-pressure: its {@code put} is recorded as
 * WAITING); an unbounded one lets the queue grow. Every item is processed exactly once by every stage,
 * in the order it reached that stage. Each item at each stage is a task of the trace, labelled
 * {@code "<stage> <item>"}; queue depths are counters named {@code "<stage> queue depth"}.
 *
 * <p>A builder: not thread-safe. {@link #run()} runs on platform threads named after the stages (or
 * virtual ones, {@link #onVirtualThreads()}), each wrapped by the host, and returns when all items
 * passed the last stage.
 */
public final class Pipeline {

    private record Stage(String name, int threads, int capacity, Work work) {}

    private final int items;
    private final List<Stage> stages = new ArrayList<>();
    private boolean virtual;

    private Pipeline(int items) {
        if (items < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.items_negative"));
        this.items = items;
    }

    /** A pipeline of {@code items} items. */
    public static Pipeline of(int items) {
        return new Pipeline(items);
    }

    /** Adds a stage fed by an unbounded queue (the first stage reads no queue: it produces). */
    public Pipeline stage(String name, int threads, Work work) {
        return stage(name, threads, 0, work);
    }

    /** Adds a stage fed by a queue of {@code capacity} (0: unbounded). */
    public Pipeline stage(String name, int threads, int capacity, Work work) {
        if (threads < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.threads_lt1"));
        if (capacity < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.capacity_negative"));
        stages.add(new Stage(Objects.requireNonNull(name), threads, capacity, Objects.requireNonNull(work)));
        return this;
    }

    /** Runs stage threads as virtual threads. */
    public Pipeline onVirtualThreads() {
        this.virtual = true;
        return this;
    }

    /** Runs the pipeline and returns its trace. */
    public Trace run() throws InterruptedException {
        Recorder rec = Recorder.start("pipeline");
        run(rec);
        return rec.stop();
    }

    /**
     * Runs the pipeline, recording into {@code rec}.
     *
     * @throws TaskFailedException  if an item failed at a stage (the other threads were stopped)
     * @throws InterruptedException if interrupted; every stage thread was stopped
     */
    public void run(Recorder rec) throws InterruptedException {
        if (stages.isEmpty()) throw new IllegalStateException("no stage");
        int k = stages.size();
        List<TracedQueue<Integer>> queues = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            Stage st = stages.get(s);
            TracedQueue<Integer> q = s == 0 ? null
                    : st.capacity() == 0 ? TracedQueue.unbounded(st.name() + " queue")
                    : TracedQueue.bounded(st.name() + " queue", st.capacity());
            if (q != null) q.recordInto(rec);
            queues.add(q);
        }
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            Stage st = stages.get(s);
            TracedQueue<Integer> in = queues.get(s), out = s + 1 < k ? queues.get(s + 1) : null;
            AtomicInteger claimed = new AtomicInteger();
            for (int t = 0; t < st.threads(); t++) {
                Runnable body = Hosts.current().capture((Runnable) () -> {
                    try {
                        for (int n; (n = claimed.getAndIncrement()) < items; ) {
                            int item = in == null ? n : in.take();
                            rec.begin(rec.task(st.name() + " " + item));
                            try {
                                st.work().run(item);
                            } finally {
                                rec.end();
                            }
                            if (out != null) out.put(item);
                        }
                    } catch (InterruptedException e) {
                        // stopped
                    } catch (Throwable e) {
                        failures.add(e);
                        synchronized (threads) {
                            for (Thread x : threads) if (x != Thread.currentThread()) x.interrupt();
                        }
                    }
                });
                String name = st.name() + "-" + t;
                Thread th = virtual ? Thread.ofVirtual().name(name).unstarted(body)
                        : Thread.ofPlatform().name(name).unstarted(body);
                synchronized (threads) {
                    threads.add(th);
                }
            }
        }
        synchronized (threads) {
            for (Thread th : threads) th.start();
        }
        try {
            for (Thread th : threads) th.join();
        } catch (InterruptedException e) {
            for (Thread th : threads) th.interrupt();
            for (Thread th : threads) th.join();
            throw e;
        }
        if (!failures.isEmpty()) throw new TaskFailedException("pipeline", failures);
    }
}
