package conclab.task;

import conclab.spi.Displayable;
import conclab.spi.Hosts;
import conclab.sync.TracedQueue;
import conclab.trace.CounterSample;
import conclab.trace.Format;
import conclab.trace.Latencies;
import conclab.trace.Recorder;
import conclab.trace.Stats;
import conclab.trace.Trace;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A producer that runs ahead: the calling thread makes items at a fixed rate for a while and hands each,
 * as a job, to an executor that serves them more slowly; what that costs is recorded over time. Whether
 * the producer runs ahead is up to the executor: an unbounded queue takes everything (the queue, the
 * memory it holds and the wait of each item grow for as long as the flood lasts), a bounded queue with
 * {@link WaitWhenFull} makes the producer wait, {@link ThreadPoolExecutor.CallerRunsPolicy} makes it do
 * the job itself, {@link ThreadPoolExecutor.AbortPolicy} rejects the item.
 * <pre>{@code
 * var flood = Flood.of(Work.sleep(Duration.ofMillis(10)), 1000, Duration.ofSeconds(2)).payload(32 * 1024);
 * var r = flood.into("unbounded", new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, TracedQueue.unbounded("jobs")));
 * r.peakDepth();          // about 2 s × (1000 - 200) per second
 * r.retainedBytes();      // about 32 KB per item left unserved
 * }</pre>
 *
 * <h2>What a run records</h2>
 * The trace has a task {@code "producer"} on the calling thread and a task {@code "item k"} per job, and
 * these counters:
 * <ul>
 *   <li>{@code "<queue> depth"}: the executor's queue, when it is a {@link ThreadPoolExecutor} whose queue
 *       is a {@link TracedQueue} (every change); for another queue of a {@code ThreadPoolExecutor},
 *       {@code "queue depth"} sampled every 10 ms;
 *   <li>{@code "heap used (MB)"}: the JVM's heap in use, garbage included, sampled every 10 ms;
 *   <li>{@code "latency (ms)"}: for each job when it ends, the time since its item was made.
 * </ul>
 * Production stops after the duration; the executor is then shut down and given the
 * {@link #drain(Duration) drain time} to finish; jobs still queued after it are dropped and jobs still
 * running are interrupted (both count as unserved). After the run (outside its trace, so the pause
 * shows in no latency), the heap is measured after a full garbage collection, while the dropped jobs
 * are still held, and compared with the same measure before the run: {@link Result#retainedBytes()} is
 * what the items left unserved held.
 *
 * <p>A builder: not thread-safe, each setter returns this; {@link #into} may be called many times.
 */
public final class Flood {

    private static final long SAMPLE_NANOS = 10_000_000L;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final Work job;
    private final double perSecond;
    private final Duration duration;
    private int payload;
    private Duration drain = Duration.ofMillis(500);

    private Flood(Work job, double perSecond, Duration duration) {
        this.job = Objects.requireNonNull(job, "job");
        if (!(perSecond > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.rate_positive"));
        if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.duration_positive"));
        this.perSecond = perSecond;
        this.duration = duration;
    }

    /** Items at {@code perSecond} during {@code duration}, each served by running {@code job}. */
    public static Flood of(Work job, double perSecond, Duration duration) {
        return new Flood(job, perSecond, duration);
    }

    /** Each item carries {@code bytes} of data, made by the producer and held until its job ran (default 0). */
    public Flood payload(int bytes) {
        if (bytes < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.payload_negative"));
        this.payload = bytes;
        return this;
    }

    /** How long the executor may take to finish queued jobs once the producer stopped (default 500 ms). */
    public Flood drain(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.drain_negative"));
        this.drain = d;
        return this;
    }

    /**
     * What a run did.
     *
     * @param label         the label given to {@link #into}
     * @param trace         the run's trace (see the class comment for its counters)
     * @param latencies     for each served item, the time from its making to the end of its job
     * @param produced      items made
     * @param served        jobs that ran to the end
     * @param byProducer    of those, jobs the producer ran itself (caller-runs)
     * @param rejected      items the executor refused
     * @param unserved      items accepted but never served: dropped from the queue or interrupted at the end
     * @param peakDepth     the most jobs queued at once, or -1 when the queue could not be observed
     * @param retainedBytes heap held by the items left unserved at the end, measured after a full collection
     *                      against the same before the run (near zero, even a little negative, when none)
     */
    public record Result(String label, Trace trace, Latencies latencies, long produced, long served, long byProducer,
                         long rejected, long unserved, int peakDepth, long retainedBytes) implements Displayable {

        /** Items per second that reached the end of their job, over the whole run (its drain time included). */
        public double throughput() {
            long n = trace.makespanNanos();
            return n == 0 ? 0 : served * 1e9 / n;
        }

        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            return table(this).mimeBundle(accepted);
        }

        @Override
        public String toString() {
            return Format.text(HEADER, List.of(row()));
        }

        List<String> row() {
            Stats.Latency l = latencies.percentiles();
            return List.of(label, Long.toString(produced), Long.toString(served),
                    conclab.text.Messages.format("%.0f/s", throughput()), Long.toString(byProducer),
                    Long.toString(rejected), Long.toString(unserved), peakDepth < 0 ? "—" : Integer.toString(peakDepth),
                    l.count() == 0 ? "—" : Format.millis(l.p50()), l.count() == 0 ? "—" : Format.millis(l.p99()),
                    retainedBytes < 1_000_000 ? "< 1 MB" : conclab.text.Messages.format("%.1f MB", retainedBytes / 1e6));
        }
    }

    private static final List<String> HEADER = List.of("executor", "produced", "served", "served/s", "by producer", "rejected",
            "unserved", "peak queue", "latency p50", "p99", "heap held at the end");

    /** One row per run, to compare them: an HTML table in notebooks, text elsewhere. */
    public static Displayable table(Result... runs) {
        List<List<String>> rows = new ArrayList<>();
        for (Result r : runs) rows.add(r.row());
        return conclab.spi.Mime.of(Displayable.HTML, Format.html(HEADER, rows), Format.text(HEADER, rows));
    }

    /**
     * Runs the flood into {@code executor} from the calling thread, then shuts the executor down.
     *
     * @throws TaskFailedException  if jobs failed (other than by the interrupt that ends unserved ones)
     * @throws InterruptedException if the calling thread was interrupted; the executor was stopped and has ended
     */
    public Result into(String label, ExecutorService executor) throws InterruptedException {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(executor, "executor");
        ThreadPoolExecutor tpe = executor instanceof ThreadPoolExecutor t ? t : null;
        TracedQueue<?> traced = tpe != null && tpe.getQueue() instanceof TracedQueue<?> q ? q : null;
        String depthName = traced != null ? traced.name() + " depth" : tpe != null ? "queue depth" : null;

        long before = liveHeap();
        Recorder rec = Recorder.start(label).meta("work", job.name())
                .meta("rate", conclab.text.Messages.format("%.0f/s", perSecond))
                .meta("payload", payload + " B");
        if (traced != null) {
            traced.recordInto(rec);
            rec.counter(depthName, traced.size());
        }
        Sampler sampler = new Sampler(rec, traced == null ? tpe : null);
        Thread producer = Thread.currentThread();
        Recorder.Task producing = rec.task("producer");
        Latencies latencies = new Latencies();
        AtomicLong served = new AtomicLong(), byProducer = new AtomicLong();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long produced = 0, rejected = 0;
        List<Runnable> left = List.of();
        long interval = (long) (1e9 / perSecond);
        long t0 = System.nanoTime(), stop = t0 + duration.toNanos();
        try {
            rec.begin(producing);
            for (long k = 0; ; k++) {
                long due = t0 + k * interval;
                if (due >= stop) break;
                for (long now; (now = System.nanoTime()) < due; ) {
                    LockSupport.parkNanos(due - now);
                    if (Thread.interrupted()) throw new InterruptedException();
                }
                if (System.nanoTime() >= stop) break; // the producer was held up past the end
                int index = (int) k;
                long made = System.nanoTime();
                byte[] data = new byte[payload];
                if (payload > 0) data[0] = (byte) k;
                Recorder.Task item = rec.task("item " + k);
                Runnable body = () -> {
                    boolean onProducer = Thread.currentThread() == producer;
                    rec.begin(item);
                    boolean ok = false;
                    try {
                        job.run(index);
                        sink = data.length == 0 ? 0 : data[0]; // the data lives until its job ran
                        ok = true;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // stopped at the end: unserved
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        rec.end();
                        if (ok) {
                            long took = System.nanoTime() - made;
                            latencies.record(took);
                            rec.counter("latency (ms)", took / 1e6);
                            served.incrementAndGet();
                            if (onProducer) byProducer.incrementAndGet();
                        }
                        if (onProducer) rec.begin(producing);
                    }
                };
                produced++;
                try {
                    executor.execute(Hosts.current().capture(body));
                } catch (RejectedExecutionException e) {
                    rejected++;
                }
                if (Thread.interrupted()) throw new InterruptedException(); // e.g. while waiting for room
            }
            rec.end();
            executor.shutdown();
            if (!executor.awaitTermination(drain.toNanos(), TimeUnit.NANOSECONDS)) left = executor.shutdownNow();
        } catch (InterruptedException e) {
            rec.end();
            sampler.close();
            executor.shutdownNow();
            awaitQuietly(executor);
            rec.stop();
            throw e;
        } finally {
            sampler.close();
        }
        awaitQuietly(executor);
        sampler.close();
        Trace trace = rec.stop();
        long retained = liveHeap() - before; // the jobs never run still hold their data
        java.lang.ref.Reference.reachabilityFence(left);
        if (!failures.isEmpty()) throw new TaskFailedException("flood " + label, failures);
        long unserved = produced - rejected - served.get();
        return new Result(label, trace, latencies, produced, served.get(), byProducer.get(), rejected, unserved,
                peak(trace, depthName), retained);
    }

    /* written by jobs so the JIT keeps their data alive until they ran; racy writes are fine */
    private static volatile int sink;

    private static int peak(Trace t, String counter) {
        if (counter == null) return -1;
        double m = -1;
        for (CounterSample c : t.counters()) if (c.name().equals(counter)) m = Math.max(m, c.value());
        return (int) m;
    }

    /** Heap in use after a full collection. */
    private static long liveHeap() {
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private static void awaitQuietly(ExecutorService exec) {
        boolean interrupted = false;
        while (true) {
            try {
                if (exec.awaitTermination(1, TimeUnit.DAYS)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Samples heap used (and an untraced pool's queue) every 10 ms on a daemon thread until closed. */
    private static final class Sampler implements AutoCloseable {
        private final Thread thread;
        /** Set by close; read by the sampling thread. */
        private volatile boolean stopped;

        Sampler(Recorder rec, ThreadPoolExecutor untraced) {
            thread = Thread.ofPlatform().daemon().name("flood-sampler").start(() -> {
                while (!stopped) {
                    rec.counter("heap used (MB)", MEMORY.getHeapMemoryUsage().getUsed() / 1e6);
                    if (untraced != null) rec.counter("queue depth", untraced.getQueue().size());
                    LockSupport.parkNanos(SAMPLE_NANOS);
                }
            });
        }

        @Override
        public void close() {
            stopped = true;
            LockSupport.unpark(thread);
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
