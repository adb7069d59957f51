package conclab.kernel.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.List;

/**
 * One Jupyter message, as decoded from or encoded to ZeroMQ frames.
 *
 * @param identities   ZeroMQ routing identities (the frames before {@code <IDS|MSG>}); empty on iopub
 * @param header       msg_id, session, username, date, msg_type, version
 * @param parentHeader the header of the request this message answers, or empty
 * @param metadata     free metadata
 * @param content      the message type's content
 * @param buffers      extra binary frames
 */
public record Message(List<byte[]> identities, JsonObject header, JsonObject parentHeader, JsonObject metadata,
                      JsonObject content, List<byte[]> buffers) {

    public Message {
        identities = List.copyOf(identities);
        buffers = List.copyOf(buffers);
    }

    public String type() {
        return string(header, "msg_type");
    }

    public String id() {
        return string(header, "msg_id");
    }

    public String session() {
        return string(header, "session");
    }

    /** A string field of the content, or {@code dflt} when absent or null. */
    public String str(String field, String dflt) {
        JsonElement e = content.get(field);
        return e == null || e.isJsonNull() ? dflt : e.getAsString();
    }

    /** A boolean field of the content, or {@code dflt} when absent or null. */
    public boolean bool(String field, boolean dflt) {
        JsonElement e = content.get(field);
        return e == null || e.isJsonNull() ? dflt : e.getAsBoolean();
    }

    /** An int field of the content, or {@code dflt} when absent or null. */
    public int integer(String field, int dflt) {
        JsonElement e = content.get(field);
        return e == null || e.isJsonNull() ? dflt : e.getAsInt();
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }
}
