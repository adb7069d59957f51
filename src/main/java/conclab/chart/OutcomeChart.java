package conclab.chart;

import conclab.chart.internal.Palette;
import conclab.chart.internal.Styles;
import conclab.chart.internal.TextArt;
import conclab.chart.internal.Titles;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Outcome counts of a race, jcstress style: one bar per outcome, green when acceptable, orange when
 * interesting, red when forbidden.
 *
 * <pre>{@code
 * Charts.outcomes()
 *       .add("2", 9_870, Verdict.ACCEPTABLE).add("1", 130, Verdict.FORBIDDEN)
 *       .title("counter++ from two threads")
 * }</pre>
 */
public final class OutcomeChart extends LabChart<OutcomeChart> {

    private final List<Outcome> outcomes = new ArrayList<>();
    private Map<String, String> meta = Map.of();

    OutcomeChart() {
        super(conclab.text.Messages.get("chart.title.outcomes"), 640, 380);
    }

    /** Adds an outcome. */
    public OutcomeChart add(Outcome o) {
        outcomes.add(Objects.requireNonNull(o, "outcome"));
        return this;
    }

    /** Adds an outcome. */
    public OutcomeChart add(String outcome, long count, Outcome.Verdict verdict) {
        return add(Outcome.of(outcome, count, verdict));
    }

    /** Facts for the title ({@code jdk}, {@code cores}, {@code runs}). */
    public OutcomeChart meta(Map<String, String> meta) {
        this.meta = Map.copyOf(meta);
        return this;
    }

    /** The outcomes, in the order added. */
    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    private long total() {
        return outcomes.stream().mapToLong(Outcome::count).sum();
    }

    private String fullTitle() {
        return Titles.full(title(), meta, (int) Math.min(Integer.MAX_VALUE, total()));
    }

    static Color colour(Outcome.Verdict v) {
        return switch (v) {
            case ACCEPTABLE -> Palette.ACCEPTABLE;
            case INTERESTING -> Palette.INTERESTING;
            case FORBIDDEN -> Palette.FORBIDDEN;
        };
    }

    /** The XChart chart this draws, built anew on each call. */
    @Override
    public CategoryChart toXChart() {
        CategoryChart c = new CategoryChart(width(), height());
        Styles.apply(c.getStyler());
        c.setTitle(fullTitle());
        c.setXAxisTitle(conclab.text.Messages.get("chart.axis.outcome"));
        c.setYAxisTitle(conclab.text.Messages.get("chart.axis.count"));
        c.getStyler().setOverlapped(true);
        c.getStyler().setLabelsVisible(false);
        c.getStyler().setYAxisMin(0.0);
        List<String> xs = outcomes.stream().map(Outcome::outcome).toList();
        for (Outcome.Verdict v : Outcome.Verdict.values()) {
            if (outcomes.stream().noneMatch(o -> o.verdict() == v)) continue;
            List<Double> ys = outcomes.stream().map(o -> o.verdict() == v ? (double) o.count() : 0.0).toList();
            CategorySeries s = c.addSeries(v.name().toLowerCase(Locale.ROOT), xs, ys);
            s.setFillColor(colour(v));
        }
        return c;
    }

    @Override
    String emptyNotice() {
        return outcomes.isEmpty() ? fullTitle() + ": no outcomes" : null;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder(fullTitle()).append('\n');
        if (outcomes.isEmpty()) return sb.append("(no outcomes)\n").toString();
        int labelW = Math.min(16, outcomes.stream().mapToInt(o -> o.outcome().length()).max().orElse(4));
        long max = outcomes.stream().mapToLong(Outcome::count).max().orElse(1);
        long total = Math.max(1, total());
        int barW = Math.max(10, columns - labelW - 34);
        for (Outcome o : outcomes) {
            String tag = switch (o.verdict()) {
                case ACCEPTABLE -> "ok  ";
                case INTERESTING -> "!   ";
                case FORBIDDEN -> "FORB";
            };
            sb.append(TextArt.right(TextArt.fit(o.outcome(), labelW).strip(), labelW)).append(" │")
                    .append(TextArt.fit(TextArt.bar(o.count(), max, barW), barW))
                    .append(conclab.text.Messages.format("│ %s %,12d %5.1f%%", tag, o.count(), 100.0 * o.count() / total))
                    .append(o.note().isEmpty() ? "" : "  " + o.note()).append('\n');
        }
        return sb.toString();
    }
}
