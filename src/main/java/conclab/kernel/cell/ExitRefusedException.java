package conclab.kernel.cell;

/** Thrown instead of ending the kernel's JVM when cell code calls {@code System.exit} or {@code Runtime.halt}. */
public final class ExitRefusedException extends RuntimeException {
    public ExitRefusedException(String call, int status) {
        super(conclab.text.Messages.get("kernel.exit_refused", call, String.valueOf(status)),
                null, false, true);
    }
}
