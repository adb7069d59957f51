package conclab.kernel.wire;

import conclab.kernel.Lifeline;
import conclab.kernel.Log;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The kernel's ZeroMQ sockets and the threads that own them.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@code hb}: echoes heartbeats (a ROUTER proxied to itself), nothing else.</li>
 *   <li>{@code control}: owns its ROUTER socket, blocks in a receive, decodes and verifies a message, and
 *       runs its handler; replies are sent on that same thread.</li>
 *   <li>{@code shell-io}: owns the shell ROUTER socket. It decodes and verifies each message at once; a
 *       message the {@code prompt} test picks (the comm messages of the front end) goes to the prompt
 *       handler straight away, even while a cell runs; every other one is queued, in order, for
 *       {@code shell}. It also writes the replies {@code shell} sends (through an inproc PAIR socket), so
 *       replies keep the order in which {@code shell} produced them.</li>
 *   <li>{@code shell}: takes the queued requests one at a time and runs their handlers; its
 *       {@link Channel} sends through {@code shell-io}.</li>
 *   <li>{@code iopub}: the only thread that touches the PUB socket; others {@link #publish} into a queue.</li>
 *   <li>{@code stdin}: its ROUTER is used by whichever thread holds {@link #stdinLock()} (the running cell).</li>
 * </ul>
 * A bad message is logged and dropped; no {@code Throwable} ends a loop. Receives block: no polling
 * with sleeps anywhere.
 */
public final class Transport implements AutoCloseable {

    /**
     * One ROUTER channel; its socket may only be used by the thread that owns it. The shell channel is
     * split: its socket belongs to the {@code shell-io} thread, which fills {@link #queue}; the
     * {@code shell} thread reads the queue and sends through {@link #out}, a PAIR socket of its own.
     */
    public final class Channel {
        private final String name;
        private final ZMQ.Socket socket;
        /* Split channel only: requests decoded by the I/O thread (bounded: a flood waits in the socket). */
        private final BlockingQueue<Message> queue;
        /* Split channel only: the handler thread's end of the reply pipe; used by that thread alone. */
        private ZMQ.Socket out;

        Channel(String name, ZMQ.Socket socket, boolean split) {
            this.name = name;
            this.socket = socket;
            this.queue = split ? new LinkedBlockingQueue<>(1000) : null;
        }

        public String name() {
            return name;
        }

        /** Sends {@code m}; call only on this channel's (handler) thread. */
        public void send(Message m) {
            sendFrames(queue != null ? out : socket, codec.encode(m));
        }

        /** The next valid message without blocking, or null when none is waiting. */
        public Message poll() {
            if (queue != null) return queue.poll();
            while (true) {
                ZMsg msg = ZMsg.recvMsg(socket, ZMQ.DONTWAIT);
                if (msg == null) return null;
                Message m = decode(name, msg);
                if (m != null) return m;
            }
        }

        /** The next valid message, waiting at most {@code millis}; null on time-out. */
        public Message receive(long millis) {
            if (queue != null) {
                try {
                    return queue.poll(millis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try (ZMQ.Poller poller = context.createPoller(1)) {
                poller.register(socket, ZMQ.Poller.POLLIN);
                while (true) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) return null;
                    if (poller.poll(left) > 0) {
                        Message m = poll();
                        if (m != null) return m;
                    }
                }
            }
        }
    }

    private final ZContext context = new ZContext(1);
    private final ConnectionInfo info;
    private Codec codec;   // set once by useCodec, after bind and before any message; published by Thread.start
    private final Log log;
    private final Lifeline lifeline;
    private final BlockingQueue<Object> iopubQueue = new LinkedBlockingQueue<>();   // frames, or a fence latch
    private final Object stdinLock = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private Channel shell, control, stdin;
    private ZMQ.Socket iopub, hb;
    /* The shell I/O thread's end of the reply pipe (see Channel). */
    private ZMQ.Socket replies;
    private static final String REPLIES = "inproc://conclab-shell-replies";

    /**
     * A transport for {@code info}'s ports. Its sockets are bound by {@link #bind} before the message
     * codec exists (the codec's cryptography takes the longest to start), then {@link #useCodec} is called
     * before anything is sent, received or published.
     */
    public Transport(ConnectionInfo info, Log log, Lifeline lifeline) {
        this.info = info;
        this.log = log;
        this.lifeline = lifeline;
        // a JeroMQ thread that dies (out of memory) leaves a kernel that cannot answer: end it instead
        context.setUncaughtExceptionHandler(lifeline::threadDied);
        context.setNotificationExceptionHandler(lifeline::threadDied);
    }

    /**
     * A port of the connection file that another process holds. Jupyter chose the port by binding it,
     * reading its number and closing it again; until this kernel binds it, anything else on the machine
     * may take it (another student's kernel, chosen by another server's jupyter_client, most often).
     */
    public static final class PortTaken extends RuntimeException {
        private final String channel;
        private final int port;

        PortTaken(String channel, int port, String endpoint) {
            super("the " + channel + " channel cannot bind " + endpoint + ": the address is already in use");
            this.channel = channel;
            this.port = port;
        }

        public String channel() {
            return channel;
        }

        public int port() {
            return port;
        }
    }

    /**
     * Binds every socket, in the order of the connection file's ports, and returns the ports bound.
     * A port another process holds throws {@link PortTaken}, unless {@code moveWhenTaken}: then that
     * channel binds a free port the system picks, and the caller must tell Jupyter (the kernel's
     * port handshake, see {@code conclab.kernel.Kernel}).
     */
    public ConnectionInfo bind(long maxMessageBytes, boolean moveWhenTaken) {
        context.setLinger(200);
        // receive queues are bounded, so a flood of (large) messages cannot fill the heap; stdin is only
        // read while a cell waits for input, so it keeps very little and small messages only
        ZMQ.Socket shellSocket = router(maxMessageBytes, 200);
        int shellPort = bindTo(shellSocket, "shell", info.shellPort(), moveWhenTaken);
        ZMQ.Socket controlSocket = router(maxMessageBytes, 200);
        int controlPort = bindTo(controlSocket, "control", info.controlPort(), moveWhenTaken);
        ZMQ.Socket stdinSocket = router(1 << 20, 4);
        int stdinPort = bindTo(stdinSocket, "stdin", info.stdinPort(), moveWhenTaken);
        iopub = context.createSocket(SocketType.PUB);
        iopub.setSndHWM(0);
        int iopubPort = bindTo(iopub, "iopub", info.iopubPort(), moveWhenTaken);
        hb = context.createSocket(SocketType.ROUTER);
        int hbPort = bindTo(hb, "heartbeat", info.hbPort(), moveWhenTaken);
        shell = new Channel("shell", shellSocket, true);
        control = new Channel("control", controlSocket, false);
        stdin = new Channel("stdin", stdinSocket, false);
        // the shell's replies go out through its I/O thread (see Channel): an in-process pipe, no port
        replies = context.createSocket(SocketType.PAIR);
        replies.setRcvHWM(0);
        replies.bind(REPLIES);
        shell.out = context.createSocket(SocketType.PAIR);
        shell.out.setSndHWM(0);
        shell.out.connect(REPLIES);
        return new ConnectionInfo(info.transport(), info.ip(), shellPort, controlPort, stdinPort, iopubPort, hbPort,
                info.signatureScheme(), info.key());
    }

    private ZMQ.Socket router(long max, int queue) {
        ZMQ.Socket s = context.createSocket(SocketType.ROUTER);
        s.setMaxMsgSize(max);
        s.setRcvHWM(queue);
        s.setRouterHandover(true);
        return s;
    }

    private int bindTo(ZMQ.Socket s, String channel, int port, boolean moveWhenTaken) {
        String endpoint = info.endpoint(port);
        try {
            s.bind(endpoint);
            return port;
        } catch (ZMQException e) {
            if (e.getErrorCode() != zmq.ZError.EADDRINUSE) throw e;
            if (!moveWhenTaken) throw new PortTaken(channel, port, endpoint);
        }
        s.bind(endpoint.substring(0, endpoint.lastIndexOf(':')) + ":*");   // a free port, chosen by the system
        String bound = s.getLastEndpoint();
        int moved = Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1));
        log.warn("the " + channel + " port " + port + " was taken by another process; bound " + moved
                + " instead and told Jupyter through the port handshake");
        return moved;
    }

    /** The codec that signs and checks every message; called once, after {@link #bind}, before anything else. */
    public void useCodec(Codec codec) {
        if (this.codec != null) throw new IllegalStateException("the codec is set once");
        this.codec = codec;
    }

    /**
     * Starts the heartbeat, iopub, shell and control threads. A shell message for which {@code prompt} is
     * true is given to {@code promptHandler} on the shell I/O thread as soon as it arrives (the handler
     * must not block); every other one is handled by {@code shellHandler}, in order, one at a time.
     */
    public void start(BiConsumer<Channel, Message> shellHandler, BiConsumer<Channel, Message> controlHandler,
                      java.util.function.Predicate<Message> prompt, java.util.function.Consumer<Message> promptHandler) {
        thread("conclab-hb", () -> {
            try {
                ZMQ.proxy(hb, hb, null);
            } catch (RuntimeException e) {
                if (!closing) log.error("heartbeat stopped", e);
            }
        });
        thread("conclab-iopub", this::iopubLoop);
        thread("conclab-control", () -> serve(control, controlHandler));
        thread("conclab-shell-io", () -> shellIo(prompt, promptHandler));
        thread("conclab-shell", () -> serveQueue(shell, shellHandler));
    }

    /** Starts with every shell message handled in order (no prompt handling). */
    public void start(BiConsumer<Channel, Message> shellHandler, BiConsumer<Channel, Message> controlHandler) {
        start(shellHandler, controlHandler, m -> false, m -> {});
    }

    /** The shell I/O thread: reads requests (prompt ones handled at once), writes replies. */
    private void shellIo(java.util.function.Predicate<Message> prompt, java.util.function.Consumer<Message> promptHandler) {
        try (ZMQ.Poller poller = context.createPoller(2)) {
            poller.register(shell.socket, ZMQ.Poller.POLLIN);
            poller.register(replies, ZMQ.Poller.POLLIN);
            while (!closing) {
                try {
                    if (poller.poll(-1) < 0) break;
                    for (ZMsg r; (r = ZMsg.recvMsg(replies, ZMQ.DONTWAIT)) != null; ) r.send(shell.socket);
                    if (poller.pollin(0)) {
                        for (ZMsg msg; (msg = ZMsg.recvMsg(shell.socket, ZMQ.DONTWAIT)) != null; ) {
                            Message m = decode(shell.name, msg);
                            if (m == null) continue;
                            if (prompt.test(m)) {
                                promptHandler.accept(m);
                            } else {
                                // a full queue (a flood) waits here, and keeps replies flowing meanwhile
                                while (!shell.queue.offer(m, 50, TimeUnit.MILLISECONDS)) {
                                    for (ZMsg r; (r = ZMsg.recvMsg(replies, ZMQ.DONTWAIT)) != null; ) r.send(shell.socket);
                                    if (closing) return;
                                }
                            }
                        }
                    }
                } catch (ZMQException | IllegalStateException e) {
                    if (closing) break;
                    log.error("shell-io: failed", e);
                } catch (InterruptedException e) {
                    break;
                } catch (Throwable t) {
                    if (closing) break;
                    log.error("shell-io: failed", t);
                    lifeline.caught("shell-io", t);
                }
            }
        } catch (RuntimeException e) {
            if (!closing) log.error("shell-io: stopped", e);
        }
    }

    /** The shell handler thread: one queued request at a time. */
    private void serveQueue(Channel ch, BiConsumer<Channel, Message> handler) {
        while (!closing) {
            Message m;
            try {
                m = ch.queue.take();
            } catch (InterruptedException e) {
                break;
            }
            try {
                handler.accept(ch, m);
            } catch (Throwable t) {
                log.error(ch.name + ": handler for " + m.type() + " failed", t);
                lifeline.caught(ch.name, t);
            }
        }
    }

    private void thread(String name, Runnable body) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).uncaughtExceptionHandler(lifeline::threadDied)
                .unstarted(body);
        threads.add(t);
        t.start();
    }

    private void serve(Channel ch, BiConsumer<Channel, Message> handler) {
        while (!closing) {
            ZMsg msg;
            try {
                msg = ZMsg.recvMsg(ch.socket, true);
            } catch (ZMQException | IllegalStateException e) {
                if (closing) break;
                log.error(ch.name + ": receive failed", e);
                continue;
            } catch (Throwable t) {
                if (closing) break;
                log.error(ch.name + ": receive failed", t);
                lifeline.caught(ch.name, t);
                continue;
            }
            if (msg == null) {
                if (closing || Thread.currentThread().isInterrupted()) break;
                continue;
            }
            Message m = decode(ch.name, msg);
            if (m == null) continue;
            try {
                handler.accept(ch, m);
            } catch (Throwable t) {
                log.error(ch.name + ": handler for " + m.type() + " failed", t);
                lifeline.caught(ch.name, t);
            }
        }
    }

    private Message decode(String channel, ZMsg msg) {
        List<byte[]> frames = new ArrayList<>(msg.size());
        msg.forEach(f -> frames.add(f.getData()));
        msg.destroy();
        try {
            return codec.decode(frames);
        } catch (BadMessageException e) {
            log.warn(channel + ": dropped a message: " + e.getMessage());
            return null;
        } catch (Throwable t) {
            log.error(channel + ": dropped a message that could not be decoded", t);
            lifeline.caught(channel, t);
            return null;
        }
    }

    private void iopubLoop() {
        while (true) {
            Object item;
            try {
                item = iopubQueue.take();
            } catch (InterruptedException e) {
                break;
            }
            if (item == STOP) break;
            if (item instanceof CountDownLatch fence) {
                fence.countDown();
                continue;
            }
            @SuppressWarnings("unchecked") List<byte[]> frames = (List<byte[]>) item;
            try {
                sendFrames(iopub, frames);
            } catch (Throwable t) {
                if (closing) break;
                log.error("iopub: send failed", t);
                lifeline.caught("iopub", t);
            }
        }
        stopped.countDown();
    }

    private static final List<byte[]> STOP = new ArrayList<>();

    private static void sendFrames(ZMQ.Socket s, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            s.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    /** Queues {@code m} for the iopub socket; messages go out in the order they were published. */
    public void publish(Message m) {
        String topic = "kernel." + codec.session() + "." + m.type();
        List<byte[]> frames = codec.encode(new Message(List.of(topic.getBytes(StandardCharsets.UTF_8)),
                m.header(), m.parentHeader(), m.metadata(), m.content(), m.buffers()));
        iopubQueue.add(frames);
    }

    /**
     * Waits until every message published so far has been written to the iopub socket (at most
     * {@code millis}), so that a reply sent next on another socket cannot overtake them.
     */
    public void flushIopub(long millis) {
        CountDownLatch fence = new CountDownLatch(1);
        iopubQueue.add(fence);
        try {
            fence.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Channel stdin() {
        return stdin;
    }

    /** Held by the thread that uses the stdin channel. */
    public Object stdinLock() {
        return stdinLock;
    }

    /** Sends what is queued on iopub (waiting at most {@code millis}), then closes every socket. */
    @Override
    public void close() {
        closing = true;
        iopubQueue.add(STOP);
        try {
            stopped.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }
}
