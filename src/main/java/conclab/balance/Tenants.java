package conclab.balance;

import conclab.trace.Format;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Several clients (tenants) sharing one pool of workers through a {@link TaskQueue}: each client sends
 * jobs at its own rate, open loop (a job arrives when it is due, whatever the pool does), every job
 * takes the same {@link #service(Duration) service time} on a worker (a wait, as a call to a database
 * would, so the pool's capacity does not depend on the machine's cores), and each job's latency is
 * measured from when it was due to when it finished.
 * <pre>{@code
 * var clients = Tenants.of().client("greedy", 200).clients("polite", 4, 20)
 *         .service(Duration.ofMillis(8)).workers(2).duration(Duration.ofSeconds(1));
 * Tenants.Result r = clients.run("one shared queue", TaskQueue.fifo());
 * r.latencies("polite 1");          // an HdrHistogram, in nanoseconds
 * }</pre>
 * Arrivals are Poisson (exponential gaps, seeded per client), so two runs with different queues see the
 * same arrivals up to timer jitter. A run returns once every job it sent has finished.
 */
public final class Tenants {

    private final Map<String, Double> rates = new LinkedHashMap<>();
    private Duration service = Duration.ofMillis(8);
    private int workers = 2;
    private Duration duration = Duration.ofSeconds(1);

    private Tenants() {}

    /** No clients yet; add them with {@link #client} and {@link #clients}. */
    public static Tenants of() {
        return new Tenants();
    }

