package conclab.services;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

class ServicesTest {

    static HttpResponse<String> get(HttpClient c, URI u) throws Exception {
        return c.send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_service_answers_fails_as_told_and_logs() throws Exception {
        try (var svc = HttpTestService.start(Duration.ofMillis(1)); var c = HttpClient.newHttpClient()) {
            assertEquals(200, get(c, svc.uri("/a")).statusCode());
            svc.failNext(2);
            assertEquals(503, get(c, svc.uri("/a")).statusCode());
            assertEquals(503, get(c, svc.uri("/a")).statusCode());
            assertEquals(200, get(c, svc.uri("/a")).statusCode());
            assertEquals(4, svc.count());
            assertEquals(2, svc.count(503));
            var withBudget = HttpRequest.newBuilder(svc.uri("/b?ms=200")).header(HttpTestService.BUDGET_HEADER, "50").build();
            assertEquals(504, c.send(withBudget, HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(50, svc.requests().getLast().budgetMs());
            svc.reset();
            assertEquals(0, svc.count());
            var trace = svc.perBucket("t", Duration.ofMillis(10));
            assertFalse(trace.counters().isEmpty());
            assertEquals(HttpTestService.bucketName(Duration.ofMillis(10)), trace.counters().getFirst().name());
        }
    }

    @Test
    void over_capacity_answers_503_at_once() throws Exception {
        try (var svc = HttpTestService.start(Duration.ofMillis(300)).capacity(1);
             var c = HttpClient.newHttpClient()) {
            var first = c.sendAsync(HttpRequest.newBuilder(svc.uri("/x")).build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (svc.inProgress() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
            int status = get(c, svc.uri("/y")).statusCode();
            assertEquals(503, status);
            assertEquals(200, first.get().statusCode());
        }
    }

    @Test
    void retry_sends_an_idempotent_request_again_and_a_post_once() throws Exception {
        try (var svc = HttpTestService.start(Duration.ZERO); var c = HttpClient.newHttpClient()) {
            svc.failNext(2);
            var r = Retry.send(c, HttpRequest.newBuilder(svc.uri("/a")).build(), 5, Retry.fullJitter(Duration.ofMillis(1), Duration.ofMillis(10)));
            assertEquals(200, r.statusCode());
            assertEquals(3, svc.count());
            assertEquals(java.util.List.of(1, 2, 3), svc.requests().stream().map(HttpTestService.Request::attempt).toList());
            assertEquals(2, (int) svc.retriesPerBucket("r", Duration.ofSeconds(10)).counters().getFirst().value());
            svc.reset().failNext(2);
            var p = Retry.send(c, HttpRequest.newBuilder(svc.uri("/a")).POST(HttpRequest.BodyPublishers.noBody()).build(), 5,
                    Retry.noJitter(Duration.ofMillis(1), Duration.ofMillis(10)));
            assertEquals(503, p.statusCode());
            assertEquals(1, svc.count());
        }
    }

    @Test
    void backoff_policies() {
        var none = Retry.noJitter(Duration.ofMillis(50), Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(50), none.apply(1));
        assertEquals(Duration.ofMillis(400), none.apply(4));
        assertEquals(Duration.ofSeconds(2), none.apply(20));
        var full = Retry.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(2));
        for (int i = 0; i < 1000; i++) {
            long v = full.apply(3).toMillis();
            assertTrue(v >= 0 && v <= 200);
        }
    }

    @Test
    void the_backoff_check_rejects_no_jitter_and_jitter_that_never_grows() {
        Duration base = Duration.ofMillis(50), cap = Duration.ofSeconds(2);
        assertTrue(ServiceChecks.backoff(Retry.fullJitter(base, cap), base, cap).ok());
        var none = ServiceChecks.backoff(Retry.noJitter(base, cap), base, cap);
        assertFalse(none.jitter());
        assertTrue(none.grows());
        var flat = ServiceChecks.backoff(a -> Duration.ofMillis(ThreadLocalRandom.current().nextLong(50)), base, cap);
        assertTrue(flat.jitter());
        assertFalse(flat.grows());
        var uncapped = ServiceChecks.backoff(a -> Duration.ofNanos(ThreadLocalRandom.current().nextLong(base.toNanos() << (a - 1))), base, cap);
        assertFalse(uncapped.capped());
    }

    @Test
    void the_retry_check_rejects_retrying_a_post_and_not_retrying() {
        var right = ServiceChecks.retries((c, r) -> Retry.send(c, r, 5, Retry.fullJitter(Duration.ofMillis(2), Duration.ofMillis(20))), 5);
        assertTrue(right.ok(), right.detail());
        var everything = ServiceChecks.retries((c, r) -> {
            HttpResponse<String> last = null;
            for (int i = 0; i < 5; i++) {
                last = c.send(r, HttpResponse.BodyHandlers.ofString());
                if (last.statusCode() == 200) break;
            }
            return last;
        }, 5);
        assertFalse(everything.postOnce(), everything.detail());
        var never = ServiceChecks.retries((c, r) -> c.send(r, HttpResponse.BodyHandlers.ofString()), 5);
        assertFalse(never.retriesGet());
        var only503 = ServiceChecks.retries((c, r) -> {   // an IOException of a GET goes straight back
            for (int attempt = 1; ; attempt++) {
                var answer = c.send(r, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 503 || r.method().equals("POST") || attempt == 5) return answer;
            }
        }, 5);
        assertFalse(only503.retriesGet(), only503.detail());
        assertTrue(only503.postOnce() && only503.givesUp(), only503.detail());
        var lostPostAgain = ServiceChecks.retries((c, r) -> {   // an IOException retried whatever the method
            for (int attempt = 1; ; attempt++) {
                try {
                    var answer = c.send(r, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() != 503 || r.method().equals("POST") || attempt == 5) return answer;
                } catch (java.io.IOException e) {
                    if (attempt == 5) throw e;
                }
            }
        }, 5);
        assertTrue(lostPostAgain.retriesGet(), lostPostAgain.detail());
        assertFalse(lostPostAgain.postOnce(), lostPostAgain.detail());
    }

    @Test
    void the_deadline_check_wants_the_time_left_as_timeout_and_header() {
        ServiceChecks.RequestWithin right = (uri, deadline) -> {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) throw new HttpTimeoutException("deadline passed");
            return HttpRequest.newBuilder(uri).timeout(left).header(HttpTestService.BUDGET_HEADER, Long.toString(left.toMillis())).build();
        };
        assertTrue(ServiceChecks.deadline(right).ok(), ServiceChecks.deadline(right).detail());
        ServiceChecks.RequestWithin fixed = (uri, deadline) -> HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build();
        var f = ServiceChecks.deadline(fixed);
        assertFalse(f.timeout());
        assertFalse(f.budgetSent());
        assertFalse(f.pastRefused());
    }

    @Test
    void the_circuit_breaker_opens_after_failures_and_lets_a_trial_through_after_its_cool_down() throws Exception {
        var b = new CircuitBreaker("t", 2, Duration.ofMillis(100));
        for (int i = 0; i < 2; i++) assertThrows(IllegalStateException.class, () -> b.call(() -> { throw new IllegalStateException(); }));
        assertEquals(CircuitBreaker.State.OPEN, b.state());
        assertThrows(CircuitBreaker.OpenException.class, () -> b.call(() -> 1));
        assertEquals(1, b.rejected());
        long until = System.nanoTime() + 5_000_000_000L;
        while (b.state() != CircuitBreaker.State.HALF_OPEN && System.nanoTime() < until) Thread.sleep(10);
        assertEquals(7, b.call(() -> 7));
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        assertEquals(503, (int) b.call(() -> 503, s -> s == 503));
        assertEquals(503, (int) b.call(() -> 503, s -> s == 503));
        assertEquals(CircuitBreaker.State.OPEN, b.state());
    }
}
