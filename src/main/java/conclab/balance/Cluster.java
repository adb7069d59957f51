package conclab.balance;

import conclab.chart.Charts;
import conclab.chart.PercentileChart;
import conclab.trace.Format;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Servers of unequal speed, started in this process, and a balancer sending them open-loop load
 * through a {@link Policy}.
 * <pre>{@code
 * try (var cluster = Cluster.start(2, Duration.ofMillis(4), 1, 1, 0.5, 0.25)) {   // 4 servers, 2 workers each
 *     var r = cluster.load(Policy.roundRobin(), 800, Duration.ofMillis(600)).run();
 *     r.ms(99);                               // the 99th percentile of latency, in ms
 * }
 * }</pre>
 * A run puts the servers back as they were when it started (speed, dead or alive) when it ends, so
 * changes made {@link Load#at during} a run do not leak into the next.
 */
public final class Cluster implements AutoCloseable {

    private final List<Server> servers = new ArrayList<>();
    private final int workers;
    private final Duration service;
    private volatile boolean closed;

    private Cluster(int workers, Duration service, double... speeds) {
        if (speeds.length < 2) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.cluster_two"));
        if (workers < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.workers_lt1"));
        this.workers = workers;
        this.service = Objects.requireNonNull(service);
        for (int i = 0; i < speeds.length; i++) servers.add(new Server("server " + i, workers, service, speeds[i]));
    }

    /** Starts one server per speed, each with {@code workers} threads and a service time of {@code service} at speed 1. */
    public static Cluster start(int workers, Duration service, double... speeds) {
        return new Cluster(workers, service, speeds);
    }

    /** Server {@code i}. */
    public Server server(int i) { return servers.get(i); }

    /** How many servers. */
    public int size() { return servers.size(); }

    /** Requests per second all servers together can serve: the sum over servers of workers × speed ÷ service time. */
    public double capacity() {
        return servers.stream().mapToDouble(s -> workers * s.speed() * 1e9 / service.toNanos()).sum();
    }

    /** A load of {@code perSecond} requests a second for {@code duration}, balanced by {@code policy}; call {@link Load#run()}. */
    public Load load(Policy policy, double perSecond, Duration duration) {
        if (closed) throw new IllegalStateException("the cluster is closed");
        return new Load(policy, perSecond, duration);
    }

    /**
     * Sends 0.15 s of load at half the cluster's capacity, round-robin, and throws the figures away: the
     * first run in a JVM also pays for loading and compiling the code, which would blur the comparisons.
     */
    public Cluster warmUp() throws InterruptedException {
        load(Policy.roundRobin(), capacity() / 2, Duration.ofMillis(150)).run();
        return this;
    }

    /** Stops every server's threads. */
    @Override
    public void close() {
        closed = true;
        servers.forEach(Server::close);
    }

    @Override
    public String toString() {
        return "cluster of " + size() + " servers, " + workers + " workers each: " + servers;
    }

    /** One run: arrivals (Poisson, seeded), optional health checks and a change at a given time. */
    public final class Load {
        private final Policy policy;
        private final double perSecond;
        private final Duration duration;
        private Duration healthEvery;
        private Duration changeAt;
        private Consumer<Cluster> change;
        private String label;

        private Load(Policy policy, double perSecond, Duration duration) {
            this.policy = Objects.requireNonNull(policy);
            if (!(perSecond > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.rate_positive"));
            if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.duration_positive"));
            this.perSecond = perSecond;
            this.duration = duration;
        }

        /** Pings every server every {@code every}; policies then see a dead server as down. */
        public Load healthChecks(Duration every) {
            if (every.isNegative() || every.isZero()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.every_positive"));
            this.healthEvery = every;
            return this;
        }

        /** Runs {@code change} (say, {@code c -> c.server(0).kill()}) {@code after} the start of the run. */
        public Load at(Duration after, Consumer<Cluster> change) {
            this.changeAt = Objects.requireNonNull(after);
            this.change = Objects.requireNonNull(change);
            return this;
        }

        /** The label tables and charts show (default: the policy's name, "+ health checks" when on). */
        public Load label(String label) {
            this.label = label;
            return this;
        }

        /** Sends the load, waits for every answer, restores the servers as they were, and returns the figures. */
        public Result run() throws InterruptedException {
            if (closed) throw new IllegalStateException("the cluster is closed");
            String name = label != null ? label : policy.name() + (healthEvery != null ? " + health checks" : "");
            double[] speeds = servers.stream().mapToDouble(Server::speed).toArray();
            boolean[] alive = new boolean[size()];
            for (int i = 0; i < size(); i++) alive[i] = servers.get(i).alive();
            var view = new View(size());
            Thread checker = null;
            if (healthEvery != null) {
                for (int i = 0; i < size(); i++) view.up.set(i, servers.get(i).ping() ? 1 : 0);   // the first check, before any request
                checker = Thread.ofPlatform().daemon().name("health checks").start(() -> {
                    try {
                        while (true) {
                            Thread.sleep(healthEvery);
                            for (int i = 0; i < size(); i++) view.up.set(i, servers.get(i).ping() ? 1 : 0);
                        }
                    } catch (InterruptedException stop) {
                        // the run is over
                    }
                });
            }
            List<Long> dues = new ArrayList<>();
            var random = new SplittableRandom(7);
            double gap = 1e9 / perSecond;
            for (double t = -Math.log(1 - random.nextDouble()) * gap; t < duration.toNanos(); t += -Math.log(1 - random.nextDouble()) * gap)
                dues.add((long) t);
            var latencies = new ConcurrentHistogram(3);
            var served = new AtomicLongArray(size());
            var errors = new AtomicLong();
            var policyErrors = new ConcurrentHashMap<String, Boolean>();
            var done = new CountDownLatch(dues.size());
            long start = System.nanoTime();
            boolean changed = change == null;
            try {
                for (long offset : dues) {
                    long due = start + offset;
                    for (long wait; (wait = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
                    if (!changed && System.nanoTime() - start >= changeAt.toNanos()) {
                        change.accept(Cluster.this);
                        changed = true;
                    }
                    Thread.startVirtualThread(() -> send(view, due, latencies, served, errors, policyErrors, done));
                }
                if (!changed) change.accept(Cluster.this);
                long limit = Math.max(10_000_000_000L, 4 * duration.toNanos());
                if (!done.await(limit, TimeUnit.NANOSECONDS))
                    throw new IllegalStateException(name + ": " + done.getCount() + " of " + dues.size() + " requests still unanswered after " + limit / 1_000_000_000 + " s");
            } finally {
                if (checker != null) {
                    checker.interrupt();
                    checker.join(2000);
                }
                for (int i = 0; i < size(); i++) {
                    servers.get(i).speed(speeds[i]);
                    if (alive[i]) servers.get(i).revive(); else servers.get(i).kill();
                }
            }
            long[] perServer = new long[size()];
            for (int i = 0; i < size(); i++) perServer[i] = served.get(i);
            return new Result(name, latencies, dues.size(), errors.get(), perServer, List.copyOf(policyErrors.keySet()));
        }

        private void send(View view, long due, Histogram latencies, AtomicLongArray served, AtomicLong errors,
                          Map<String, Boolean> policyErrors, CountDownLatch done) {
            boolean anyUp = false;
            for (int i = 0; i < size(); i++) anyUp |= view.up(i);
            if (!anyUp) { errors.incrementAndGet(); done.countDown(); return; }
            int i;
            view.startPick();
            try {
                i = policy.pick(view);
                String wrong = view.endPick(i);
                if (wrong != null) throw new IllegalStateException(wrong);
            } catch (Throwable t) {
                policyErrors.put(t.getMessage() == null ? t.toString() : t.getMessage(), true);
                errors.incrementAndGet();
                done.countDown();
                return;
            }
            final int chosen = i;
            servers.get(chosen).handle().whenComplete((ok, failed) -> {
                view.outstanding.decrementAndGet(chosen);
                if (failed != null) errors.incrementAndGet();
                else {
                    latencies.recordValue(Math.max(0, System.nanoTime() - due));
                    served.incrementAndGet(chosen);
                }
                done.countDown();
            });
        }
    }

    /** The balancer's view for policies; records, per thread, what the current pick claimed. */
    private static final class View implements Servers {
        /** Calls of the view one pick may make: far more than any policy needs on a few servers. */
        static final int MAX_CALLS = 1_000_000;
        final AtomicIntegerArray outstanding, up;
        private final ThreadLocal<int[]> claims = ThreadLocal.withInitial(() -> new int[3]);   // {last server claimed, claims, calls}

        View(int n) {
            outstanding = new AtomicIntegerArray(n);
            up = new AtomicIntegerArray(n);
            for (int i = 0; i < n; i++) up.set(i, 1);
        }

        void startPick() { int[] c = claims.get(); c[0] = -1; c[1] = 0; c[2] = 0; }

        /** Counts a call of this pick; a pick that loops forever (claimIf never true, say) fails instead of spinning on. */
        private void called() {
            if (++claims.get()[2] > MAX_CALLS)
                throw new IllegalStateException("pick() called the servers' view " + MAX_CALLS + " times without returning: does it ever claim?");
        }

        /** Null when the pick claimed {@code i} once, else what went wrong (and the claims are undone). */
        String endPick(int i) {
            int[] c = claims.get();
            if (c[1] == 1 && c[0] == i && i >= 0 && i < size() && up(i)) return null;
            if (c[1] > 0 && c[0] >= 0) outstanding.addAndGet(c[0], -c[1]);
            if (i < 0 || i >= size()) return "pick() returned " + i + ", not a server index";
            if (!up(i)) return "pick() returned server " + i + ", which is down";
            return c[1] == 0 ? "pick() returned server " + i + " without claiming it"
                    : "pick() must claim the server it returns exactly once (it claimed " + c[1] + " times, last server " + c[0] + ")";
        }

        private void claimed(int i) {
            int[] c = claims.get();
            c[0] = i;
            c[1]++;
        }

        @Override public int size() { return outstanding.length(); }
        @Override public boolean up(int i) { called(); return up.get(i) == 1; }
        @Override public int outstanding(int i) { called(); return outstanding.get(i); }
        @Override public void claim(int i) { outstanding.incrementAndGet(i); claimed(i); }
        @Override public boolean claimIf(int i, int seen) {
            called();
            if (!outstanding.compareAndSet(i, seen, seen + 1)) return false;
            claimed(i);
            return true;
        }
        @Override public int random(int bound) { return ThreadLocalRandom.current().nextInt(bound); }
    }

    /**
     * What one run measured: latency of every answered request from when it was due (nanoseconds), the
     * requests that failed (refused by a dead server, or a policy error), and how many each server served.
     */
    public record Result(String label, Histogram latencies, long requests, long errors, long[] perServer,
                         List<String> policyErrors) implements conclab.spi.Displayable {

        /** The {@code percentile} (0–100) of the answered requests' latency, in milliseconds. */
        public double ms(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1e6;
        }

        /** The share of requests that failed, 0–1. */
        public double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }

        /** The share of answered requests server {@code i} served, 0–1. */
        public double share(int i) {
            long all = 0;
            for (long n : perServer) all += n;
            return all == 0 ? 0 : (double) perServer[i] / all;
        }

        List<String> row() {
            StringBuilder shares = new StringBuilder();
            for (int i = 0; i < perServer.length; i++) shares.append(i == 0 ? "" : " / ").append(Math.round(100 * share(i)));
            return List.of(label, Long.toString(requests), Format.millis(latencies.getValueAtPercentile(50)),
                    Format.millis(latencies.getValueAtPercentile(99)), Format.percent(errorRate()), shares + " %");
        }

        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            return table(this).mimeBundle(accepted);
        }

        @Override
        public String toString() {
            return table(this).toString();
        }
    }

    /** Several results side by side: a table, and {@link Results#chart()} their latencies on one percentile chart. */
    public static Results table(Result... results) {
        return new Results(List.of(results));
    }

    /** Results side by side; displays as a table. */
    public record Results(List<Result> results) implements conclab.spi.Displayable {
        private static final List<String> HEADER = List.of("policy", "requests", "p50", "p99", "failed", "share per server");

        /** Their latencies on one percentile chart (p50 to p99.9). */
        public PercentileChart chart() {
            PercentileChart c = null;
            for (Result r : results)
                c = c == null ? Charts.percentiles(r.label(), r.latencies()) : c.add(r.label(), r.latencies());
            if (c == null) throw new IllegalStateException("no results to chart");
            return c.nines(3);
        }

        /** The result labelled {@code label}. */
        public Result get(String label) {
            return results.stream().filter(r -> r.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(conclab.text.Messages.hint("arg.no_result", label)));
        }

        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            List<List<String>> rows = results.stream().map(Result::row).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            if (accepted.contains(HTML)) m.put(HTML, Format.html(HEADER, rows) + notes(true));
            m.put(PLAIN, toString());
            return m;
        }

        private String notes(boolean html) {
            StringBuilder b = new StringBuilder();
            for (Result r : results)
                for (String e : r.policyErrors())
                    b.append(html ? "<br>⚠ " : "\n⚠ ").append(html ? conclab.trace.Html.escape(r.label() + ": " + e) : r.label() + ": " + e);
            return b.toString();
        }

        @Override
        public String toString() {
            return Format.text(HEADER, results.stream().map(Result::row).toList()) + notes(false);
        }
    }
}
