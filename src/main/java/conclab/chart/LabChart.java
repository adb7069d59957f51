package conclab.chart;

import conclab.chart.internal.Render;
import conclab.spi.Displayable;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What every Concurrency Lab chart can do: show itself in a notebook (PNG at 2×, SVG on request), print
 * itself as Unicode text in JShell ({@link #toString()}), and save itself to a file.
 *
 * <p>A chart is a small builder: setters return the chart itself, so a chart is configured in one
 * expression, e.g. {@code Charts.timeline(trace).title("Pool of 2").size(900, 400)}. Nothing is drawn
 * until the chart is shown, saved or printed; each rendering reads the inputs given so far. Charts are
 * not thread-safe while being configured; once configured they may be rendered from any thread.
 *
 * <p>Start from {@link Charts}.
 *
 * @param <C> the concrete chart type, returned by the setters
 */
public abstract class LabChart<C extends LabChart<C>> implements Displayable {

    /** Scale of the bitmap a notebook gets: 2 for sharp (HiDPI) screens. */
    public static final double PNG_SCALE = 2.0;

    private String title;
    private int width;
    private int height;

    LabChart(String title, int width, int height) {
        this.title = title;
        this.width = width;
        this.height = height;
    }

    @SuppressWarnings("unchecked")
    final C self() {
        return (C) this;
    }

    /** Sets the title; the JDK, core count and number of runs are appended to it. */
    public C title(String title) {
        this.title = Objects.requireNonNull(title, "title");
        return self();
    }

    /** Sets the size in CSS pixels (the 1× size; the PNG has twice as many pixels each way). */
    public C size(int width, int height) {
        if (width < 100 || height < 80) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.too_small", width, height));
        this.width = width;
        this.height = height;
        return self();
    }

    /** The title as set, without the facts appended. */
    public String title() {
        return title;
    }

    /** Width at 1× in CSS pixels: what a notebook's {@code image/png} metadata should state. */
    public int width() {
        return width;
    }

    /** Height at 1× in CSS pixels. */
    public int height() {
        return height;
    }

    /**
     * Paints the chart into a {@code width × height} box at the origin of {@code g}: its XChart chart
     * ({@code toXChart()}), or the {@link #emptyNotice()} when it has nothing to draw. A chart that XChart
     * does not draw as one chart (a figure) overrides this instead.
     */
    void paint(Graphics2D g, int width, int height) {
        String empty = emptyNotice();
        if (empty != null) {
            g.setColor(java.awt.Color.DARK_GRAY);
            g.drawString(empty, 20, 30);
            return;
        }
        var chart = toXChart();
        chart.paint(g, width, height);
        drawn = words(chart);
    }

    /** The words of the chart last painted (see {@link #words()}), or null before the first painting. */
    private volatile Map<String, Object> drawn;

    /**
     * The words this chart shows, read from the chart object rather than its pixels: {@code title},
     * {@code x} and {@code y} (the axis titles; {@code y2} the right axis's, when it has its own), {@code legend} (the series names shown) and {@code locale}
     * (the language tag its tick labels are formatted in). A notebook gets them as the metadata of the
     * chart's {@code text/plain} (key {@code conclab/chart}): what tests of the French edition read.
     */
    public Map<String, Object> words() {
        Map<String, Object> last = drawn;
        if (last != null) return last;
        try {
            return words(toXChart());
        } catch (UnsupportedOperationException notOneChart) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("title", title());
            return out;
        }
    }

    static Map<String, Object> words(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("title", chart.getTitle());
        out.put("x", chart.getXAxisTitle());
        out.put("y", chart.getYAxisGroupTitle(0));   // the left axis's own title, else the chart's y title
        String right = chart.getYAxisGroupTitle(1);
        if (right != null && !right.equals(out.get("y"))) out.put("y2", right);
        java.util.List<String> legend = new java.util.ArrayList<>();
        for (Object s : chart.getSeriesMap().values()) {
            var series = (org.knowm.xchart.internal.series.Series) s;
            if (series.isShowInLegend() && !series.getName().isBlank() && !"\u200B".equals(series.getName())) {
                legend.add(series.getName());
            }
        }
        out.put("legend", legend);
        if (chart.getStyler() instanceof org.knowm.xchart.style.AxesChartStyler axes) {
            out.put("locale", axes.getLocale().toLanguageTag());
        }
        return out;
    }

    /** The XChart chart this draws; each kind drawn by XChart overrides it, public, with its own type. */
    org.knowm.xchart.internal.chartpart.Chart<?, ?> toXChart() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is not drawn as one XChart chart");
    }

    /** The line shown instead of a chart with nothing to draw, or null when there is something. */
    String emptyNotice() {
        return null;
    }

    /** The Unicode text form, about {@code columns} characters wide. */
    abstract String text(int columns);

    /** The Unicode text form, about 80 characters wide: what plain JShell prints. */
    public String text() {
        return text(conclab.chart.internal.TextArt.WIDTH);
    }

    /** The chart as a bitmap at {@code scale} (1 = CSS pixels). */
    public BufferedImage image(double scale) {
        Charts.drawing();
        return Render.image(this::paint, width(), height(), scale);
    }

    /** PNG bytes at {@link #PNG_SCALE}. */
    public byte[] png() {
        return png(PNG_SCALE);
    }

    /** PNG bytes at {@code scale}. */
    public byte[] png(double scale) {
        return Render.png(image(scale));
    }

    /** This chart as SVG instead of PNG, for {@code display(chart.asSvg())}: vector, sharp at any zoom. */
    public Displayable asSvg() {
        return accepted -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put(SVG, svg());
            out.put(PLAIN, text());
            return out;
        };
    }

    /** SVG document text at 1× size. */
    public String svg() {
        Charts.drawing();
        return Render.svg(this::paint, width(), height());
    }

    /**
     * Writes the chart to {@code file}: SVG when the name ends in {@code .svg}, PNG (at 2×) when it ends in
     * {@code .png}, text when it ends in {@code .txt}.
     *
     * @return {@code file}
     * @throws IllegalArgumentException for any other extension
     */
    public Path save(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) Files.writeString(file, svg(), StandardCharsets.UTF_8);
        else if (name.endsWith(".png")) Files.write(file, png());
        else if (name.endsWith(".txt")) Files.writeString(file, text(), StandardCharsets.UTF_8);
        else throw new IllegalArgumentException(conclab.text.Messages.hint("arg.save_as", file));
        return file;
    }

    /**
     * PNG (2×) when {@code image/png} is accepted, SVG when {@code image/svg+xml} is, and the text form when
     * {@code text/plain} is. An empty {@code accepted} set means text only.
     */
    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (accepted.contains(PNG)) out.put(PNG, png());
        if (accepted.contains(SVG)) out.put(SVG, svg());
        if (accepted.contains(PLAIN) || accepted.isEmpty()) out.put(PLAIN, text());
        return out;
    }

    /** Display metadata a notebook wants beside the bundle: the 1× size of the PNG. */
    public Map<String, Object> mimeMetadata() {
        return Map.of(PNG, Map.of("width", width(), "height", height()));
    }

    /** The PNG is rendered at 2×: hosts show it at its 1× size ({@code width}, {@code height}). */
    @Override
    public Map<String, Object> metadata(String mimeType) {
        if (PNG.equals(mimeType)) return Map.of("width", width(), "height", height());
        if (PLAIN.equals(mimeType)) return Map.of("conclab/chart", words());
        return Map.of();
    }

    /** The Unicode text form. */
    @Override
    public String toString() {
        return text();
    }
}
