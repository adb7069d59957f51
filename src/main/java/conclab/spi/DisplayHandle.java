package conclab.spi;

/**
 * A value shown by {@link Host#display(Object)}; {@link #update(Object)} replaces it in place.
 * Safe to use from any thread, also after the cell that created it has finished.
 */
public interface DisplayHandle {

    /** Replaces what this handle shows with {@code value}. */
    void update(Object value);

    /** The display id (unique per kernel session). */
    String id();
}
