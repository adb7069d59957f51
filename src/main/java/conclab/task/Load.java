package conclab.task;

import conclab.spi.Hosts;
import conclab.trace.Format;
import conclab.trace.Latencies;
import conclab.trace.Recorder;
import conclab.trace.Stats;
import conclab.trace.Trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: requests arrive at a fixed rate whatever the system does (as users of a service do),
 * and each request's latency is measured from the moment it was <em>due</em>, so a stall shows as the
 * queue it builds instead of being forgotten (no coordinated omission).
 * <pre>{@code
 * var r = Load.open(Work.io(Duration.ofMillis(20)), 200, Duration.ofSeconds(2)).run();
 * r.throughput();          // ≈ 200 per second
 * r.meanInSystem();        // Little's law: throughput × mean latency ≈ 200 × 0.020 = 4
 * }</pre>
 * Requests run on virtual threads (unbounded concurrency) or on a pool of {@link #workers(int)} threads,
 * where they wait in its queue when all are busy.
 */
public final class Load {

    private final Work work;
    private final double perSecond;
    private final Duration duration;
    private int workers;

    private Load(Work work, double perSecond, Duration duration) {
        this.work = Objects.requireNonNull(work);
        if (!(perSecond > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.rate_positive"));
        if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.duration_positive"));
        this.perSecond = perSecond;
        this.duration = duration;
    }

    /** {@code perSecond} requests of {@code work} a second during {@code duration}. */
    public static Load open(Work work, double perSecond, Duration duration) {
        return new Load(work, perSecond, duration);
    }

    /** Serves the requests with a pool of {@code n} threads instead of a virtual thread each. */
    public Load workers(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.workers_lt1"));
        this.workers = n;
        return this;
    }

    /**
     * What a load run measured.
     *
     * @param trace        the run's trace (a task per request)
     * @param latencies    latency of each request from the time it was due
     * @param offered      requests per second asked for
     * @param requests     requests completed
     * @param elapsedNanos from the first due time to the last completion
     */
    public record Result(Trace trace, Latencies latencies, double offered, long requests, long elapsedNanos)
            implements conclab.spi.Displayable {

        /** Completed requests per second. */
        public double throughput() {
            return elapsedNanos == 0 ? 0 : requests * 1e9 / elapsedNanos;
        }

        /** Mean latency in nanoseconds. */
        public double meanLatencyNanos() {
            return latencies.percentiles().mean();
        }

        /** Little's law: throughput × mean latency, the mean number of requests in the system. */
        public double meanInSystem() {
            return throughput() * meanLatencyNanos() / 1e9;
        }

        @Override
        public java.util.Map<String, Object> mimeBundle(java.util.Set<String> accepted) {
            List<String> header = List.of("offered", "throughput", "mean latency", "p50", "p99", "in system (L = λW)");
            var m = new java.util.LinkedHashMap<String, Object>();
            if (accepted.contains(HTML)) m.put(HTML, Format.html(header, List.of(row())));
            m.put(PLAIN, Format.text(header, List.of(row())));
            return m;
        }

        List<String> row() {
            Stats.Latency l = latencies.percentiles();
            return List.of(conclab.text.Messages.format("%.1f/s", offered),
                    conclab.text.Messages.format("%.1f/s", throughput()), Format.millis((long) l.mean()),
                    Format.millis(l.p50()), Format.millis(l.p99()),
                    conclab.text.Messages.format("%.2f", meanInSystem()));
        }
    }

    /**
     * Several runs in one table, a row per entry of {@code runs} in its order, the key in the first
     * column: e.g. {@code table(Map.of("4 workers", r4))} (use a {@code LinkedHashMap} to keep an order).
     */
    public static conclab.spi.Displayable table(java.util.Map<String, Result> runs) {
        List<String> header = List.of("run", "offered", "throughput", "mean latency", "p50", "p99", "in system (L = λW)");
        List<List<String>> rows = new ArrayList<>();
        runs.forEach((k, r) -> {
            List<String> row = new ArrayList<>(List.of(k));
            row.addAll(r.row());
            rows.add(row);
        });
        return conclab.spi.Mime.of(conclab.spi.Displayable.HTML, Format.html(header, rows), Format.text(header, rows));
    }

    /**
     * Sends the requests on schedule from the calling thread and waits for the last one.
     *
     * @throws TaskFailedException  if requests failed
     * @throws InterruptedException if interrupted; requests in flight were cancelled and have ended
     */
    public Result run() throws InterruptedException {
        Recorder rec = Recorder.start("open load " + Format.millis(duration.toNanos()) + " at " + perSecond + "/s")
                .meta("work", work.name()).meta("rate", Double.toString(perSecond));
        long interval = (long) (1e9 / perSecond);
        long count = Math.max(1, (long) (duration.toNanos() / 1e9 * perSecond));
        Latencies lat = new Latencies();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong lastEnd = new AtomicLong();
        ExecutorService exec = workers > 0
                ? Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("load-", 0).factory())
                : Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("request-", 0).factory());
        long t0 = System.nanoTime();
        List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
        try {
            for (long k = 0; k < count; k++) {
                long due = t0 + k * interval;
                for (long now; (now = System.nanoTime()) < due; ) {
                    LockSupport.parkNanos(due - now);
                    if (Thread.interrupted()) throw new InterruptedException();
                }
                int index = (int) k;
                Recorder.Task task = rec.task("request " + k);
                fs.add(exec.submit(Hosts.current().capture((Runnable) () -> {
                    rec.begin(task);
                    try {
                        work.run(index);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        rec.end();
                        long end = System.nanoTime();
                        lat.record(end - due);
                        lastEnd.accumulateAndGet(end, Math::max);
                    }
                })));
            }
            for (var f : fs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            exec.shutdownNow();
            awaitQuietly(exec);
            throw e;
        } finally {
            exec.shutdown();
        }
        awaitQuietly(exec);
        if (!failures.isEmpty()) throw new TaskFailedException("open load", failures);
        Trace trace = rec.stop();
        return new Result(trace, lat, perSecond, count, Math.max(0, lastEnd.get() - t0));
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
}
