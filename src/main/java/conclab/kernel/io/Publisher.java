package conclab.kernel.io;

import com.google.gson.JsonObject;

/** Publishes a message on iopub, in order, from any thread. */
@FunctionalInterface
public interface Publisher {
    void publish(String msgType, JsonObject parentHeader, JsonObject content);
}
