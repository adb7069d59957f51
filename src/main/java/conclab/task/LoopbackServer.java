package conclab.task;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny TCP server on 127.0.0.1 that answers each request after a delay: real blocking network I/O
 * for experiments, without a network. Each request opens a connection, sends the wanted delay and
 * response size, and reads the response; the server serves every connection on its own virtual thread,
 * so it answers many requests at once.
 *
 * <pre>{@code
 * LoopbackServer.shared().request(Duration.ofMillis(50), 64);   // blocks ~50 ms, returns 64 bytes
 * try (var slow = LoopbackServer.start(Duration.ofMillis(200))) { slow.request(Duration.ZERO, 10); }
 * }</pre>
 *
 * <p>A server can also {@link #stalls(Duration, Duration) stall} now and then, as a process does in
 * a garbage-collection pause: the occasional slow moment that load tests exist to find.
 *
 * <p>The server counts the requests it is serving ({@link #inFlight()}) and the most it served at once
 * ({@link #peakInFlight()}): what a database would see of its clients. A request counts from the moment
 * its connection is served until just before its answer is sent, so a client that got its answer and
 * then lets another client in (say, by releasing a semaphore permit) never overlaps that client in the
 * count. With {@link #recordInto} the count is also recorded over time as the counter
 * {@code "requests in flight"}.
 *
 * <p>Thread-safe. Protocol: the client writes a long (delay in nanoseconds) and an int (response
 * bytes); the server sleeps its own latency plus that delay (and waits out a stall, if one is in
 * progress), writes the bytes and closes.
 */
public final class LoopbackServer implements AutoCloseable {

    private static final int BACKLOG = 4096;
    private static final int MAX_RESPONSE = 64 << 20;

    /** Holder of the shared server, started on first use (class initialisation is the lock). */
    private static final class Shared {
        static final LoopbackServer SERVER = start(Duration.ZERO).markShared();
    }

    private final ServerSocket socket;
    private final long latencyNanos;
    private final AtomicLong served = new AtomicLong();
    /** Requests being served now, and the most at once since start or the last {@link #resetPeak()}. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger(),
            peak = new java.util.concurrent.atomic.AtomicInteger();
    /** Where the in-flight count is recorded, or null. Volatile: set by any thread, read by the serving threads. */
    private volatile conclab.trace.Recorder recorder;
    /** True for the shared server, which close leaves running. Written before publication. */
    private boolean shared;
    /** Set by close; read by the accept loop. */
    private volatile boolean closed;
    /** The stall schedule, or null; set by stalls, read by every connection's thread. */
    private volatile Stalls stalls;

    /** Pauses of {@code lengthNanos} at the end of every {@code everyNanos} counted from {@code originNanos}. */
    private record Stalls(long originNanos, long everyNanos, long lengthNanos) {}

    private LoopbackServer(Duration latency) throws IOException {
        this.latencyNanos = latency.toNanos();
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        Thread.ofVirtual().name("loopback-server-" + socket.getLocalPort()).start(this::acceptLoop);
    }

    /** The server shared by {@link Work#io}, started on first use; its own latency is zero. */
    public static LoopbackServer shared() {
        return Shared.SERVER;
    }

    /** Starts a server whose every answer takes at least {@code latency}. Close it when done. */
    public static LoopbackServer start(Duration latency) {
        try {
            return new LoopbackServer(latency);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start loopback server", e);
        }
    }

    private LoopbackServer markShared() {
        shared = true;
        return this;
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return socket.getLocalPort();
    }

    /** The server's own latency. */
    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    /** Requests answered so far (counted as the answer is sent). */
    public long served() {
        return served.get();
    }

    /** Requests being served at this moment. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most requests served at once since the server started or since {@link #resetPeak()}. */
    public int peakInFlight() {
        return peak.get();
    }

    /** Starts a new peak from the requests in flight now; returns the peak so far. */
    public int resetPeak() {
        return peak.getAndSet(inFlight.get());
    }

    /**
     * Records the requests in flight as the counter {@code "requests in flight"} into {@code rec} after
     * every change, until another recorder (or null, to stop) is given; returns this.
     */
    public LoopbackServer recordInto(conclab.trace.Recorder rec) {
        synchronized (inFlight) {
            this.recorder = rec;
            if (rec != null) rec.counter("requests in flight", inFlight.get());
        }
        return this;
    }

    /**
     * Changes the count, and records it. Under a lock, so that each recorded value is stamped in the
     * order of the changes: a serving thread descheduled between the two steps would otherwise record a
     * stale count at a later time.
     */
    private void count(int delta) {
        synchronized (inFlight) {
            int n = inFlight.addAndGet(delta);
            if (delta > 0) peak.accumulateAndGet(n, Math::max);
            conclab.trace.Recorder r = recorder;
            if (r != null) r.counter("requests in flight", n);
        }
    }

    /**
     * Makes the server stall from now on, like a process in a garbage-collection pause: of every
     * {@code every} counted from this call, the last {@code length} is a pause in which no answer leaves
     * the server. An answer ready during a pause is sent when the pause ends. {@code length} zero
     * turns stalls off.
     *
     * <pre>{@code
     * var srv = LoopbackServer.start(Duration.ofMillis(1)).stalls(Duration.ofSeconds(1), Duration.ofMillis(200));
     * // answers take ~1 ms, except from 0.8 s to 1.0 s, 1.8 s to 2.0 s, ... after this call
     * }</pre>
     *
     * @return this server
     * @throws IllegalArgumentException if {@code every} is not positive or {@code length} is negative
     *                                  or longer than {@code every}
     */
    public LoopbackServer stalls(Duration every, Duration length) {
        long e = every.toNanos(), l = length.toNanos();
        if (e <= 0 || l < 0 || l > e) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.stall", length, every));
        if (shared && l > 0) throw new IllegalStateException("the shared server does not stall; start one of your own");
        stalls = l == 0 ? null : new Stalls(System.nanoTime(), e, l);
        return this;
    }

    /**
     * When a pause of {@code length} at the end of every {@code every} since {@code origin} is in
     * progress at {@code now}, the time it ends; otherwise {@code now}. All in nanoseconds.
     */
    static long pauseEnd(long origin, long every, long length, long now) {
        long since = now - origin;
        if (since < 0) return now;
        long inPeriod = since % every;
        return inPeriod >= every - length ? now + (every - inPeriod) : now;
    }

    /**
     * Sends one request and blocks until the answer is read: the server's latency plus {@code delay},
     * then {@code responseBytes} bytes.
     */
    public byte[] request(Duration delay, int responseBytes) throws IOException {
        return request(port(), delay, responseBytes);
    }

    /** The client side of the protocol, to any server on 127.0.0.1 that speaks it ({@link EventLoopServer} too). */
    static byte[] request(int port, Duration delay, int responseBytes) throws IOException {
        if (responseBytes < 0 || responseBytes > MAX_RESPONSE) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.response_size"));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(delay.toNanos());
            out.writeInt(responseBytes);
            out.flush();
            return new DataInputStream(s.getInputStream()).readNBytes(responseBytes);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket c = socket.accept();
                Thread.ofVirtual().start(() -> serve(c));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Socket c) {
        boolean counted = false;
        try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
            count(+1);
            counted = true;
            DataInputStream din = new DataInputStream(in);
            long delay = din.readLong();
            int n = din.readInt();
            long total = latencyNanos + Math.max(0, delay);
            if (total > 0) Thread.sleep(Duration.ofNanos(total));
            Stalls st = stalls;
            if (st != null) {
                long now = System.nanoTime(), end = pauseEnd(st.originNanos(), st.everyNanos(), st.lengthNanos(), now);
                if (end > now) Thread.sleep(Duration.ofNanos(end - now));
            }
            byte[] buf = new byte[Math.min(Math.max(n, 0), MAX_RESPONSE)];
            for (int i = 0; i < buf.length; i++) buf[i] = (byte) i;
            served.incrementAndGet(); // before the answer, so a client that got it sees the count
            counted = false;
            count(-1);                // likewise: a client that got its answer is no longer in flight
            out.write(buf);
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the client went away or the server closes: nothing to answer
        } finally {
            if (counted) count(-1);
        }
    }

    /** Stops accepting; requests in progress finish. The shared server is never closed. */
    @Override
    public void close() throws IOException {
        if (shared) return;
        closed = true;
        socket.close();
    }

    @Override
    public String toString() {
        Stalls st = stalls;
        return "LoopbackServer[127.0.0.1:" + port() + ", latency " + conclab.trace.Format.millis(latencyNanos)
                + (st == null ? "" : ", stalls " + conclab.trace.Format.millis(st.lengthNanos()) + " every "
                        + conclab.trace.Format.millis(st.everyNanos())) + "]";
    }
}
