package conclab.kernel.exec;

import java.io.PrintStream;

/** Reports of exceptions that end a thread (no cell request is waiting for them). */
public final class Failures {

    private Failures() {}

    /**
     * Prints {@code e}, uncaught in {@code t}, to {@code err} (the cell's stderr, routed by the dying
     * thread's cell), the cell's frames first and the kernel's hidden.
     */
    public static void printUncaught(Thread t, Throwable e, PrintStream err) {
        StringBuilder sb = new StringBuilder();
        String name = t.getName().isEmpty() ? (t.isVirtual() ? "virtual #" : "#") + t.threadId() : t.getName();
        sb.append("Exception in thread \"").append(name).append("\": ").append(e).append('\n');
        appendFrames(sb, e);
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            sb.append("Caused by: ").append(cause).append('\n');
            appendFrames(sb, cause);
        }
        err.print(sb);
        err.flush();
    }

    private static void appendFrames(StringBuilder sb, Throwable e) {
        int shown = 0;
        for (StackTraceElement f : e.getStackTrace()) {
            String cls = f.getClassName();
            if (cls.startsWith("conclab.kernel.") || cls.startsWith("jdk.internal.reflect.")
                    || cls.startsWith("java.lang.reflect.")) continue;
            if (shown++ == 12) {
                sb.append("    ...\n");
                break;
            }
            if (cls.startsWith("REPL.")) {
                String m = f.getMethodName();
                String name = m.startsWith("lambda$") ? "a lambda" : m.equals("do_it$") ? "the cell" : m + "()";
                sb.append("    at ").append(name).append(" in cell code\n");
            } else {
                sb.append("    at ").append(f).append('\n');
            }
        }
    }
}
