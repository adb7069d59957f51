package conclab.kernel.io;

import com.google.gson.JsonObject;
import conclab.kernel.wire.Codec;
import conclab.kernel.wire.Transport;

import java.util.List;

/**
 * The last hop of everything the kernel publishes (status, stream, display, results, errors): a message
 * is signed and queued for the iopub thread, which alone writes the PUB socket ({@link Transport#publish}).
 * No other class calls {@link Transport#publish}. Thread-safe: any thread may publish; messages go out in
 * the order they were queued.
 */
public final class IopubPublisher implements Publisher {

    private final Transport transport;
    private final Codec codec;

    public IopubPublisher(Transport transport, Codec codec) {
        this.transport = transport;
        this.codec = codec;
    }

    @Override
    public void publish(String msgType, JsonObject parentHeader, JsonObject content) {
        transport.publish(codec.message(msgType, parentHeader, List.of(), content));
    }

    @Override
    public void publish(String msgType, JsonObject parentHeader, JsonObject content, JsonObject metadata,
                        List<byte[]> buffers) {
        transport.publish(new conclab.kernel.wire.Message(List.of(), codec.header(msgType),
                parentHeader == null ? new JsonObject() : parentHeader,
                metadata == null ? new JsonObject() : metadata, content, buffers));
    }
}
