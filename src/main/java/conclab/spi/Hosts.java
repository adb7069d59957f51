package conclab.spi;

import java.util.Objects;

/**
 * Holds the one {@link Host} of this JVM. The kernel installs its host once at start-up; everywhere
 * else (JShell, plain Java, tests) the {@link PlainHost} serves.
 */
public final class Hosts {

    /* Written once by install (a volatile write publishes the fully built host), read by every thread. */
    private static volatile Host current = new PlainHost();

    private Hosts() {}

    /** The host of this JVM. */
    public static Host current() {
        return current;
    }

    /**
     * Installs the host of this JVM. Called once by the kernel before any cell runs.
     *
     * @throws IllegalStateException when a host other than the plain one is already installed
     */
    public static synchronized void install(Host host) {
        Objects.requireNonNull(host, "host");
        if (!(current instanceof PlainHost) && current != host) {
            throw new IllegalStateException("a host is already installed: " + current);
        }
        current = host;
    }
}
