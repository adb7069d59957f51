package conclab.chart;

import conclab.chart.internal.Units;
import org.HdrHistogram.AbstractHistogram;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What the latency charts ({@link HistogramChart}, {@link PercentileChart}) share: named HdrHistograms
 * drawn together, the unit their values were recorded in, and the facts for the title.
 *
 * @param <C> the chart's own type, returned by the setters
 */
abstract sealed class LatencyChart<C extends LatencyChart<C>> extends LabChart<C>
        permits HistogramChart, PercentileChart {

    /** The histograms by label, in the order added. Owned by the building thread, like every setter. */
    final Map<String, AbstractHistogram> histograms = new LinkedHashMap<>();
    TimeUnit unit = TimeUnit.NANOSECONDS;
    Map<String, String> meta = Map.of();

    LatencyChart(String title, int width, int height, String label, AbstractHistogram h) {
        super(title, width, height);
        add(label, h);
    }

    /** Adds a histogram, drawn with (over) the others. */
    public C add(String label, AbstractHistogram h) {
        histograms.put(Objects.requireNonNull(label, "label"), Objects.requireNonNull(h, "histogram"));
        return self();
    }

    /** The unit the histograms' values were recorded in (default nanoseconds). */
    public C unit(TimeUnit unit) {
        this.unit = Objects.requireNonNull(unit, "unit");
        return self();
    }

    /** Facts for the title ({@code jdk}, {@code cores}, {@code runs}). */
    public C meta(Map<String, String> meta) {
        this.meta = Map.copyOf(meta);
        return self();
    }

    /** The unit that reads best for the largest median of the histograms. */
    Units.Unit displayUnit() {
        double typical = histograms.values().stream().filter(h -> h.getTotalCount() > 0)
                .mapToDouble(h -> h.getValueAtPercentile(50)).max().orElse(1);
        return Units.pick(typical, unit);
    }

    /** Values recorded in all the histograms, capped at {@code Integer.MAX_VALUE}. */
    int samples() {
        return (int) Math.min(Integer.MAX_VALUE, histograms.values().stream().mapToLong(AbstractHistogram::getTotalCount).sum());
    }
}
