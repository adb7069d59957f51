package conclab.services;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * Retries of HTTP calls, the loop the lesson has the learner write first: an idempotent request
 * ({@code GET}, {@code HEAD}, {@code PUT}, {@code DELETE}, {@code OPTIONS}) that fails with 503 or an
 * {@link IOException} is sent again after {@code backoff.apply(attempt)}, at most {@code attempts} times in
 * all; anything else is answered with the first reply. A retry carries the header
 * {@value HttpTestService#ATTEMPT_HEADER} (2, 3, ...), so that a service can tell retries from first tries. Back-off policies: {@link #noJitter} and
 * {@link #fullJitter}.
 */
public final class Retry {

    private Retry() {}

    /** The methods that may be sent twice without doing twice what they do (RFC 9110, 9.2.2). */
    public static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

    /**
     * Sends {@code request}, retrying as said above; returns the last response.
     *
     * @throws IOException the last attempt's, when every attempt failed that way
     */
    public static HttpResponse<String> send(HttpClient client, HttpRequest request, int attempts,
                                            IntFunction<Duration> backoff) throws IOException, InterruptedException {
        boolean retryable = IDEMPOTENT.contains(request.method());
        for (int attempt = 1; ; attempt++) {
            try {
                HttpRequest sent = attempt == 1 ? request : HttpRequest.newBuilder(request, (name, value) -> true)
                        .setHeader(HttpTestService.ATTEMPT_HEADER, Integer.toString(attempt)).build();
                HttpResponse<String> r = client.send(sent, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 503 || !retryable || attempt >= attempts) return r;
            } catch (IOException e) {
                if (!retryable || attempt >= attempts) throw e;
            }
            Thread.sleep(backoff.apply(attempt));
        }
    }

    /** {@code base × 2^(attempt-1)}, at most {@code cap}: every client waits exactly as long as the others. */
    public static IntFunction<Duration> noJitter(Duration base, Duration cap) {
        return attempt -> ceiling(base, cap, attempt);
    }

    /** A random time between 0 and {@code base × 2^(attempt-1)} (at most {@code cap}): "full jitter". */
    public static IntFunction<Duration> fullJitter(Duration base, Duration cap) {
        return attempt -> Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling(base, cap, attempt).toNanos() + 1));
    }

    static Duration ceiling(Duration base, Duration cap, int attempt) {
        int shift = Math.min(30, Math.max(0, attempt - 1));
        long nanos = base.toNanos() << shift;
        return nanos < 0 || nanos > cap.toNanos() ? cap : Duration.ofNanos(nanos);
    }
}
