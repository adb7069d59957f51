package conclab.balance;

/**
 * What a {@link Policy} sees of the servers it balances over: how many there are, which ones the last
 * health check found up, how many requests each has outstanding, and the way to claim one. Every
 * method may be called by many threads at once.
 *
 * <p>{@link #outstanding(int)} counts the requests this balancer sent to a server that have not yet
 * been answered: a {@link #claim} adds one, the answer (or the failure) takes it away again.
 */
public interface Servers {

    /** How many servers (indices 0 to size() − 1). */
    int size();

    /** Whether the last health check found server {@code i} up; always true without health checks. */
    boolean up(int i);

    /** Requests sent to server {@code i} and not answered yet (this balancer's count). */
    int outstanding(int i);

    /** Counts one more request on server {@code i}, whatever its count is now. */
    void claim(int i);

    /**
     * Counts one more request on server {@code i} only if it still has {@code seen} outstanding (a
     * compare-and-set): false, and nothing counted, when another request changed its count meanwhile.
     */
    boolean claimIf(int i, int seen);

    /** A random index in [0, bound). */
    int random(int bound);
}
