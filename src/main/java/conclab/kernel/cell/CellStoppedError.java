package conclab.kernel.cell;

/**
 * Thrown by a stop check in cell code when its cell was interrupted. An {@link Error}, so that
 * {@code catch (Exception e)} in cell code does not swallow it.
 */
public final class CellStoppedError extends Error {
    public CellStoppedError() {
        super("the cell was interrupted", null, false, false);
    }
}