    /** A client named {@code name} sending {@code perSecond} jobs a second. */
    public Tenants client(String name, double perSecond) {
        if (!(perSecond > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.rate_positive"));
        if (rates.putIfAbsent(Objects.requireNonNull(name), perSecond) != null)
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.two_clients", name));
        return this;
    }

    /** {@code n} clients named {@code "prefix 1"} … {@code "prefix n"}, each sending {@code perSecond} jobs a second. */
    public Tenants clients(String prefix, int n, double perSecond) {
        for (int i = 1; i <= n; i++) client(prefix + " " + i, perSecond);
        return this;
    }

    /** How long each job keeps a worker busy (default 8 ms). */
    public Tenants service(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.service_negative"));
        this.service = d;
        return this;
    }

    /** How many workers take jobs from the queue (default 2). */
    public Tenants workers(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.workers_lt1"));
        this.workers = n;
        return this;
    }

    /** How long the clients send (default 1 s). */
    public Tenants duration(Duration d) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.duration_positive"));
        this.duration = d;
        return this;
    }

    /** Jobs per second the workers can serve: workers ÷ service time. */
    public double capacity() {
        return workers * 1e9 / Math.max(1, service.toNanos());
    }

    /** Jobs per second all clients send together. */
    public double offered() {
        return rates.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * Runs these clients for 0.2 s through a {@link TaskQueue#fifo()} and throws the figures away: the
     * first run in a JVM also pays for loading and compiling the code, which would blur the comparisons.
     */
    public void warmUp() throws InterruptedException {
        Duration d = duration;
        try {
            duration = Duration.ofMillis(200);
            run("warm-up", TaskQueue.fifo());
        } finally {
            duration = d;
        }
    }

    /**
     * Runs the clients through {@code queue} to {@link #workers(int)} platform threads, and returns each
     * client's latencies once every job has finished.
     */
    public Result run(String label, TaskQueue queue) throws InterruptedException {
        if (rates.isEmpty()) throw new IllegalStateException("no clients: add some with client(name, perSecond)");
        record Arrival(long due, String client) {}
        long span = duration.toNanos();
        List<Arrival> arrivals = new ArrayList<>();
        long seed = 12;
        for (var e : rates.entrySet()) {
            var random = new SplittableRandom(seed++);
            double meanGap = 1e9 / e.getValue();
            for (double t = -Math.log(1 - random.nextDouble()) * meanGap; t < span; t += -Math.log(1 - random.nextDouble()) * meanGap)
                arrivals.add(new Arrival((long) t, e.getKey()));
        }
        arrivals.sort((a, b) -> Long.compare(a.due, b.due));

        Map<String, Histogram> latencies = new LinkedHashMap<>();
        Map<String, AtomicLong> inTime = new LinkedHashMap<>();   // jobs finished while the clients were still sending
        rates.keySet().forEach(c -> { latencies.put(c, new ConcurrentHistogram(3)); inTime.put(c, new AtomicLong()); });
        var done = new CountDownLatch(arrivals.size());
        long serviceNanos = service.toNanos();
        var firstFailure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        List<Thread> pool = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            pool.add(Thread.ofPlatform().daemon().name("worker " + (w + 1)).start(() -> {
                try {
                    while (true) {
                        Runnable job = queue.take();
                        if (job == null) { firstFailure.compareAndSet(null, new IllegalStateException("take() returned null")); return; }
                        job.run();
                    }
                } catch (InterruptedException stop) {
                    // the run is over
                } catch (Throwable t) {
                    firstFailure.compareAndSet(null, t);
                }
            }));
        }
        long start = System.nanoTime();
        try {
            for (Arrival a : arrivals) {
                long due = start + a.due;
                for (long wait; (wait = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
                Histogram h = latencies.get(a.client);
                AtomicLong served = inTime.get(a.client);
                queue.put(a.client, () -> {
                    try {
                        Thread.sleep(Duration.ofNanos(serviceNanos));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        long now = System.nanoTime();
                        h.recordValue(Math.max(0, now - due));
                        if (now - start <= span) served.incrementAndGet();
                        done.countDown();
                    }
                });
            }
            long limit = Math.max(10_000_000_000L, 4 * span);
            boolean finished = false;
            while (!finished && firstFailure.get() == null && System.nanoTime() - start < limit)
                finished = done.await(50, TimeUnit.MILLISECONDS);
            if (!finished) {
                Throwable t = firstFailure.get();
                throw new IllegalStateException(label + ": " + done.getCount() + " of " + arrivals.size()
                        + " jobs never ran" + (t == null ? " (does take() hand out every job put?)" : ": a worker failed with " + t), t);
            }
        } finally {
            pool.forEach(Thread::interrupt);
            for (Thread t : pool) t.join(2000);
        }
        Map<String, Double> servedPerSecond = new LinkedHashMap<>();
        inTime.forEach((c, n) -> servedPerSecond.put(c, n.get() * 1e9 / span));
        return new Result(label, latencies, servedPerSecond, rates);
    }

    /**
     * What one run measured: per client, the latency of each job from when it was due to when it finished
     * (nanoseconds, HdrHistogram).
     */
    public static final class Result implements conclab.spi.Displayable {
        private final String label;
        private final Map<String, Histogram> latencies;
        private final Map<String, Double> served;
        private final Map<String, Double> rates;

        Result(String label, Map<String, Histogram> latencies, Map<String, Double> served, Map<String, Double> rates) {
            this.label = label;
            this.latencies = Map.copyOf(latencies);
            this.served = Map.copyOf(served);
            this.rates = new LinkedHashMap<>(rates);
        }

        /** The run's label. */
        public String label() { return label; }

        /** The clients, in the order they were added. */
        public Set<String> clients() { return rates.keySet(); }

        /** The latencies of {@code client}'s jobs (a copy). */
        public Histogram latencies(String client) {
            Histogram h = latencies.get(client);
            if (h == null) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.no_client", client, clients()));
            return h.copy();
        }

        /** The latencies of every client's jobs except {@code client}'s, together (a copy). */
        public Histogram allBut(String client) {
            latencies(client);
            Histogram all = new Histogram(3);
            latencies.forEach((c, h) -> { if (!c.equals(client)) all.add(h); });
            return all;
        }

        /** The {@code percentile} (0–100) of {@code client}'s latency, in milliseconds. */
        public double ms(String client, double percentile) {
            return latencies(client).getValueAtPercentile(percentile) / 1e6;
        }

        /** Jobs of {@code client} served per second while the clients were sending (its share of the workers). */
        public double servedPerSecond(String client) {
            latencies(client);
            return served.get(client);
        }

        private static final List<String> HEADER = List.of("client", "sent /s", "served /s", "jobs", "p50", "p99", "max");

        private List<List<String>> rows() {
            List<List<String>> rows = new ArrayList<>();
            for (String c : clients()) {
                Histogram h = latencies.get(c);
                rows.add(List.of(c, "%.0f".formatted(rates.get(c)), "%.0f".formatted(served.get(c)), Long.toString(h.getTotalCount()),
                        Format.millis(h.getValueAtPercentile(50)), Format.millis(h.getValueAtPercentile(99)), Format.millis(h.getMaxValue())));
            }
            return rows;
        }

        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (accepted.contains(HTML)) m.put(HTML, "<b>" + conclab.trace.Html.escape(label) + "</b>" + Format.html(HEADER, rows()));
            m.put(PLAIN, toString());
            return m;
        }

        @Override
        public String toString() {
            return label + "\n" + Format.text(HEADER, rows());
        }
    }
}
