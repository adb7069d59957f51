package conclab.task;

/**
 * Thrown when tasks of a run failed: the cause is the first failure, the others are suppressed.
 * The run itself finished (or, for {@link Strategy#structured()}, cancelled the other tasks) first.
 */
public final class TaskFailedException extends RuntimeException {

    /** Creates the exception for {@code failures} (at least one) of a run. */
    public TaskFailedException(String run, java.util.Collection<Throwable> failures) {
        super(failures.size() + " task(s) of " + run + " failed; first: " + failures.iterator().next(),
                failures.iterator().next());
        boolean first = true;
        for (Throwable t : failures) {
            if (!first) addSuppressed(t);
            first = false;
        }
    }
}
