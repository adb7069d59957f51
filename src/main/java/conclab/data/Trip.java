package conclab.data;

/**
 * One row of the trips data set: {@code 2026-03-01T07:42:10,Bastille,12,2.80} is a trip that started at
 * that time at the Bastille station, lasted 12 minutes and cost 2.80 €.
 *
 * @param time    when it started, ISO-8601 local time ({@code yyyy-MM-ddTHH:mm:ss}); {@link #day()} is its date
 * @param station where it started
 * @param minutes how long it lasted
 * @param cents   what it cost, in cents: whole numbers add up exactly in any order, unlike doubles
 */
public record Trip(String time, String station, int minutes, long cents) {

    /** The CSV header of the data set. */
    public static final String HEADER = "time,station,minutes,fare";

    /**
     * Parses one CSV line (not the header): four fields separated by commas, the fare with exactly two
     * decimals.
     *
     * @throws IllegalArgumentException naming the line when it is not such a row
     */
    public static Trip parse(String line) {
        int a = line.indexOf(','), b = line.indexOf(',', a + 1), c = line.indexOf(',', b + 1);
        if (a < 0 || b < 0 || c < 0 || line.indexOf(',', c + 1) >= 0)
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.trip_fields", line));
        try {
            return new Trip(line.substring(0, a), line.substring(a + 1, b),
                    Integer.parseInt(line, b + 1, c, 10), cents(line, c + 1, line.length()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.trip_numbers", line), e);
        }
    }

    /** {@code "2.80"} → 280: the fare in cents, read without going through a {@code double}. */
    public static long cents(String fare) {
        return cents(fare, 0, fare.length());
    }

    private static long cents(CharSequence s, int from, int to) {
        int dot = to - 3;
        if (dot <= from || s.charAt(dot) != '.')
            throw new NumberFormatException("not an amount with two decimals: " + s.subSequence(from, to));
        return Long.parseLong(s, from, dot, 10) * 100 + Integer.parseInt(s, dot + 1, to, 10);
    }

    /** The date part of {@link #time}: {@code "2026-03-01"}. */
    public String day() {
        return time.substring(0, 10);
    }

    /** This trip as a CSV line, the inverse of {@link #parse}. */
    public String toCsv() {
        return time + "," + station + "," + minutes + "," + Tally.euros(cents);
    }
}
