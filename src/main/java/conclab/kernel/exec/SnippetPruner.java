package conclab.kernel.exec;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Lets JShell forget the snippets no longer in force, so that a long session does not grow with every
 * cell: JShell keeps each snippet it ever saw (overwritten declarations, dropped results, rejected
 * code) with its wrapped source, and the bytes of every class it compiled, and lists them again in each
 * compilation. Measured on JDK 25 with the soak workload (5 kinds of cells, 4 of 5 redefining):
 * 17 KB kept per cell without pruning, 6 KB with, and compile time stops growing.
 *
 * <h2>What is forgotten</h2>
 * Every 50 cells, a snippet whose status is not active ({@code OVERWRITTEN}, {@code DROPPED},
 * {@code REJECTED}) leaves JShell's snippet set; a wrapper class none of whose snippets is active leaves
 * the map JShell uses to translate stack traces, the compiler's in-memory class files and the
 * class tracker. Active snippets only ever refer to active classes (JShell recompiles dependents
 * on a redefinition), so nothing the compiler needs is lost. Classes already loaded stay loaded: an
 * object or a thread of an old cell keeps working. A stack frame of a forgotten class is shown under
 * its raw class name.
 *
 * <h2>How</h2>
 * JShell has no API for this, so the pruner reaches into {@code jdk.jshell}'s fields, opened to the
 * kernel by its jar's manifest ({@code Add-Opens: jdk.jshell/jdk.jshell}). When a field is missing or
 * closed (another JDK, or the library run without the manifest), the pruner turns itself off and
 * says why once; JShell then just keeps everything, as it always does.
 *
 * <p>Not thread-safe: the shell thread evaluates and prunes, between cells.
 */
final class SnippetPruner {

    /** Cells between two prunings. */
    static final int EVERY = 50;

    private final JShell shell;
    private final Set<Snippet> snippets;
    private final Map<String, ?> classOuters;
    private final Map<String, ?> classObjects;
    private final Map<String, ?> tracked;
    private final Field wrapToSnippet;
    private final String disabled;
    private int cells;

    @SuppressWarnings("unchecked")
    SnippetPruner(JShell shell) {
        this.shell = shell;
        Set<Snippet> s = null;
        Map<String, ?> outers = null, objects = null, tracker = null;
        Field w2s = null;
        String why = null;
        try {
            s = (Set<Snippet>) get(get(shell, "maps"), "snippets");
            outers = (Map<String, ?>) get(get(shell, "outerMap"), "classOuters");
            objects = (Map<String, ?>) get(get(get(shell, "taskFactory"), "fileManager"), "classObjects");
            tracker = (Map<String, ?>) get(get(shell, "classTracker"), "map");
            w2s = Class.forName("jdk.jshell.OuterSnippetsClassWrap").getDeclaredField("wrapToSnippet");
            w2s.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = e.toString();
        }
        this.snippets = s;
        this.classOuters = outers;
        this.classObjects = objects;
        this.tracked = tracker;
        this.wrapToSnippet = w2s;
        this.disabled = why;
    }

    /** Null when pruning works here, else why it does not. */
    String disabled() {
        return disabled;
    }

    /** Counts a cell; every {@value #EVERY} cells, prunes. */
    void cellDone() {
        if (++cells % EVERY == 0) prune();
    }

    /** Forgets what no active snippet needs; returns the wrapper classes forgotten. */
    int prune() {
        if (disabled != null) return 0;
        int classes = 0;
        try {
            for (Iterator<? extends Map.Entry<String, ?>> it = classOuters.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, ?> e = it.next();
                Collection<?> owners = ((Map<?, ?>) wrapToSnippet.get(e.getValue())).values();
                if (owners.stream().anyMatch(o -> shell.status((Snippet) o).isActive())) continue;
                it.remove();
                String name = "REPL." + e.getKey(), nested = name + "$";
                classObjects.keySet().removeIf(k -> k.equals(name) || k.startsWith(nested));
                tracked.keySet().removeIf(k -> k.equals(name) || k.startsWith(nested));
                classes++;
            }
            snippets.removeIf(sn -> !shell.status(sn).isActive());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // JShell changed under us: keep what is left, as JShell would
        }
        return classes;
    }

    private static Object get(Object o, String field) throws ReflectiveOperationException {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(field);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(o.getClass().getName() + "." + field);
    }
}
