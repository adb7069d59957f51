package conclab.task;

import conclab.spi.DisplayHandle;
import conclab.spi.Displayable;
import conclab.spi.Hosts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A progress bar for {@link Experiment#progress(Consumer)}: shown on the first report and updated in
 * place after each run (a live bar in a notebook; in JShell each update prints a line of text).
 * <pre>{@code
 * Experiment.of(work).on(...).progress(new ProgressBar()).run();
 * }</pre>
 * Called from the thread running the experiment; not meant to be shared between experiments.
 */
public final class ProgressBar implements Consumer<Experiment.Progress> {

    private static final int WIDTH = 30;

    /** Created on the first report; owner thread only. */
    private DisplayHandle handle;

    @Override
    public void accept(Experiment.Progress p) {
        View v = new View(p);
        if (handle == null) handle = Hosts.current().display(v);
        else handle.update(v);
    }

    /** One state of the bar. */
    private record View(Experiment.Progress p) implements Displayable {
        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (accepted.contains(HTML)) {
                m.put(HTML, "<div><progress value=\"" + p.done() + "\" max=\"" + p.total() + "\"></progress> "
                        + p.done() + "/" + p.total() + " " + conclab.trace.Html.escape(label()) + "</div>");
            }
            m.put(PLAIN, toString());
            return m;
        }

        private String label() {
            return p.done() == p.total() ? "done" : p.strategy() + (p.warmup() ? " (warm-up)" : "");
        }

        @Override
        public String toString() {
            int filled = p.total() == 0 ? WIDTH : (int) ((long) WIDTH * p.done() / p.total());
            return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + p.done() + "/" + p.total() + " " + label();
        }
    }
}
