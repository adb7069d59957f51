package conclab.kernel.shell;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import conclab.kernel.exec.Evaluator;
import conclab.kernel.exec.Outcome;
import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.Contexts;
import conclab.kernel.cell.Liveness;
import conclab.kernel.io.KernelHost;
import conclab.kernel.io.OutputRouter;
import conclab.kernel.io.Publisher;
import conclab.kernel.io.Renderers;
import conclab.kernel.wire.Message;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * execute_request: runs a cell and reports what it did, in the protocol's order: execute_input,
 * the cell's output, execute_result or error, then the reply (the dispatcher then sends idle).
 * After an error with {@code stop_on_error}, requests already queued on the shell channel are
 * answered {@code aborted} without running.
 */
public final class ExecuteHandler implements Dispatcher.Handler {

    private final Supplier<Evaluator> evaluator;
    private final Contexts contexts;
    private final OutputRouter output;
    private final Publisher publisher;
    private final Renderers renderers;
    private final History history;
    private final Magics magics;
    private final Dispatcher dispatcher;
    /* Execution counter; shell thread only. */
    private int count;

    public ExecuteHandler(Supplier<Evaluator> evaluator, Contexts contexts, OutputRouter output, Publisher publisher,
                          Renderers renderers, History history, Magics magics, Dispatcher dispatcher) {
        this.evaluator = evaluator;
        this.contexts = contexts;
        this.output = output;
        this.publisher = publisher;
        this.renderers = renderers;
        this.history = history;
        this.magics = magics;
        this.dispatcher = dispatcher;
    }

    @Override
    public void handle(Request r) {
        Message m = r.message();
        String code = m.str("code", "");
        boolean silent = m.bool("silent", false);
        boolean store = m.bool("store_history", !silent) && !silent;
        boolean stopOnError = m.bool("stop_on_error", true);
        if (store) count++;
        int n = count;
        if (!silent) {
            JsonObject in = new JsonObject();
            in.addProperty("code", code);
            in.addProperty("execution_count", n);
            publisher.publish("execute_input", m.header(), in);
        }
        if (store) history.add(n, code);

        CellContext ctx = new CellContext(n, m.header(), m.identities(), m.bool("allow_stdin", false), silent);
        contexts.started(ctx);
        Outcome outcome;
        JsonArray payload = new JsonArray();
        try {
            Magics.Result[] ran = new Magics.Result[1];
            Contexts.runIn(ctx, () -> ran[0] = magics.run(code, ctx, payload));   // magics print under the cell
            Magics.Result mr = ran[0];
            var freeing = Memory.freeing(code);
            if (mr != null) outcome = mr.outcome();
            else if (freeing.isPresent() && evaluator.get().free(freeing.get())) outcome = new Outcome.Ok(false, null);
            else {
                var refused = Memory.refusal(code);
                if (refused.isPresent()) dispatcher.heapFull();   // room to answer, and to free a variable next
                outcome = refused.orElseGet(() -> evaluator.get().eval(code, ctx));
            }
        } catch (Throwable t) {
            dispatcher.caught("execute", t);   // out of memory in the compiler: the reserve lets the answer out
            outcome = new Outcome.Failed(t.getClass().getSimpleName(), String.valueOf(t.getMessage()),
                    List.of("The kernel failed while running this cell: " + t));
        }
        output.flush(ctx);

        JsonObject reply = new JsonObject();
        switch (outcome) {
            case Outcome.Ok ok -> {
                if (ok.hasValue() && !silent && !(ok.value() instanceof conclab.spi.DisplayHandle)) {
                    DisplayData data = renderers.render(ok.value());
                    JsonObject result = KernelHost.bundle(data);
                    result.addProperty("execution_count", n);
                    publisher.publish("execute_result", m.header(), result);
                    Object text = data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN);
                    if (store && text != null) history.output(n, text.toString());
                }
                reply.addProperty("status", "ok");
            }
            case Outcome.Failed f -> failed(f, silent, m, reply);
            // say what did not stop, and any deadlock, with the interrupt
            case Outcome.Interrupted i -> failed(i.withSurvivors(Liveness.survivors(ctx, 1000)).failed(), silent, m, reply);
        }
        reply.addProperty("execution_count", n);
        reply.add("payload", payload);
        reply.add("user_expressions", userExpressions(m, ctx));
        contexts.finished(ctx);
        // what is queued now, before the front end hears of the error, is aborted; later requests run
        List<Message> queued = new java.util.ArrayList<>();
        if (!(outcome instanceof Outcome.Ok) && stopOnError) {
            for (Message q; (q = r.channel().poll()) != null; ) queued.add(q);
        }
        r.reply("execute_reply", reply);
        if (!queued.isEmpty()) r.afterReply(() -> abort(r, queued));
    }

    private void failed(Outcome.Failed f, boolean silent, Message m, JsonObject reply) {
        JsonObject err = errorContent(f);
        if (!silent) publisher.publish("error", m.header(), err);
        reply.addProperty("status", "error");
        err.entrySet().forEach(e -> reply.add(e.getKey(), e.getValue()));
    }

    private JsonObject userExpressions(Message m, CellContext ctx) {
        JsonObject out = new JsonObject();
        JsonElement ue = m.content().get("user_expressions");
        if (ue == null || !ue.isJsonObject()) return out;
        for (Map.Entry<String, JsonElement> e : ue.getAsJsonObject().entrySet()) {
            Outcome o;
            try {
                o = evaluator.get().eval(e.getValue().getAsString(), ctx);
            } catch (Throwable t) {
                o = new Outcome.Failed(t.getClass().getSimpleName(), String.valueOf(t.getMessage()), List.of());
            }
            JsonObject v;
            if (o instanceof Outcome.Ok ok) {
                v = KernelHost.bundle(renderers.render(ok.hasValue() ? ok.value() : null));
                v.remove("transient");
                v.addProperty("status", "ok");
            } else {
                v = errorContent(o instanceof Outcome.Interrupted i ? i.failed() : (Outcome.Failed) o);
                v.addProperty("status", "error");
            }
            out.add(e.getKey(), v);
        }
        return out;
    }

    static JsonObject errorContent(Outcome.Failed f) {
        JsonObject err = new JsonObject();
        err.addProperty("ename", f.ename());
        err.addProperty("evalue", f.evalue());
        JsonArray tb = new JsonArray();
        f.traceback().forEach(tb::add);
        err.add("traceback", tb);
        return err;
    }

    /** Answers every queued execute_request with {@code aborted}; other requests are served. */
    private void abort(Request r, List<Message> queued) {
        for (Message q : queued) {
            if (!q.type().equals("execute_request")) {
                dispatcher.dispatchShell(r.channel(), q);
                continue;
            }
            dispatcher.status(q, "busy");
            JsonObject c = new JsonObject();
            c.addProperty("status", "aborted");
            c.addProperty("execution_count", count);
            dispatcher.status(q, "idle");
            r.channel().send(r.codec().reply(q, "execute_reply", c));
        }
    }

    /** Cells run so far (the last execution count). */
    public int count() {
        return count;
    }
}
