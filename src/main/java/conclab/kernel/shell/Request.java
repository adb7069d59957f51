package conclab.kernel.shell;

import com.google.gson.JsonObject;
import conclab.kernel.wire.Codec;
import conclab.kernel.wire.Message;
import conclab.kernel.wire.Transport;

/**
 * A request being handled: the message and the channel to answer on (on the channel's own thread).
 * The reply is kept until the dispatcher has published {@code idle} and every iopub message of the
 * request has gone out; then it is sent, and then the actions queued with {@link #afterReply}.
 */
public final class Request {

    private final Transport.Channel channel;
    private final Message message;
    private final Codec codec;
    private Message reply;
    private final java.util.List<Runnable> after = new java.util.ArrayList<>();

    public Request(Transport.Channel channel, Message message, Codec codec) {
        this.channel = channel;
        this.message = message;
        this.codec = codec;
    }

    public Transport.Channel channel() {
        return channel;
    }

    public Message message() {
        return message;
    }

    public Codec codec() {
        return codec;
    }

    /** Sets the reply of type {@code type}; the content should carry {@code status}. */
    public void reply(String type, JsonObject content) {
        reply = codec.reply(message, type, content);
    }

    /** Runs {@code action} once the reply has been sent. */
    public void afterReply(Runnable action) {
        after.add(action);
    }

    /** Sends the reply set by the handler, if any, then runs the after-reply actions. */
    void sendReply() {
        if (reply != null) channel.send(reply);
        reply = null;
        for (Runnable r : after) r.run();
        after.clear();
    }

    /** The reply type of this request: {@code x_request} → {@code x_reply}. */
    public String replyType() {
        String t = message.type();
        return t.endsWith("_request") ? t.substring(0, t.length() - "_request".length()) + "_reply" : t + "_reply";
    }

    /** {@code {"status": "ok"}}, to add to. */
    public static JsonObject ok() {
        JsonObject o = new JsonObject();
        o.addProperty("status", "ok");
        return o;
    }
}
