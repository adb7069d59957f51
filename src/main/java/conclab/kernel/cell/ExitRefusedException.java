package conclab.kernel.cell;

/** Thrown instead of ending the kernel's JVM when cell code calls {@code System.exit} or {@code Runtime.halt}. */
public final class ExitRefusedException extends RuntimeException {
    public ExitRefusedException(String call, int status) {
        super(call + "(" + status + ") was refused: it would end the kernel and every notebook using it. "
                + "To stop this cell, return or throw; to end the kernel, use Kernel > Shut Down or Restart.",
                null, false, true);
    }
}
