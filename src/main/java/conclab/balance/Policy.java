package conclab.balance;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load-balancing policy: which server gets the next request. The balancer calls {@link #pick} for
 * every request, from many threads at once, and only when at least one server is {@link Servers#up up};
 * {@code pick} returns the index of a server that is up, after claiming it exactly once with
 * {@link Servers#claim} or {@link Servers#claimIf} (the balancer counts the answer).
 *
 * <pre>{@code
 * Policy first = s -> { s.claim(0); return 0; };        // everything to server 0 (a bad policy)
 * cluster.load(Policy.leastOutstanding(), 800, Duration.ofMillis(600)).run();
 * }</pre>
 */
@FunctionalInterface
public interface Policy {

    /** The server for the next request, claimed. */
    int pick(Servers servers);

    /** The name tables and charts show: the class's simple name, or "your policy" for a lambda. */
    default String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() || n.contains("$$") || n.contains("Lambda") ? "your policy" : n;
    }

    /** Any server that is up, each as likely. */
    static Policy random() {
        return named("random", s -> {
            while (true) {
                int i = s.random(s.size());
                if (s.up(i)) { s.claim(i); return i; }
            }
        });
    }

    /** The servers in turn, skipping those that are down. */
    static Policy roundRobin() {
        var next = new AtomicInteger();
        return named("round-robin", s -> {
            while (true) {
                int i = Math.floorMod(next.getAndIncrement(), s.size());
                if (s.up(i)) { s.claim(i); return i; }
            }
        });
    }

    /**
     * The server with the fewest outstanding requests (the first of them on a tie), claimed with a
     * compare-and-set so that two requests picking at once never both take the same idle server.
     */
    static Policy leastOutstanding() {
        return named("least outstanding", s -> {
            while (true) {
                int best = -1, least = Integer.MAX_VALUE;
                for (int i = 0; i < s.size(); i++) {
                    int n = s.outstanding(i);
                    if (s.up(i) && n < least) { best = i; least = n; }
                }
                if (s.claimIf(best, least)) return best;
            }
        });
    }

    /**
     * Power of two random choices: two different servers at random (among those up), and the one with
     * fewer outstanding requests; almost as good as least outstanding, with two reads instead of all.
     */
    static Policy powerOfTwo() {
        return named("power of two", s -> {
            while (true) {
                int a = s.random(s.size());
                if (!s.up(a)) continue;
                int b = a;
                for (int tries = 0; b == a && tries < 4 * s.size(); tries++) {
                    int r = s.random(s.size());
                    if (r != a && s.up(r)) b = r;
                }
                int na = s.outstanding(a), nb = s.outstanding(b);
                int best = nb < na ? b : a;
                if (s.claimIf(best, Math.min(na, nb))) return best;
            }
        });
    }

    /** {@code policy} under {@code name}. */
    static Policy named(String name, Policy policy) {
        return new Policy() {
            @Override public int pick(Servers servers) { return policy.pick(servers); }
            @Override public String name() { return name; }
            @Override public String toString() { return name; }
        };
    }
}
