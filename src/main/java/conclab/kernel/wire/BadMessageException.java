package conclab.kernel.wire;

/** A message that cannot be accepted: bad signature, replay, malformed frames or JSON. */
public final class BadMessageException extends Exception {
    public BadMessageException(String reason) {
        super(reason, null, false, false);
    }
}
