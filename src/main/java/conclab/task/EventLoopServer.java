package conclab.task;

import conclab.trace.Recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server on 127.0.0.1 that serves every connection from <em>one</em> thread: an event loop on a
 * NIO {@link Selector} with a queue of timers, the same machine as Python's asyncio loop. It speaks
 * the protocol of {@link LoopbackServer} (the client sends a delay and a response size, the server
 * answers after its latency plus that delay), so the two can be compared request for request.
 *
 * <pre>{@code
 * try (var loop = EventLoopServer.start(Duration.ofMillis(100))) {
 *     loop.request(Duration.ZERO, 64);          // blocks this client ~100 ms; the loop never blocks
 * }
 * }</pre>
 *
 * <p>One turn of the loop:
 * <ol>
 *   <li>wait in {@link Selector#select(long)} until a channel is ready or the earliest timer is due;
 *   <li>accept new connections; read request bytes as they arrive; when a request is complete, add a
 *       timer for its answer (nothing sleeps: a waiting request is an entry in a priority queue);
 *   <li>for each timer that is due, write the answer, as much as the socket takes, and ask the selector
 *       to say when the rest can be written; close the connection when all is written.
 * </ol>
 * Nothing in the loop blocks, so one thread holds thousands of open connections; a callback that
 * computed or blocked would stall every connection at once (as a blocking call in a coroutine stalls
 * asyncio).
 *
 * <p>Thread-safe: {@link #request}, the getters and {@link #close} may be called from any thread. The
 * loop thread alone touches the selector's keys, the connections and the timers.
 */
public final class EventLoopServer implements AutoCloseable {

    /*
     * Implementation overview. The loop thread owns the Selector, every Conn and the timer queue;
     * other threads only read the volatile figures, set the recorder, and close (which sets `closed`,
     * wakes the selector and joins the loop thread, which then closes every channel it owns).
     */

    private static final int REQUEST_BYTES = Long.BYTES + Integer.BYTES;
    private static final int MAX_RESPONSE = 64 << 20;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final long latencyNanos;
    private final Thread thread;
    private final AtomicLong served = new AtomicLong();
    /** Connections open now and at most; written by the loop thread only, volatile for readers. */
    private volatile int open, peak;
    /** Where the loop records the counter "open connections", or null. */
    private volatile Recorder recorder;
    /** Set by close; read by the loop. */
    private volatile boolean closed;

    /** One client connection; loop thread only. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer request = ByteBuffer.allocate(REQUEST_BYTES);
        ByteBuffer response;
        long due;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private EventLoopServer(Duration latency) throws IOException {
        this.latencyNanos = latency.toNanos();
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = Thread.ofPlatform().daemon().name("event-loop-" + port()).unstarted(this::loop);
        thread.start();
    }

    /** Starts a server whose every answer takes at least {@code latency}. Close it when done. */
    public static EventLoopServer start(Duration latency) {
        try {
            return new EventLoopServer(latency);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the event loop server", e);
        }
    }

    /** Records the counter {@code "open connections"} into {@code recorder} at each change (null: stop). */
    public EventLoopServer recordInto(Recorder recorder) {
        this.recorder = recorder;
        return this;
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return server.socket().getLocalPort();
    }

    /** The one thread that serves every connection. */
    public Thread thread() {
        return thread;
    }

    /** Requests answered so far. */
    public long served() {
        return served.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open;
    }

    /** The most connections that were open at once. */
    public int peakConnections() {
        return peak;
    }

    /**
     * Sends one request and blocks the calling thread until the answer is read: this server's latency
     * plus {@code delay}, then {@code responseBytes} bytes.
     */
    public byte[] request(Duration delay, int responseBytes) throws IOException {
        return LoopbackServer.request(port(), delay, responseBytes);
    }

    // ------------------------------------------------------------------ the loop

    private void loop() {
        PriorityQueue<Conn> timers = new PriorityQueue<>(Comparator.comparingLong((Conn c) -> c.due));
        try {
            while (!closed) {
                long now = System.nanoTime();
                long waitMillis = timers.isEmpty() ? 0 : Math.max(1, (timers.peek().due - now + 999_999) / 1_000_000);
                selector.select(waitMillis); // 0: until a channel is ready or wakeup()
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) continue;
                    if (key.isAcceptable()) accept();
                    else if (key.isReadable()) read(key, timers);
                    else if (key.isWritable()) write(key);
                }
                now = System.nanoTime();
                while (!timers.isEmpty() && timers.peek().due <= now) answer(timers.poll());
            }
        } catch (IOException e) {
            if (!closed) throw new UncheckedIOException(e);
        } finally {
            for (SelectionKey key : selector.keys()) closeQuietly(key.channel());
            closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            ch.register(selector, SelectionKey.OP_READ, new Conn(ch));
            opened(+1);
        }
    }

    private void read(SelectionKey key, PriorityQueue<Conn> timers) {
        Conn c = (Conn) key.attachment();
        try {
            if (c.channel.read(c.request) < 0) {
                drop(key);
                return;
            }
        } catch (IOException e) {
            drop(key);
            return;
        }
        if (c.request.hasRemaining()) return;   // the rest of the request is still on its way
        c.request.flip();
        long delay = Math.max(0, c.request.getLong());
        int n = Math.min(Math.max(0, c.request.getInt()), MAX_RESPONSE);
        byte[] body = new byte[n];
        for (int i = 0; i < n; i++) body[i] = (byte) i;
        c.response = ByteBuffer.wrap(body);
        c.due = System.nanoTime() + latencyNanos + delay;
        key.interestOps(0);                       // nothing to read now: wait for the timer
        timers.add(c);
    }

    private void answer(Conn c) {
        SelectionKey key = c.channel.keyFor(selector);
        if (key == null || !key.isValid()) return;
        served.incrementAndGet(); // before the answer, so a client that got it sees the count
        write(key);
    }

    private void write(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            c.channel.write(c.response);
        } catch (IOException e) {
            drop(key);
            return;
        }
        if (c.response.hasRemaining()) key.interestOps(SelectionKey.OP_WRITE); // say when it can take more
        else drop(key);
    }

    private void drop(SelectionKey key) {
        key.cancel();
        closeQuietly(key.channel());
        opened(-1);
    }

    private void opened(int delta) {
        int n = open + delta; // loop thread only writes
        open = n;
        if (n > peak) peak = n;
        Recorder r = recorder;
        if (r != null) r.counter("open connections", n);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** Stops the loop, closes every connection (clients still waiting read a short answer) and waits for the loop thread. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        selector.wakeup();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        closeQuietly(server);
        if (interrupted) Thread.currentThread().interrupt();
    }

    @Override
    public String toString() {
        return "EventLoopServer[127.0.0.1:" + port() + ", one thread, latency "
                + conclab.trace.Format.millis(latencyNanos) + "]";
    }
}
