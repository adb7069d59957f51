package conclab.kernel.io;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.Contexts;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import conclab.kernel.Log;
import conclab.kernel.wire.Codec;
import conclab.spi.DisplayHandle;
import conclab.spi.Host;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The kernel's {@link Host}: tasks captured with the submitting cell, displays sent as
 * display_data / update_display_data under the cell they belong to, from any thread.
 * Before a display, the cell's pending text output is flushed so prints and displays keep their order.
 */
public final class KernelHost implements Host {

    private final Contexts contexts;
    private final OutputRouter output;
    private final Publisher publisher;
    private final Renderers renderers;
    private final Log log;
    private final Comms comms;

    public KernelHost(Contexts contexts, OutputRouter output, Publisher publisher, Renderers renderers, Log log,
                      Comms comms) {
        this.comms = comms;
        this.contexts = contexts;
        this.output = output;
        this.publisher = publisher;
        this.renderers = renderers;
        this.log = log;
    }

    @Override
    public Runnable capture(Runnable task) {
        CellContext ctx = contexts.forCurrentThread();
        if (ctx == null) return task;
        return () -> Contexts.runIn(ctx, task);
    }

    @Override
    public <T> Callable<T> capture(Callable<T> task) {
        CellContext ctx = contexts.forCurrentThread();
        if (ctx == null) return task;
        return () -> {
            Object[] result = new Object[1];
            Exception[] failure = new Exception[1];
            Contexts.runIn(ctx, () -> {
                try {
                    result[0] = task.call();
                } catch (Exception e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) throw failure[0];
            @SuppressWarnings("unchecked") T t = (T) result[0];
            return t;
        };
    }

    @Override
    public boolean rich() {
        return true;
    }

    @Override
    public conclab.spi.Comm openComm(String target, String data, String metadata, java.util.List<byte[]> buffers,
                                     conclab.spi.Comm.Handler handler) {
        return comms.open(target, data, metadata, buffers, handler);
    }

    @Override
    public void registerCommTarget(String target, conclab.spi.Comm.Target handler) {
        comms.register(target, handler);
    }

    @Override
    public DisplayHandle display(Object value) {
        CellContext ctx = contexts.forCurrentThread();
        String id = UUID.randomUUID().toString();
        send(ctx, "display_data", value, id);
        return new DisplayHandle() {
            @Override public void update(Object v) { send(ctx, "update_display_data", v, id); }
            @Override public String id() { return id; }
        };
    }

    @Override
    public void clearOutput(boolean wait) {
        CellContext ctx = contexts.forCurrentThread();
        if (ctx == null) return;
        output.flush(ctx);
        JsonObject c = new JsonObject();
        c.addProperty("wait", wait);
        publisher.publish("clear_output", ctx.parentHeader(), c);
    }

    private void send(CellContext ctx, String type, Object value, String id) {
        if (ctx == null) {
            log.warn("display before any cell ran: " + value);
            return;
        }
        DisplayData data = renderers.render(value);
        data.setDisplayId(id);
        output.flush(ctx);
        publisher.publish(type, ctx.parentHeader(), bundle(data));
    }

    /** The content of a display_data / execute_result from jjava's display data. */
    public static JsonObject bundle(DisplayData data) {
        JsonElement tree = Codec.gson().toJsonTree(data);
        JsonObject o = tree.getAsJsonObject();
        JsonObject c = new JsonObject();
        for (String key : new String[] {"data", "metadata", "transient"}) {
            JsonElement e = o.get(key);
            c.add(key, e != null && e.isJsonObject() ? e : new JsonObject());
        }
        return c;
    }
}
