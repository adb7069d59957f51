package conclab.kernel.shell;

import com.google.gson.JsonObject;
import conclab.kernel.wire.Codec;
import conclab.kernel.wire.Message;
import conclab.kernel.wire.Transport;

/** A request being handled: the message and the channel to answer on (on the channel's own thread). */
public record Request(Transport.Channel channel, Message message, Codec codec) {

    /** Sends the reply of type {@code type}; the content should carry {@code status}. */
    public void reply(String type, JsonObject content) {
        channel.send(codec.reply(message, type, content));
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
