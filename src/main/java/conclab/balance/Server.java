package conclab.balance;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server of a {@link Cluster}: a fixed number of worker threads of its own and an unbounded queue in
 * front of them, so its capacity is real and requests wait at the server when it is busy. A request
 * takes the server's service time divided by its {@link #speed()}, ±50 % at random (a wait, like a
 * remote server's, so the servers do not compete for the client's cores).
 *
 * <p>Lifecycle: up → {@link #kill() dead} (it refuses new requests at once, like a closed port, and fails
 * those still queued) → {@link #revive() up}; {@link #close()} (by the cluster) stops its threads for
 * good. Speed and state are volatile: a change is seen by the next request.
 */
public final class Server {

    private final String name;
    private final long serviceNanos;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger inside = new AtomicInteger();   // queued + running: the server's own count
    private volatile double speed;
    private volatile boolean alive = true;

    Server(String name, int workers, Duration service, double speed) {
        this.name = name;
        this.serviceNanos = service.toNanos();
        speed(speed);
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().daemon().name(name + " worker " + n.incrementAndGet()).unstarted(r));
        this.workers.prestartAllCoreThreads();
    }

    /** Its name, "server 0" … */
    public String name() { return name; }

    /** Its speed: 1 is the cluster's service time, 0.5 twice as slow. */
    public double speed() { return speed; }

    /** Changes its speed from the next request on; returns this server. */
    public Server speed(double speed) {
        if (!(speed > 0)) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.speed_positive"));
        this.speed = speed;
        return this;
    }

    /** Kills it: from now on it refuses requests at once, and fails those still waiting in its queue. */
    public Server kill() { alive = false; return this; }

    /** Brings it back up. */
    public Server revive() { alive = true; return this; }

    /** Whether it is up. */
    public boolean alive() { return alive; }

    /** A health check: answers true at once when up; a dead server does not answer (false). */
    public boolean ping() { return alive; }

    /** Requests inside the server now, waiting in its queue or being served: the server's own count. */
    public int inside() { return inside.get(); }

    /** Handles one request: completes when answered, or exceptionally (refused) when the server is dead. */
    CompletableFuture<Void> handle() {
        var answer = new CompletableFuture<Void>();
        if (!alive) {
            answer.completeExceptionally(new ConnectException("connection refused: " + name + " is down"));
            return answer;
        }
        inside.incrementAndGet();
        try {
            workers.execute(() -> {
                try {
                    if (!alive) throw new ConnectException("connection reset: " + name + " went down");
                    double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
                    Thread.sleep(Duration.ofNanos((long) (serviceNanos * jitter / speed)));
                    answer.complete(null);
                } catch (Throwable t) {
                    answer.completeExceptionally(t);
                } finally {
                    inside.decrementAndGet();
                }
            });
        } catch (RuntimeException closed) {
            inside.decrementAndGet();
            answer.completeExceptionally(closed);
        }
        return answer;
    }

    void close() {
        workers.shutdownNow();
    }

    @Override
    public String toString() {
        return name + (alive ? "" : " (dead)") + ", speed " + speed;
    }
}
