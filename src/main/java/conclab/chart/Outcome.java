package conclab.chart;

import java.util.Objects;

/**
 * One observed outcome of a race, in the manner of jcstress: what the threads saw, how often, and
 * whether that is allowed.
 *
 * @param outcome what was observed, e.g. {@code "1, 0"}
 * @param count   how many times
 * @param verdict acceptable, interesting or forbidden
 * @param note    why, may be empty
 */
public record Outcome(String outcome, long count, Verdict verdict, String note) {

    /** How an outcome is judged. */
    public enum Verdict {
        /** Allowed and expected. */
        ACCEPTABLE,
        /** Allowed, but worth a look (a stale read, a reordering). */
        INTERESTING,
        /** Not allowed: the code is broken. */
        FORBIDDEN
    }

    public Outcome {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(verdict, "verdict");
        if (count < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.count_negative"));
        note = note == null ? "" : note;
    }

    /** An outcome without a note. */
    public static Outcome of(String outcome, long count, Verdict verdict) {
        return new Outcome(outcome, count, verdict, "");
    }
}
