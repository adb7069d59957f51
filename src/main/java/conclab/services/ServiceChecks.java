package conclab.services;

import conclab.task.Within;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Checks for the exercises of the lessons on calling other systems. Each runs the learner's code on
 * inputs of its own, never throws (a failure of the code under test is a verdict) and never hangs (every
 * call has a deadline). Where a race decides, it is forced: {@link #lockOrder} holds each transaction
 * after its first row lock until the other has taken its own, so two transfers that lock in opposite
 * orders deadlock on every run, not now and then.
 */
public final class ServiceChecks {

    private ServiceChecks() {}

    private static final Duration LIMIT = Duration.ofSeconds(15);
    /** A retrying send within the spec waits at most 4 back-offs (at most 750 ms with the lesson's BASE). */
    private static final Duration RETRY_LIMIT = Duration.ofSeconds(5);

    // ------------------------------------------------------------------ back-off

    /** What {@link #backoff} saw: the mean wait per attempt, and each property it checked. */
    public record Backoff(boolean jitter, boolean grows, boolean capped, String detail) {
        public boolean ok() { return jitter && grows && capped; }
    }

    /**
     * Samples {@code backoff.apply(attempt)} 2,000 times for attempts 1 to 8 and says whether the waits
     * differ from call to call (jitter), whether their mean doubles from each attempt to the next
     * (between 1.5× and 2.6×) until the cap, and whether none is negative or above {@code cap}.
     */
    public static Backoff backoff(IntFunction<Duration> backoff, Duration base, Duration cap) {
        int samples = 2000, attempts = 8;
        double[] mean = new double[attempts + 1];
        long[] min = new long[attempts + 1], max = new long[attempts + 1];
        int[] distinct = new int[attempts + 1];
        try {
            Within.call(LIMIT, () -> {
                for (int a = 1; a <= attempts; a++) {
                    java.util.Set<Long> seen = new java.util.HashSet<>();
                    long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
                    double sum = 0;
                    for (int i = 0; i < samples; i++) {
                        Duration d = backoff.apply(a);
                        if (d == null) throw new IllegalStateException(m("svc.backoff.null", a));
                        long n = d.toNanos();
                        seen.add(n);
                        lo = Math.min(lo, n);
                        hi = Math.max(hi, n);
                        sum += n;
                    }
                    mean[a] = sum / samples;
                    min[a] = lo;
                    max[a] = hi;
                    distinct[a] = seen.size();
                }
                return null;
            });
        } catch (Exception e) {
            String why = m("svc.backoff.threw", e);
            return new Backoff(false, false, false, why);
        }
        StringBuilder means = new StringBuilder(m("svc.backoff.means") + " ");
        for (int a = 1; a <= attempts; a++) means.append(a > 1 ? ", " : "").append(ms(mean[a]));
        boolean jitter = true, grows = true, capped = true;
        List<String> problems = new ArrayList<>();
        for (int a = 1; a <= 5; a++) {
            if (distinct[a] < 10 || max[a] - min[a] < 0.3 * mean[a]) {
                jitter = false;
                problems.add(m("svc.backoff.no_jitter", a, distinct[a] == 1 ? m("svc.backoff.always", ms(min[a]))
                        : m("svc.backoff.between", ms(min[a]), ms(max[a]))));
                break;
            }
        }
        long baseN = base.toNanos(), capN = cap.toNanos();
        for (int a = 1; a < attempts; a++) {
            long nextCeiling = baseN << a;                      // the ceiling of attempt a + 1
            if (nextCeiling > capN) break;
            double r = mean[a + 1] / Math.max(1, mean[a]);
            if (r < 1.5 || r > 2.6) {
                grows = false;
                problems.add(conclab.text.Messages.format(m("svc.backoff.not_doubling"),
                        a, ms(mean[a]), a + 1, ms(mean[a + 1]), r));
                break;
            }
        }
        for (int a = 1; a <= attempts; a++) {
            if (min[a] < 0 || max[a] > capN + 1_000_000) {
                capped = false;
                problems.add(m("svc.backoff.not_capped", a, ms(min[a] < 0 ? min[a] : max[a]), ms(capN)));
                break;
            }
        }
        if (capped) {                                           // far along too: no overflow past 30 (int) or 62 (long) doublings
            for (int a : new int[]{31, 32, 33, 63, 64, 65, 1_000}) {
                String why = farAlong(backoff, a, capN);
                if (why != null) {
                    capped = false;
                    problems.add(why);
                    break;
                }
            }
        }
        return new Backoff(jitter, grows, capped, means + (problems.isEmpty() ? "" : sep() + String.join(sep(), problems)));
    }

    /** Null when {@code backoff(attempt)}, an attempt far along, waits between 0 and the cap, 50 times in a row. */
    private static String farAlong(IntFunction<Duration> backoff, int attempt, long capN) {
        try {
            return Within.call(LIMIT, () -> {
                for (int i = 0; i < 50; i++) {
                    Duration d = backoff.apply(attempt);
                    if (d == null) return m("svc.backoff.null", attempt);
                    if (d.isNegative() || d.compareTo(Duration.ofNanos(capN + 1_000_000)) > 0)
                        return m("svc.backoff.far_along", attempt, Math.abs(d.getSeconds()) < 1_000_000 ? ms(d.toNanos()) : d.toString(), ms(capN));
                }
                return null;
            });
        } catch (Exception e) {
            return m("svc.backoff.far_along_threw", attempt, e.getCause() != null && e.getCause() != e ? e.getCause() : e);
        }
    }

    private static String ms(double nanos) {
        return conclab.text.Messages.unit(conclab.text.Messages.format("%.0f", nanos / 1e6), "ms");
    }

    // ------------------------------------------------------------------ retries

    /** A learner's retrying send. */
    @FunctionalInterface
    public interface Sender {
        HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception;
    }

    /** What {@link #retries} saw, one property per field, and what the service logged. */
    public record Retries(boolean retriesGet, boolean postOnce, boolean givesUp, String detail) {
        public boolean ok() { return retriesGet && postOnce && givesUp; }
    }

    /**
     * Runs {@code send} against a service of its own: a GET whose first two tries get 503 (it must be sent
     * 3 times and end in 200), a POST whose first try gets 503 (sent once: a POST is not idempotent; the
     * 503 or an exception comes back), a GET and then a POST whose first answer is lost (the service did
     * the request, and the client's {@code send} throws an {@link java.io.IOException}, as when the
     * connection drops: the GET is sent again and ends in 200, the POST is sent once), and a GET that always
     * gets 503 (sent {@code attempts} times, then given up). The answers are lost by the client the check
     * passes to {@code send}, which does every request for real first.
     */
    public static Retries retries(Sender send, int attempts) {
        List<String> seen = new ArrayList<>();
        boolean get = false, post = false, gives = false;
        try (var svc = HttpTestService.start(Duration.ofMillis(1));
             var real = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            var client = new LosingClient(real);
            // 1. a GET that fails twice
            svc.reset().failNext(2);
            String r1 = outcome(send, client, HttpRequest.newBuilder(svc.uri("/stock/1")).GET().build());
            int n1 = svc.count();
            get = n1 == 3 && r1.equals("200");
            seen.add(m("svc.retry.get_twice", n1, r1));
            // 2. a POST that fails once
            svc.reset().failNext(1);
            String r2 = outcome(send, client, HttpRequest.newBuilder(svc.uri("/orders"))
                    .POST(HttpRequest.BodyPublishers.ofString("1 book")).build());
            int n2 = svc.count();
            post = n2 == 1;
            seen.add(m("svc.retry.post_once", n2, r2));
            // 2b. a GET, then a POST, whose first answer is lost on the way back (an IOException)
            svc.reset();
            client.loseNext(1);
            String r4 = outcome(send, client, HttpRequest.newBuilder(svc.uri("/stock/3")).GET().build());
            int n4 = svc.count();
            get &= n4 == 2 && r4.equals("200");
            seen.add(m("svc.retry.get_lost", n4, r4));
            svc.reset();
            client.loseNext(1);
            String r5 = outcome(send, client, HttpRequest.newBuilder(svc.uri("/orders"))
                    .POST(HttpRequest.BodyPublishers.ofString("1 book")).build());
            int n5 = svc.count();
            post &= n5 == 1;
            seen.add(m("svc.retry.post_lost", n5, r5));
            client.loseNext(0);
            // 3. a GET that always fails
            svc.reset().failNext(1_000);
            String r3 = outcome(send, client, HttpRequest.newBuilder(svc.uri("/stock/2")).GET().build());
            int n3 = svc.count();
            gives = n3 == attempts && !r3.equals(stillSending());
            seen.add(m("svc.retry.get_always", n3, r3));
        } catch (Exception e) {
            seen.add(m("svc.could_not_run", e));
        }
        return new Retries(get, post, gives, String.join(sep(), seen));
    }

    /**
     * An {@link HttpClient} that does every request with {@code real}, but loses the answers of the next
     * few blocking sends: the request reached the service and was done, then {@code send} throws an
     * {@link java.io.IOException} as if the connection had dropped on the way back.
     */
    private static final class LosingClient extends HttpClient {
        private final HttpClient real;
        private final AtomicInteger lose = new AtomicInteger();

        LosingClient(HttpClient real) { this.real = real; }

        void loseNext(int n) { lose.set(n); }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws java.io.IOException, InterruptedException {
            HttpResponse<T> answer = real.send(request, handler);
            if (lose.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
                throw new java.io.IOException(m("svc.retry.lost_answer", request.method(), request.uri().getPath()));
            return answer;
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            return real.sendAsync(request, handler);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                                                      HttpResponse.PushPromiseHandler<T> push) {
            return real.sendAsync(request, handler, push);
        }

        @Override public java.util.Optional<java.net.CookieHandler> cookieHandler() { return real.cookieHandler(); }
        @Override public java.util.Optional<Duration> connectTimeout() { return real.connectTimeout(); }
        @Override public Redirect followRedirects() { return real.followRedirects(); }
        @Override public java.util.Optional<java.net.ProxySelector> proxy() { return real.proxy(); }
        @Override public javax.net.ssl.SSLContext sslContext() { return real.sslContext(); }
        @Override public javax.net.ssl.SSLParameters sslParameters() { return real.sslParameters(); }
        @Override public java.util.Optional<java.net.Authenticator> authenticator() { return real.authenticator(); }
        @Override public Version version() { return real.version(); }
        @Override public java.util.Optional<java.util.concurrent.Executor> executor() { return real.executor(); }
    }

    private static String outcome(Sender send, HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> r = Within.call(RETRY_LIMIT, () -> send.send(client, request));
            return r == null ? "null" : Integer.toString(r.statusCode());
        } catch (TimeoutException e) {
            return stillSending();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    // ------------------------------------------------------------------ deadlines

    /** A learner's request builder. */
    @FunctionalInterface
    public interface RequestWithin {
        HttpRequest request(URI uri, Instant deadline) throws Exception;
    }

    /** What {@link #deadline} saw. */
    public record Deadline(boolean timeout, boolean budgetSent, boolean pastRefused, String detail) {
        public boolean ok() { return timeout && budgetSent && pastRefused; }
    }

    /**
     * Builds requests with {@code build} for deadlines 400 ms away (after waiting 150 ms: 250 ms left)
     * and 150 ms away, and one already past; sends the first two to a service of its own. Right: each
     * request's timeout is the time left at some moment during the call (±5 ms), the service receives that time left in
     * the header {@value HttpTestService#BUDGET_HEADER}, and a deadline already past throws
     * {@link HttpTimeoutException} without sending anything.
     */
    public static Deadline deadline(RequestWithin build) {
        List<String> seen = new ArrayList<>();
        boolean timeout = true, sent = true, past;
        try (var svc = HttpTestService.start(Duration.ZERO);
             var client = HttpClient.newHttpClient()) {
            long[][] cases = {{400, 150}, {150, 0}};
            for (long[] c : cases) {
                svc.reset();
                Instant deadline = Instant.now().plusMillis(c[0]);
                if (c[1] > 0) Thread.sleep(c[1]);
                HttpRequest req;
                Instant before = Instant.now();
                try {
                    req = Within.call(LIMIT, () -> build.request(svc.uri("/price"), deadline));
                } catch (Exception e) {
                    seen.add(m("svc.deadline.threw", c[0], e));
                    timeout = sent = false;
                    continue;
                }
                // the time left when the learner's code read the clock: between these two
                long most = Duration.between(before, deadline).toMillis(), left = Duration.between(Instant.now(), deadline).toMillis();
                if (req == null) {
                    seen.add(m("svc.deadline.null", c[0]));
                    timeout = sent = false;
                    continue;
                }
                String t = req.timeout().map(d -> conclab.text.Messages.unit(String.valueOf(d.toMillis()), "ms")).orElse(m("svc.deadline.none"));
                boolean tOk = req.timeout().isPresent() && near(req.timeout().get().toMillis(), left, most);
                try { client.send(req, HttpResponse.BodyHandlers.discarding()); } catch (Exception ignored) { }
                long budget = svc.requests().stream().mapToLong(HttpTestService.Request::budgetMs).findFirst().orElse(-3);
                boolean bOk = budget >= 0 && near(budget, left, most);
                timeout &= tOk;
                sent &= bOk;
                seen.add(m("svc.deadline.left", left, t, budget == -3 ? m("svc.deadline.no_request")
                        : budget == -1 ? m("svc.deadline.no_header", HttpTestService.BUDGET_HEADER)
                        : budget == -2 ? m("svc.deadline.unreadable") : conclab.text.Messages.unit(String.valueOf(budget), "ms")));
            }
            svc.reset();
            String r;
            try {
                HttpRequest req = Within.call(LIMIT, () -> build.request(svc.uri("/price"), Instant.now().minusMillis(20)));
                if (req != null) try { client.send(req, HttpResponse.BodyHandlers.discarding()); } catch (Exception ignored) { }
                r = m(svc.count() > 0 ? "svc.deadline.sent" : "svc.deadline.a_request");
                past = false;
            } catch (HttpTimeoutException e) {
                r = "HttpTimeoutException";
                past = svc.count() == 0;
            } catch (Exception e) {
                r = e.getClass().getSimpleName();
                past = false;
            }
            seen.add(m("svc.deadline.past", r));
        } catch (Exception e) {
            seen.add(m("svc.could_not_run", e));
            timeout = sent = past = false;
        }
        return new Deadline(timeout, sent, past, String.join(sep(), seen));
    }

    /** Whether {@code gotMs} is the time left at some moment of the learner's call (±5 ms of rounding). */
    private static boolean near(long gotMs, long leftAfterMs, long leftBeforeMs) {
        return gotMs > 0 && gotMs >= leftAfterMs - 5 && gotMs <= leftBeforeMs + 5;
    }

    // ------------------------------------------------------------------ lock order

    /** A learner's transfer between two accounts, run inside a transaction the check opens and commits. */
    @FunctionalInterface
    public interface Transfer {
        void transfer(Connection c, int from, int to, int amount) throws SQLException;
    }

    /** What {@link #lockOrder} saw. */
    public record LockOrder(boolean done, boolean noDeadlock, String detail) {
        public boolean ok() { return done && noDeadlock; }
    }

    /**
     * Runs pairs of crossing transfers ({@code a→b} and {@code b→a} at once, with amounts of its own) on
     * connections from {@code pool}, each in a transaction. After a transaction's first row lock (its first
     * {@code UPDATE} or {@code SELECT … FOR UPDATE}) it waits, at most 300 ms, until the other transaction
     * has taken its first lock too: two transfers that lock in opposite orders then deadlock every time.
     * Right: every transfer commits, no transaction is a deadlock victim (nor times out on a lock), and the
     * balances of the table {@code accounts(id, balance)} end as the transfers say. The table is created when
     * missing, and accounts 1 to 4 are set to 1,000 before each pair.
     *
     */
    public static LockOrder lockOrder(javax.sql.DataSource pool, Transfer transfer) {
        int[][] pairs = {{1, 2, 30, 80}, {3, 4, 70, 20}, {2, 4, 10, 90}, {1, 3, 60, 60}};
        List<String> seen = new ArrayList<>();
        boolean done = true, clean = true;
        AtomicInteger victims = new AtomicInteger();
        try {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.executeUpdate("CREATE TABLE IF NOT EXISTS accounts(id INT PRIMARY KEY, balance BIGINT NOT NULL)");
                for (int id = 1; id <= 4; id++) {
                    if (s.executeUpdate("UPDATE accounts SET balance = 1000 WHERE id = " + id) == 0) {
                        s.executeUpdate("INSERT INTO accounts(id, balance) VALUES (" + id + ", 1000)");
                    }
                }
            }
            for (int[] p : pairs) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    c.setAutoCommit(true);
                    s.executeUpdate("UPDATE accounts SET balance = 1000 WHERE id IN (" + p[0] + ", " + p[1] + ")");
                }
                CyclicBarrier firstLocks = new CyclicBarrier(2);
                String[] result = new String[2];
                Thread[] ts = new Thread[2];
                Crossing crossing = new Crossing(ts);
                for (int k = 0; k < 2; k++) {
                    int from = k == 0 ? p[0] : p[1], to = k == 0 ? p[1] : p[0], amount = p[2 + k], slot = k;
                    ts[k] = Thread.ofPlatform().daemon().name("transfer-" + from + "-" + to).unstarted(() ->
                            result[slot] = runTransfer(pool, transfer, from, to, amount, firstLocks, victims, crossing, slot));
                }
                for (Thread t : ts) t.start();
                for (Thread t : ts) t.join(LIMIT.toMillis());
                for (Thread t : ts) if (t.isAlive()) { t.interrupt(); }
                for (int k = 0; k < 2; k++) if (crossing.outside[k] && "committed".equals(result[k])) result[k] = "outside";
                long[] bal = balances(pool, p[0], p[1]);
                long want0 = 1000 - p[2] + p[3], want1 = 1000 - p[3] + p[2];
                boolean both = "committed".equals(result[0]) && "committed".equals(result[1]);
                boolean right = bal[0] == want0 && bal[1] == want1;
                done &= both && right;
                clean &= !String.valueOf(result[0]).contains("deadlock") && !String.valueOf(result[1]).contains("deadlock")
                        && !String.valueOf(result[0]).contains("lock") && !String.valueOf(result[1]).contains("lock");
                seen.add(m("svc.tx.pair", p[0], p[1], p[2], p[3], said(result[0]), said(result[1]))
                        + (right ? "" : sep() + m("svc.tx.balances", bal[0], bal[1], want0, want1)));
            }
        } catch (Exception e) {
            seen.add(m("svc.could_not_run", e));
            done = clean = false;
        }
        clean &= victims.get() == 0;
        return new LockOrder(done, clean, String.join(sep(), seen) + (victims.get() > 0 ? sep() + m("svc.tx.victims", victims.get()) : ""));
    }

    private static long[] balances(javax.sql.DataSource pool, int a, int b) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
            long[] out = new long[2];
            for (int k = 0; k < 2; k++) {
                s.setInt(1, k == 0 ? a : b);
                try (ResultSet r = s.executeQuery()) { out[k] = r.next() ? r.getLong(1) : Long.MIN_VALUE; }
            }
            return out;
        }
    }

    /**
     * The two transfers of a pair, as the check sees them: which are inside the learner's transfer, which
     * inside a statement on the database, and which were found waiting in the program instead (for a lock
     * of the program's own, say) while the other held a row lock and waited for it to take one too.
     */
    private static final class Crossing {
        final Thread[] threads;
        final java.util.concurrent.atomic.AtomicIntegerArray inTransfer = new java.util.concurrent.atomic.AtomicIntegerArray(2);
        final java.util.concurrent.atomic.AtomicIntegerArray inStatement = new java.util.concurrent.atomic.AtomicIntegerArray(2);
        final boolean[] outside = new boolean[2];

        Crossing(Thread[] threads) {
            this.threads = threads;
        }

        /**
         * Called by transfer {@code slot} when the other did not take a row lock within the wait: notes the
         * other as waiting in the program if it is inside its transfer, not in a statement, and not running.
         */
        synchronized void otherDidNotLock(int slot) {
            int other = 1 - slot;
            Thread t = threads[other];
            if (t == null || inTransfer.get(other) == 0 || inStatement.get(other) != 0) return;
            Thread.State st = t.getState();
            if (st != Thread.State.BLOCKED && st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) return;
            for (StackTraceElement f : t.getStackTrace()) {       // inside the driver or the pool: the database's wait
                String c = f.getClassName();
                if (c.startsWith("org.h2.") || c.startsWith("com.zaxxer.") || c.startsWith("java.sql.")) return;
            }
            if (t.getState() == st && inTransfer.get(other) == 1 && inStatement.get(other) == 0) outside[other] = true;
        }
    }

    private static String runTransfer(javax.sql.DataSource pool, Transfer transfer, int from, int to, int amount,
                                      CyclicBarrier firstLocks, AtomicInteger victims, Crossing crossing, int slot) {
        try (Connection real = pool.getConnection()) {
            real.setAutoCommit(false);
            String[] split = {null};
            Connection c = heldAfterFirstLock(real, firstLocks, victims, split, crossing, slot);
            try {
                crossing.inTransfer.set(slot, 1);
                try {
                    transfer.transfer(c, from, to, amount);
                } finally {
                    crossing.inTransfer.set(slot, 2);
                }
                if (split[0] != null) {
                    real.rollback();
                    return "split: " + split[0];
                }
                real.commit();
                return "committed";
            } catch (SQLException | RuntimeException e) {
                real.rollback();
                return describe(e);
            } finally {
                real.setAutoCommit(true);
            }
        } catch (SQLException e) {
            return describe(e);
        }
    }

    /** A transfer's outcome ({@link #runTransfer}, kept in English for the checks above) in the session's language. */
    private static String said(String outcome) {
        if (outcome == null) return "null";
        return switch (outcome) {
            case "committed" -> m("svc.tx.committed");
            case "rolled back as a deadlock victim" -> m("svc.tx.victim");
            case "rolled back: lock timeout" -> m("svc.tx.lock_timeout");
            case "outside" -> m("svc.tx.outside");
            default -> outcome.startsWith("split: ") ? m("svc.tx.split", outcome.substring("split: ".length()))
                    : outcome.startsWith("failed: ") ? m("svc.tx.failed", outcome.substring("failed: ".length())) : outcome;
        };
    }

    /** A hint or a message of the bundles ({@link conclab.text.Messages#hint}). */
    private static String m(String key, Object... args) {
        return conclab.text.Messages.hint(key, args);
    }

    /** Between two findings: {@code "; "}, in French with a no-break space before the semicolon. */
    private static String sep() {
        return conclab.text.Language.french() ? "\u00A0; " : "; ";
    }

    private static String stillSending() {
        return m("svc.retry.still", RETRY_LIMIT.toSeconds());
    }

    private static String describe(Exception e) {
        if (e instanceof SQLException s && ("40001".equals(s.getSQLState()) || String.valueOf(s.getMessage()).toLowerCase(Locale.ROOT).contains("deadlock"))) {
            return "rolled back as a deadlock victim";
        }
        if (e instanceof SQLException s && String.valueOf(s.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")) {
            return "rolled back: lock timeout";
        }
        return "failed: " + e;
    }

    /** {@code real}, whose statements wait at {@code barrier} after the transaction's first row lock. */
    private static Connection heldAfterFirstLock(Connection real, CyclicBarrier barrier, AtomicInteger victims, String[] split,
                                                 Crossing crossing, int slot) {
        boolean[] held = {false};
        return (Connection) Proxy.newProxyInstance(ServiceChecks.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, m, args) -> {
                    // the transfer's own commit, or autocommit switched on: its updates are no longer one transaction
                    if (m.getName().equals("commit")) split[0] = "commit()";
                    if (m.getName().equals("setAutoCommit") && args != null && Boolean.TRUE.equals(args[0])) split[0] = "setAutoCommit(true)";
                    Object r = invoke(real, m, args);
                    if (r instanceof Statement st && !(r instanceof java.sql.CallableStatement)) {
                        String prepared = (m.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) ? sql : null;
                        Class<?> type = r instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
                        return Proxy.newProxyInstance(ServiceChecks.class.getClassLoader(), new Class<?>[]{type}, (p2, m2, a2) -> {
                            Object out;
                            boolean executing = m2.getName().startsWith("execute");
                            if (executing) crossing.inStatement.set(slot, 1);
                            try {
                                out = invoke(st, m2, a2);
                            } catch (SQLException e) {
                                if ("40001".equals(e.getSQLState())) victims.incrementAndGet();
                                throw e;
                            } finally {
                                if (executing) crossing.inStatement.set(slot, 0);
                            }
                            if (m2.getName().startsWith("execute")) {
                                String sql = a2 != null && a2.length > 0 && a2[0] instanceof String s ? s : prepared;
                                if (!held[0] && locksRows(sql)) {
                                    held[0] = true;
                                    try {
                                        barrier.await(300, TimeUnit.MILLISECONDS);
                                    } catch (TimeoutException | BrokenBarrierException e) {
                                        // the other transaction waits for our lock (no deadlock to force), or
                                        // waits in the program, for a lock of its own, before taking any
                                        crossing.otherDidNotLock(slot);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            }
                            return out;
                        });
                    }
                    return r;
                });
    }

    private static boolean locksRows(String sql) {
        if (sql == null) return false;
        String s = sql.strip().toUpperCase(Locale.ROOT);
        return s.startsWith("UPDATE") || s.contains("FOR UPDATE") || s.startsWith("DELETE");
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
