package conclab.kernel.io;

import com.google.gson.JsonObject;

import java.util.List;

/** Publishes a message on iopub, in order, from any thread. */
@FunctionalInterface
public interface Publisher {
    void publish(String msgType, JsonObject parentHeader, JsonObject content);

    /** As {@link #publish(String, JsonObject, JsonObject)}, with metadata and binary buffers (comm messages). */
    default void publish(String msgType, JsonObject parentHeader, JsonObject content, JsonObject metadata,
                         List<byte[]> buffers) {
        publish(msgType, parentHeader, content);
    }
}
