package conclab.kernel.shell;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import conclab.kernel.Lifeline;
import conclab.kernel.Log;
import conclab.kernel.io.Publisher;
import conclab.kernel.wire.Codec;
import conclab.kernel.wire.Message;
import conclab.kernel.wire.Transport;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One handler table per channel. For every request the dispatcher, not the handler, publishes
 * {@code busy} before and {@code idle} after; a handler that throws anything gets an error reply
 * sent for it, and the channel's loop goes on. The tables' entries, every message type of every
 * channel, are declared in one place: {@link Requests#register}.
 */
public final class Dispatcher {

    /** Handles one request type. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request r) throws Exception;
    }

    private final Map<String, Handler> shell = new HashMap<>(), control = new HashMap<>();
    private final Codec codec;
    private final Transport transport;
    private final Publisher publisher;
    private final Log log;
    private final Lifeline lifeline;

    public Dispatcher(Codec codec, Transport transport, Publisher publisher, Log log, Lifeline lifeline) {
        this.lifeline = lifeline;
        this.codec = codec;
        this.transport = transport;
        this.publisher = publisher;
        this.log = log;
    }

    public Dispatcher shell(String type, Handler h) {
        shell.put(type, h);
        return this;
    }

    public Dispatcher control(String type, Handler h) {
        control.put(type, h);
        return this;
    }

    public BiConsumer<Transport.Channel, Message> shellLoop() {
        return (ch, m) -> dispatch(ch, m, shell);
    }

    public BiConsumer<Transport.Channel, Message> controlLoop() {
        return (ch, m) -> dispatch(ch, m, control);
    }

    /** Handles a shell message (used while aborting queued requests). */
    public void dispatchShell(Transport.Channel ch, Message m) {
        dispatch(ch, m, shell);
    }

    /** Handles {@code m} with the handler of its type from {@code table}. */
    public void dispatch(Transport.Channel ch, Message m, Map<String, Handler> table) {
        Handler h = table.get(m.type());
        if (h == null) {
            log.warn(ch.name() + ": unknown message type '" + m.type() + "'");
            if (m.type().endsWith("_request")) {   // the protocol has a reply for it: say so there
                Request r = new Request(ch, m, codec);
                r.reply(r.replyType(), error(new UnsupportedOperationException(
                        "this kernel does not handle " + m.type())));
                r.sendReply();
            }
            return;
        }
        long t0 = System.nanoTime();
        lifeline.rearm();
        Request r = new Request(ch, m, codec);
        try {
            status(m, "busy");
            h.handle(r);
        } catch (Throwable t) {
            log.error(ch.name() + ": " + m.type() + " failed", t);
            lifeline.caught(ch.name(), t);
            try {
                r.reply(r.replyType(), error(t));
            } catch (Throwable again) {
                log.error(ch.name() + ": could not send the error reply", again);
                lifeline.caught(ch.name(), again);
            }
        }
        // idle, then every iopub message of the request on the wire, then the reply: a client that has
        // the reply has everything else too
        long t1 = System.nanoTime();
        try {
            status(m, "idle");
            transport.flushIopub(REPLY_FENCE_MILLIS);
        } catch (Throwable t) {   // out of memory: the reply must still go out
            log.error(ch.name() + ": could not publish idle for " + m.type(), t);
            lifeline.caught(ch.name(), t);
        }
        long t2 = System.nanoTime();
        try {
            r.sendReply();
        } catch (Throwable t) {
            log.error(ch.name() + ": could not send the reply to " + m.type(), t);
            lifeline.caught(ch.name(), t);
        }
        if (log.debugging()) {
            log.debug(m.type() + ": handler " + (t1 - t0) / 1000 + " us, iopub fence " + (t2 - t1) / 1000
                    + " us, reply " + (System.nanoTime() - t2) / 1000 + " us");
        }
    }

    /** For a handler that caught {@code t} on a kernel thread and goes on: see {@link Lifeline#caught}. */
    public void caught(String where, Throwable t) {
        lifeline.caught(where, t);
    }

    /** For a handler that finds the heap full: see {@link Lifeline#spend}. */
    public void heapFull() {
        lifeline.spend();
    }

    /** Longest wait for iopub to catch up before a reply is sent anyway. */
    static final long REPLY_FENCE_MILLIS = 2_000;

    /** Publishes {@code execution_state} for the request {@code m}. */
    public void status(Message m, String state) {
        JsonObject c = new JsonObject();
        c.addProperty("execution_state", state);
        publisher.publish("status", m.header(), c);
    }

    /** The content of an error reply for {@code t}. */
    public static JsonObject error(Throwable t) {
        JsonObject c = new JsonObject();
        c.addProperty("status", "error");
        c.addProperty("ename", t.getClass().getSimpleName());
        c.addProperty("evalue", String.valueOf(t.getMessage()));
        JsonArray tb = new JsonArray();
        tb.add("The kernel could not handle this request: " + t);
        c.add("traceback", tb);
        return c;
    }
}
