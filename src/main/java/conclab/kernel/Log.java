package conclab.kernel;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The kernel's own diagnostics, written to the process's original standard error (the Jupyter
 * server's log). Cell output never goes here; it is routed to the notebook.
 */
public final class Log {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final PrintStream err;
    private final boolean debug;

    public Log(PrintStream err, boolean debug) {
        this.err = err;
        this.debug = debug;
    }

    public void info(String msg) {
        write("I", msg, null);
    }

    public void warn(String msg) {
        write("W", msg, null);
    }

    public void error(String msg, Throwable t) {
        write("E", msg, t);
    }

    public void debug(String msg) {
        if (debug) write("D", msg, null);
    }

    public boolean debugging() {
        return debug;
    }

    private void write(String level, String msg, Throwable t) {
        synchronized (err) {
            err.println("[" + level + " " + TIME.format(LocalTime.now()) + " conclab] " + msg);
            if (t != null) t.printStackTrace(err);
            err.flush();
        }
    }
}
