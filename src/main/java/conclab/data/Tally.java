package conclab.data;

/**
 * What a group of trips adds up to: how many, and their fares in cents. Immutable; {@link #plus} adds
 * two tallies, in any order and any grouping with the same result (whole numbers), which is what lets
 * partial tallies made on different threads be merged.
 *
 * @param trips how many trips
 * @param cents their fares added up, in cents
 */
public record Tally(long trips, long cents) {

    /*
     * The one piece of mutable static state here: while DataChecks.parallel runs, the threads of its own
     * pool meet inside plus (a stop point the check injects, so that two threads that read the same
     * map entry both do so before either writes it back, on one core as on many). Null otherwise, and
     * threads of other pools never wait: a volatile read per call is all it costs.
     */
    static volatile DataChecks.Meeting meeting;
    /**
     * The same for {@link #of}, a meeting of its own: two threads that both found a station missing (a
     * {@code containsKey}, a {@code get} that says null) both make its first tally before either puts it.
     */
    static volatile DataChecks.Meeting making;

    /** Nothing yet. */
    public static final Tally ZERO = new Tally(0, 0);

    /** One trip of {@code cents}. */
    public static Tally of(long cents) {
        DataChecks.Meeting m = making;
        if (m != null) m.step();
        return new Tally(1, cents);
    }

    /** Both tallies together. */
    public Tally plus(Tally other) {
        DataChecks.Meeting m = meeting;
        if (m != null) m.step();
        return new Tally(trips + other.trips, cents + other.cents);
    }

    /** This tally and one more trip of {@code cents}. */
    public Tally plus(long cents) {
        DataChecks.Meeting m = meeting;
        if (m != null) m.step();
        return new Tally(trips + 1, this.cents + cents);
    }

    /** The mean fare in euros (NaN for no trips). */
    public double meanFare() {
        return trips == 0 ? Double.NaN : cents / 100.0 / trips;
    }

    /** The total in euros, as text with two decimals: {@code 1234.50}. */
    public String total() {
        return euros(cents);
    }

    static String euros(long cents) {
        String sign = cents < 0 ? "-" : "";
        long c = Math.abs(cents);
        return sign + c / 100 + "." + (c % 100 < 10 ? "0" : "") + c % 100;
    }

    @Override
    public String toString() {
        // in French: 12 trajets, 34,50 € (the English text as it always was)
        return conclab.text.Messages.hint("data.tally", trips, conclab.text.Language.french() ? total().replace('.', ',') : total());
    }
}
