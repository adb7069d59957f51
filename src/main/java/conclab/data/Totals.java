package conclab.data;

import conclab.spi.Mime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Trips per station: the lab's reference aggregations, which the lesson's cells use once the learner has
 * written their own, and the comparison every experiment makes with the sequential result.
 * A result is a {@code Map<String, Tally>}: station → its trips and fares.
 */
public final class Totals {

    private Totals() {}

    /** Reads {@code file} (a CSV with the header) line by line on this thread and adds up each station's trips. */
    public static Map<String, Tally> sequential(Path file) {
        var totals = new HashMap<String, Tally>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = in.readLine();                                   // the header
            while ((line = in.readLine()) != null) {
                Trip t = Trip.parse(line);
                totals.merge(t.station(), Tally.of(t.cents()), Tally::plus);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return totals;
    }

    /**
     * The per-station totals of {@code lines} (rows; the header is skipped wherever it comes), sequential
     * or parallel: each piece of a parallel stream fills a map of its own, and the pieces' maps are merged
     * two by two.
     */
    public static Map<String, Tally> of(Stream<String> lines) {
        return lines.filter(line -> !line.equals(Trip.HEADER)).map(Trip::parse).collect(HashMap::new,
                (m, t) -> m.merge(t.station(), Tally.of(t.cents()), Tally::plus),
                Totals::mergeInto);
    }

    /** Adds every tally of {@code part} into {@code into}. */
    public static void mergeInto(Map<String, Tally> into, Map<String, Tally> part) {
        part.forEach((station, tally) -> into.merge(station, tally, Tally::plus));
    }

    /** The sum of several results. */
    public static Map<String, Tally> merged(Iterable<Map<String, Tally>> parts) {
        var all = new HashMap<String, Tally>();
        for (var p : parts) mergeInto(all, p);
        return all;
    }

    /** The trips of every station added up. */
    public static Tally overall(Map<String, Tally> totals) {
        return totals.values().stream().reduce(Tally.ZERO, Tally::plus);
    }

    /**
     * Checks that {@code actual} is {@code expected} (the sequential result) station by station, and
     * returns a line saying so.
     *
     * @throws IllegalStateException naming the first station that differs: a parallel result that is not
     *                               the sequential one is a bug, not a rounding matter (the sums are whole cents)
     */
    public static String same(Map<String, Tally> expected, Map<String, Tally> actual) {
        var stations = new TreeSet<String>(expected.keySet());
        stations.addAll(actual.keySet());
        for (String s : stations)
            if (!Objects.equals(expected.get(s), actual.get(s)))
                throw new IllegalStateException(conclab.text.Messages.hint("data.not_sequential", s, actual.get(s), expected.get(s)));
        return conclab.text.Messages.hint("data.same", overall(actual));
    }

    /** The totals as a table, busiest station first: trips, total fares and mean fare. */
    public static Mime table(Map<String, Tally> totals) {
        var rows = new StringBuilder();
        totals.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Tally> e) -> -e.getValue().trips()).thenComparing(Map.Entry::getKey))
                .forEach(e -> rows.append("<tr><td>").append(conclab.trace.Html.escape(e.getKey())).append("</td><td>")
                        .append(conclab.text.Messages.format("%,d", e.getValue().trips())).append("</td><td>")
                        .append(euros(e.getValue().total())).append("</td><td>")
                        .append(conclab.text.Messages.format("%.2f", e.getValue().meanFare())).append("</td></tr>"));
        Tally all = overall(totals);
        var head = new StringBuilder();
        for (String h : java.util.List.of("station", "trips", "fares (€)", "mean fare (€)"))
            head.append("<th>").append(conclab.trace.Html.escape(conclab.trace.Format.column(h))).append("</th>");
        return Mime.html("<table><thead><tr>" + head + "</tr></thead><tbody>"
                + rows + "<tr><th>" + conclab.trace.Html.escape(conclab.trace.Format.column("all")) + "</th><th>"
                + conclab.text.Messages.format("%,d", all.trips()) + "</th><th>" + euros(all.total()) + "</th><th>"
                + conclab.text.Messages.format("%.2f", all.meanFare()) + "</th></tr></tbody></table>");
    }

    /** A total in euros as {@link Tally#total} writes it, with a decimal comma in French. */
    private static String euros(String total) {
        return conclab.text.Language.french() ? total.replace('.', ',') : total;
    }
}
