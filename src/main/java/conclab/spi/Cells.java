package conclab.spi;

/**
 * What a notebook cell calls to show things, statically imported by the start-up script:
 * {@code display(chart)}, {@code html("<b>x</b>")}, {@code clearOutput()}. Each delegates to the
 * {@link Hosts#current() host}, so the same code prints text in plain JShell.
 */
public final class Cells {

    private Cells() {}

    /** Shows a value (chart, table, image, HTML) now; the handle's {@code update} replaces it in place, from any thread. */
    public static DisplayHandle display(Object value) {
        return Hosts.current().display(value);
    }

    /** Clears this cell's output now. */
    public static void clearOutput() {
        Hosts.current().clearOutput(false);
    }

    /** Clears this cell's output; with {@code wait}, when the next output arrives (no flicker). */
    public static void clearOutput(boolean wait) {
        Hosts.current().clearOutput(wait);
    }

    /** HTML to display. */
    public static Mime html(String html) {
        return Mime.html(html);
    }

    /** Markdown to display. */
    public static Mime markdown(String markdown) {
        return Mime.markdown(markdown);
    }

    /** {@code task}, to run under the cell that calls this, whichever thread runs it. */
    public static Runnable inThisCell(Runnable task) {
        return Hosts.current().capture(task);
    }
}
