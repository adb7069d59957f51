package conclab.widgets;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import conclab.spi.Host;
import conclab.spi.Hosts;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live widgets of this JVM and the widgets' one timer thread. Registers the
 * {@code jupyter.widget.control} comm target once per host: a widget manager that (re)connects, e.g.
 * after a page reload, asks it for every model's state in one message ({@code request_states}).
 */
final class Registry {

    private static final Map<String, Widget> LIVE = new ConcurrentHashMap<>();
    /* The host the control target was registered with; guarded by Registry.class. */
    private static Host registeredWith;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("conclab-widgets").daemon(true).unstarted(r));

    private Registry() {}

    static synchronized void start() {
        Host host = Hosts.current();
        if (registeredWith == host) return;
        registeredWith = host;
        host.registerCommTarget("jupyter.widget.control", (comm, data, buffers) -> (c, d, b) -> {
            JsonObject msg = JsonParser.parseString(d).getAsJsonObject();
            if (!msg.has("method") || !"request_states".equals(msg.get("method").getAsString())) return;
            JsonObject states = new JsonObject(), paths = new JsonObject();
            java.util.List<byte[]> all = new java.util.ArrayList<>();
            com.google.gson.JsonArray flat = new com.google.gson.JsonArray();
            for (Widget w : LIVE.values()) {
                Widget.Encoded e = w.fullState();
                JsonObject one = new JsonObject();
                one.add("model_name", e.json().get("_model_name"));
                one.add("model_module", e.json().get("_model_module"));
                one.add("model_module_version", e.json().get("_model_module_version"));
                one.add("state", e.json());
                states.add(w.id(), one);
                for (var p : e.paths()) {
                    com.google.gson.JsonArray full = new com.google.gson.JsonArray();
                    full.add(w.id());
                    full.add("state");
                    p.getAsJsonArray().forEach(full::add);
                    flat.add(full);
                }
                all.addAll(e.buffers());
            }
            JsonObject reply = new JsonObject();
            reply.addProperty("method", "update_states");
            reply.add("states", states);
            reply.add("buffer_paths", flat);
            c.send(reply.toString(), all);
        });
    }

    static void add(Widget w) {
        LIVE.put(w.id(), w);
    }

    static void remove(Widget w) {
        LIVE.remove(w.id());
    }

    static int live() {
        return LIVE.size();
    }

    /** Runs {@code task} on the widgets' timer thread in {@code millis}; cancellable. */
    static java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long millis) {
        return TIMER.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the widgets' timer thread in {@code nanos}. */
    static void later(Runnable task, long nanos) {
        TIMER.schedule(task, nanos, TimeUnit.NANOSECONDS);
    }
}
