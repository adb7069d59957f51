package conclab.services;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import conclab.trace.CounterSample;
import conclab.trace.Trace;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP service on 127.0.0.1 for lessons about calling other systems: the JDK's
 * {@link HttpServer}, one virtual thread per request, with the latency, the failures and the capacity the
 * lesson sets, and a log of every request it received (when, method, path, answer, the budget its caller
 * sent).
 *
 * <pre>{@code
 * try (var svc = HttpTestService.start(Duration.ofMillis(20))) {
 *     svc.failNext(2);                        // the next two requests get 503
 *     HttpClient.newHttpClient().send(HttpRequest.newBuilder(svc.uri("/orders/7")).build(), ofString());
 *     svc.perBucket(Duration.ofMillis(10));   // a Trace: the counter "requests per 10 ms"
 * }
 * }</pre>
 *
 * <h2>What it answers</h2>
 * Every path is served the same way, in this order:
 * <ol>
 *   <li>{@code 503} at once while the service is {@link #down down}, for each of the {@link #failNext}
 *       requests, or when {@link #capacity} requests are already in progress (it is overloaded);
 *   <li>{@code 504} at once when the caller's budget (the header {@value #BUDGET_HEADER}, in
 *       milliseconds) is smaller than the work would take: the service does not start what the caller
 *       will not wait for;
 *   <li>otherwise, after its latency (or the query's {@code ?ms=N}), {@code 503} with the probability
 *       set by {@link #failureRate} (seeded: the same sequence in every run), else {@code 200} with a
 *       short text body.
 * </ol>
 *
 * <p>Thread-safe. Settings are volatile fields read by each request; the log is guarded by its own
 * monitor. {@link #close()} stops the server at once and interrupts the requests in progress.
 */
public final class HttpTestService implements AutoCloseable {

    /** The request header that carries the caller's remaining budget, in milliseconds. */
    public static final String BUDGET_HEADER = "X-Budget-Ms";
    /** The request header that says which attempt of a call this is (1, 2, ...); {@link Retry} sends it. */
    public static final String ATTEMPT_HEADER = "X-Attempt";

    /**
     * One request as the service saw it. {@code budgetMs} is -1 when the caller sent none; {@code attempt} is
     * 1 unless the caller said otherwise ({@value #ATTEMPT_HEADER}).
     */
    public record Request(long atNanos, long endNanos, String method, String path, int status, long budgetMs, int attempt) {
        /** Milliseconds from {@code originNanos} to this request's arrival. */
        public double atMillis(long originNanos) {
            return (atNanos - originNanos) / 1e6;
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final long startNanos = System.nanoTime();
    private volatile long latencyNanos;
    private volatile double failureRate;
    private volatile int capacity = Integer.MAX_VALUE;
    private volatile long downUntilNanos;
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger inProgress = new AtomicInteger();
    /** Guarded by itself. */
    private final SplittableRandom random = new SplittableRandom(42);
    /** Guarded by itself. */
    private final List<Request> log = new ArrayList<>();
    /** Where the log starts counting from; written by reset. */
    private volatile long originNanos = startNanos;

    private HttpTestService(Duration latency) throws IOException {
        this.latencyNanos = latency.toNanos();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.setExecutor(threads);
        server.createContext("/", this::serve);
        server.start();
    }

    /** Starts a service whose every answer takes {@code latency}. Close it when done. */
    public static HttpTestService start(Duration latency) {
        try {
            return new HttpTestService(latency);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start an HTTP server on 127.0.0.1", e);
        }
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + (path.startsWith("/") ? path : "/" + path));
    }

    /** The service's base URI, {@code http://127.0.0.1:PORT/}. */
    public URI uri() {
        return uri("/");
    }

    /** Every answer takes this long from now on. */
    public HttpTestService latency(Duration latency) {
        this.latencyNanos = latency.toNanos();
        return this;
    }

    /** The fraction of requests (0 to 1) that fail with 503 after their latency. */
    public HttpTestService failureRate(double rate) {
        if (rate < 0 || rate > 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.failure_rate", rate));
        this.failureRate = rate;
        return this;
    }

    /** The next {@code n} requests get 503 at once. */
    public HttpTestService failNext(int n) {
        failNext.set(n);
        return this;
    }

    /** More than {@code n} requests in progress at once: the extra ones get 503 at once (overloaded). */
    public HttpTestService capacity(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.capacity_lt1"));
        this.capacity = n;
        return this;
    }

    /** Down for {@code d} from now: every request gets 503 at once until then. */
    public HttpTestService down(Duration d) {
        this.downUntilNanos = System.nanoTime() + d.toNanos();
        return this;
    }

    /** Back to normal: no failures, no capacity limit, not down; the log emptied and its clock restarted. */
    public HttpTestService reset() {
        failureRate = 0;
        capacity = Integer.MAX_VALUE;
        downUntilNanos = 0;
        failNext.set(0);
        synchronized (log) {
            log.clear();
            originNanos = System.nanoTime();
        }
        return this;
    }

    /** When the log's clock started (at start, or the last {@link #reset()}), {@code System.nanoTime()}. */
    public long originNanos() {
        return originNanos;
    }

    /** The requests received since start or the last {@link #reset()}, in order of arrival. */
    public List<Request> requests() {
        synchronized (log) {
            List<Request> copy = new ArrayList<>(log);
            copy.sort(java.util.Comparator.comparingLong(Request::atNanos));
            return copy;
        }
    }

    /** Requests being worked on now (not counting those refused at once). */
    public int inProgress() {
        return inProgress.get();
    }

    /** How many requests were received since start or the last {@link #reset()}. */
    public int count() {
        synchronized (log) {
            return log.size();
        }
    }

    /** How many requests got {@code status}. */
    public long count(int status) {
        return requests().stream().filter(r -> r.status() == status).count();
    }

    /**
     * The log as a trace named {@code label} with one counter, {@code "requests per N ms"}: how many requests
     * arrived in each bucket of {@code bucket}, from the log's start to its last request. Charts draw it
     * with {@code Charts.overlay("requests per 10 ms", a, b)}.
     */
    public Trace perBucket(String label, Duration bucket) {
        return perBucket(label, bucket, false);
    }

    /**
     * As {@link #perBucket(String, Duration)}, counting only retries (requests whose {@value #ATTEMPT_HEADER}
     * is 2 or more): the counter {@code "retries per N ms"}. The first attempts of many clients started at
     * once arrive together whatever their retry policy; the retries show the policy.
     */
    public Trace retriesPerBucket(String label, Duration bucket) {
        return perBucket(label, bucket, true);
    }

    private Trace perBucket(String label, Duration bucket, boolean retriesOnly) {
        List<Request> rs = requests();
        if (retriesOnly) rs = rs.stream().filter(r -> r.attempt() > 1).toList();
        long width = Math.max(1, bucket.toNanos());
        long origin = originNanos;
        long last = rs.isEmpty() ? origin : rs.getLast().atNanos();
        int n = (int) ((last - origin) / width) + 2;
        int[] counts = new int[n];
        for (Request r : rs) counts[(int) Math.max(0, (r.atNanos() - origin) / width)]++;
        String name = (retriesOnly ? "retries" : "requests") + " per " + bucket.toMillis() + " ms";
        List<CounterSample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) samples.add(new CounterSample(name, origin + i * width, counts[i]));
        return new Trace(label, origin, origin + n * width, List.of(), List.of(), samples,
                Map.of("jdk", Runtime.version().toString(), "cores", Integer.toString(Runtime.getRuntime().availableProcessors())));
    }

    /** The counter name {@link #perBucket} uses: {@code "requests per 10 ms"}. */
    public static String bucketName(Duration bucket) {
        return "requests per " + bucket.toMillis() + " ms";
    }

    /** The most requests that arrived in one bucket of {@code bucket}. */
    public int peak(Duration bucket) {
        return (int) perBucket("peak", bucket).counters().stream().mapToDouble(CounterSample::value).max().orElse(0);
    }

    /** The most retries (attempt 2 or later) that arrived in one bucket of {@code bucket}. */
    public int peakRetries(Duration bucket) {
        return (int) retriesPerBucket("peak", bucket).counters().stream().mapToDouble(CounterSample::value).max().orElse(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        int status;
        long budget = -1;
        String b = ex.getRequestHeaders().getFirst(BUDGET_HEADER);
        if (b != null) {
            try { budget = Long.parseLong(b.strip()); } catch (NumberFormatException ignored) { budget = -2; }
        }
        int attempt = 1;
        String at2 = ex.getRequestHeaders().getFirst(ATTEMPT_HEADER);
        if (at2 != null) {
            try { attempt = Integer.parseInt(at2.strip()); } catch (NumberFormatException ignored) { }
        }
        long work = latencyNanos;
        String q = ex.getRequestURI().getQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                if (kv.startsWith("ms=")) {
                    try { work = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(kv.substring(3))); } catch (NumberFormatException ignored) { }
                }
            }
        }
        boolean counted = false;
        try {
            if (at < downUntilNanos || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else if (inProgress.incrementAndGet() > capacity) {
                counted = true;
                status = 503;
            } else {
                counted = true;
                if (budget >= 0 && TimeUnit.MILLISECONDS.toNanos(budget) < work) {
                    status = 504;
                } else {
                    try {
                        Thread.sleep(Duration.ofNanos(work));
                    } catch (InterruptedException e) {
                        ex.close();
                        return;                       // the service is closing
                    }
                    boolean fail;
                    synchronized (random) { fail = random.nextDouble() < failureRate; }
                    status = fail ? 503 : 200;
                }
            }
        } finally {
            if (counted) inProgress.decrementAndGet();
        }
        String body = switch (status) {
            case 200 -> "ok " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
            case 503 -> "unavailable: try again later";
            default -> "budget of " + budget + " ms too small for " + TimeUnit.NANOSECONDS.toMillis(work) + " ms of work";
        };
        synchronized (log) {
            if (at >= originNanos) log.add(new Request(at, System.nanoTime(), ex.getRequestMethod(), ex.getRequestURI().getPath(), status, budget, attempt));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = ex.getResponseBody()) {
            ex.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        } catch (IOException ignored) {
            // the client gave up (its timeout): nothing to answer
        }
    }

    /** Stops the server at once; requests in progress are interrupted. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "HttpTestService " + uri() + " (latency " + TimeUnit.NANOSECONDS.toMillis(latencyNanos) + " ms, "
                + count() + " requests logged)";
    }
}
