package conclab.kernel.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import conclab.kernel.Log;
import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.Contexts;
import conclab.kernel.wire.Message;
import conclab.spi.Comm;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * The kernel's comms (Jupyter messaging, "Custom messages"): the open comms, the targets the library
 * registered, and the one thread that runs what the front end sends.
 *
 * <h2>Implementation overview</h2>
 * The front end's {@code comm_open}, {@code comm_msg} and {@code comm_close} are taken off the shell
 * socket by the shell I/O thread as soon as they arrive ({@link #isComm}, {@link #received}), not queued
 * behind a running cell: a Stop button's click reaches its handler while the cell it should stop still
 * runs. They are handled on {@code conclab-comm}, one at a time, in arrival order, each under the cell that
 * opened its comm (what a handler prints shows there). {@code busy}/{@code idle} are published around one
 * only when no cell runs: while a cell runs the kernel is busy already, and an {@code idle} would make the
 * front end say it is idle while the cell goes on.
 *
 * <p>The kernel's own comm messages (any thread) are published on iopub under the sending thread's cell,
 * after flushing what that cell printed, under the comm's lock, so that one comm's messages keep their
 * order. {@code comm_info_request} is an ordinary shell request ({@link #info}), answered in order.
 */
public final class Comms {

    private final Contexts contexts;
    private final OutputRouter output;
    private final Publisher publisher;
    private final Log log;
    private final Map<String, KernelComm> open = new ConcurrentHashMap<>();
    private final Map<String, Comm.Target> targets = new ConcurrentHashMap<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("conclab-comm").daemon(true).unstarted(r));
    /* Publishes busy/idle for a request; set once by the kernel at start-up. */
    private volatile BiConsumer<Message, String> status = (m, s) -> {};

    public Comms(Contexts contexts, OutputRouter output, Publisher publisher, Log log) {
        this.contexts = contexts;
        this.output = output;
        this.publisher = publisher;
        this.log = log;
    }

    /** Who publishes {@code busy}/{@code idle} around a front-end comm message. */
    public void onStatus(BiConsumer<Message, String> status) {
        this.status = status;
    }

    /** True for the comm messages the front end sends (handled at once, see {@link #received}). */
    public static boolean isComm(Message m) {
        return switch (m.type()) {
            case "comm_open", "comm_msg", "comm_close" -> true;
            default -> false;
        };
    }

    /**
     * Takes a front-end comm message (shell I/O thread; never blocks): the table of open comms changes
     * now, so a comm_info_request sent after a comm_open sees it; the handlers run on the comm thread.
     */
    public void received(Message m) {
        String id = m.str("comm_id", "");
        switch (m.type()) {
            case "comm_open" -> {
                Comm.Target t = targets.get(m.str("target_name", ""));
                KernelComm c = new KernelComm(id.isEmpty() ? UUID.randomUUID().toString() : id,
                        m.str("target_name", ""), contexts.lastCell());
                if (t != null) open.put(c.id, c);
                thread.execute(() -> handle(m, c, t));
            }
            case "comm_close" -> {
                KernelComm c = open.remove(id);
                thread.execute(() -> handle(m, c, null));
            }
            default -> thread.execute(() -> handle(m, open.get(id), null));
        }
    }

    /** Registers a target for comms the front end opens. */
    public void register(String target, Comm.Target handler) {
        targets.put(target, handler);
    }

    /** Opens a comm from the kernel side (any thread). */
    public Comm open(String target, String data, String metadata, List<byte[]> buffers, Comm.Handler handler) {
        CellContext ctx = contexts.forCurrentThread();
        KernelComm c = new KernelComm(UUID.randomUUID().toString().replace("-", ""), target, ctx);
        c.handler = handler;
        open.put(c.id, c);
        JsonObject content = new JsonObject();
        content.addProperty("comm_id", c.id);
        content.addProperty("target_name", target);
        content.add("data", parse(data));
        synchronized (c) {
            c.publish("comm_open", content, parse(metadata), buffers);
        }
        return c;
    }

    /** comm_info_request: the open comms (of {@code target}, or all when null) as {id: {target_name}}. */
    public JsonObject info(String target) {
        JsonObject comms = new JsonObject();
        Map<String, String> sorted = new TreeMap<>();
        for (KernelComm c : open.values()) if (target == null || target.equals(c.target)) sorted.put(c.id, c.target);
        sorted.forEach((id, t) -> {
            JsonObject o = new JsonObject();
            o.addProperty("target_name", t);
            comms.add(id, o);
        });
        return comms;
    }

    /** The ids of the open comms (for tests and %threads-like reports). */
    public Set<String> ids() {
        return Set.copyOf(open.keySet());
    }

    /* ------------------------------------------------------------ the comm thread */

    /** On the comm thread: {@code c} is the comm (null when unknown), {@code t} the target of a comm_open. */
    private void handle(Message m, KernelComm c, Comm.Target t) {
        boolean announce = contexts.runningCell() == null;
        if (announce) status.accept(m, "busy");
        try {
            JsonObject content = m.content();
            String data = object(content.get("data")).toString();
            switch (m.type()) {
                case "comm_open" -> opened(c, t, data, m.buffers());
                case "comm_msg" -> {
                    if (c == null) {
                        log.warn("comm_msg for unknown comm " + m.str("comm_id", "") + " (dropped)");
                        return;
                    }
                    Comm.Handler h = c.handler;
                    if (h != null) c.run(() -> h.message(c, data, m.buffers()));
                }
                case "comm_close" -> {
                    if (c == null) return;
                    synchronized (c) {
                        c.isOpen = false;
                    }
                    Comm.Handler h = c.handler;
                    if (h != null) c.run(() -> h.closed(c, data));
                }
                default -> log.warn("not a comm message: " + m.type());
            }
        } catch (Throwable x) {
            log.error("comm: " + m.type() + " failed", x);
        } finally {
            if (announce) status.accept(m, "idle");
        }
    }

    private void opened(KernelComm c, Comm.Target t, String data, List<byte[]> buffers) {
        if (t == null) {
            // the protocol: close it at once, so that both sides agree it does not exist
            log.warn("comm_open for unknown target '" + c.target + "': closed");
            c.close(null);
            return;
        }
        boolean[] ok = new boolean[1];
        c.run(() -> {
            c.handler = t.opened(c, data, buffers);
            ok[0] = true;
        });
        if (!ok[0]) c.close(null);
    }

    /** A JSON object from its text (null: empty). */
    static JsonObject parse(String json) {
        if (json == null || json.isBlank()) return new JsonObject();
        JsonElement e;
        try {
            e = com.google.gson.JsonParser.parseString(json);
        } catch (RuntimeException x) {
            throw new IllegalArgumentException("not JSON: " + x.getMessage());
        }
        if (!e.isJsonObject()) throw new IllegalArgumentException("comm data must be a JSON object, not " + json);
        return e.getAsJsonObject();
    }

    private static JsonObject object(JsonElement e) {
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
    }

    /* ------------------------------------------------------------ one comm */

    private final class KernelComm implements Comm {
        final String id, target;
        /* The cell that opened it (null before the first cell): handlers run under it. */
        final CellContext ctx;
        /* Set once before the first message can be handled (by open, or on the comm thread). */
        volatile Comm.Handler handler;
        /* Guarded by this. */
        boolean isOpen = true;

        KernelComm(String id, String target, CellContext ctx) {
            this.id = id;
            this.target = target;
            this.ctx = ctx;
        }

        @Override public String id() { return id; }

        @Override public String target() { return target; }

        @Override public boolean attached() { return true; }

        @Override
        public synchronized boolean isOpen() {
            return isOpen;
        }

        @Override
        public synchronized void send(String data, List<byte[]> buffers) {
            JsonObject parsed = parse(data);
            if (!isOpen) return;
            JsonObject content = new JsonObject();
            content.addProperty("comm_id", id);
            content.add("data", parsed);
            publish("comm_msg", content, null, buffers);
        }

        @Override
        public synchronized void close(String data) {
            JsonObject parsed = parse(data);
            if (!isOpen) return;
            isOpen = false;
            open.remove(id);
            JsonObject content = new JsonObject();
            content.addProperty("comm_id", id);
            content.add("data", parsed);
            publish("comm_close", content, null, List.of());
        }

        /** Publishes under the sending thread's cell (else the comm's), after that cell's pending output. */
        void publish(String type, JsonObject content, JsonObject metadata, List<byte[]> buffers) {
            CellContext cell = Contexts.current();
            if (cell == null) cell = ctx != null ? ctx : contexts.lastCell();
            if (cell != null) output.flush(cell);
            publisher.publish(type, cell != null ? cell.parentHeader() : new JsonObject(), content,
                    metadata, buffers == null ? List.of() : buffers);
        }

        /** Runs a handler under the comm's cell; what it throws is shown there, on stderr. */
        void run(Runnable body) {
            CellContext cell = ctx != null ? ctx : contexts.lastCell();
            Runnable guarded = () -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    conclab.kernel.exec.Tracebacks.printUncaught(Thread.currentThread(), t, System.err);
                }
            };
            if (cell == null) guarded.run();
            else Contexts.runIn(cell, guarded);
        }

        @Override
        public String toString() {
            return "comm " + id + " (" + target + ")";
        }
    }
}
