package conclab.chart;

import conclab.chart.internal.Styles;

import java.awt.Color;
import java.awt.Graphics2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Several charts as one image, in a grid filled row by row: e.g. a timeline above a concurrency chart,
 * or the same chart for each strategy side by side. Each chart keeps its own size; a cell is as large
 * as the largest chart in it. The text form is the charts' texts one after another.
 *
 * <pre>{@code
 * Charts.figure(Charts.timeline(seq), Charts.timeline(pool)).columns(2).title("Sequential vs pool")
 * }</pre>
 */
public final class Figure extends LabChart<Figure> {

    private final List<LabChart<?>> charts = new ArrayList<>();
    private int columns = 2;

    Figure(List<? extends LabChart<?>> charts) {
        super("", 0, 0);
        this.charts.addAll(charts);
    }

    /** Adds a chart in the next cell. */
    public Figure add(LabChart<?> chart) {
        charts.add(Objects.requireNonNull(chart, "chart"));
        return this;
    }

    /** Charts per row (default 2). */
    public Figure columns(int columns) {
        if (columns < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.columns_lt1"));
        this.columns = columns;
        return this;
    }

    /** The charts, in grid order. */
    public List<LabChart<?>> charts() {
        return List.copyOf(charts);
    }

    private int cols() {
        return Math.max(1, Math.min(columns, charts.size()));
    }

    private int rows() {
        return Math.max(1, (charts.size() + cols() - 1) / cols());
    }

    private int cellW() {
        return charts.stream().mapToInt(LabChart::width).max().orElse(400);
    }

    private int cellH() {
        return charts.stream().mapToInt(LabChart::height).max().orElse(300);
    }

    private int titleH() {
        return title().isBlank() ? 0 : 28;
    }

    @Override
    public int width() {
        return cols() * cellW();
    }

    @Override
    public int height() {
        return rows() * cellH() + titleH();
    }

    /** Figures are sized by their charts; set the charts' sizes instead. */
    @Override
    public Figure size(int width, int height) {
        throw new UnsupportedOperationException("a figure is sized by its charts: size each chart");
    }

    @Override
    void paint(Graphics2D g, int width, int height) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int th = titleH();
        if (th > 0) {
            g.setColor(Color.BLACK);
            g.setFont(Styles.TITLE.deriveFont(15f));
            var fm = g.getFontMetrics();
            g.drawString(title(), (width - fm.stringWidth(title())) / 2f, 20);
        }
        int cw = cellW(), ch = cellH(), cols = cols();
        for (int i = 0; i < charts.size(); i++) {
            LabChart<?> c = charts.get(i);
            Graphics2D cell = (Graphics2D) g.create((i % cols) * cw, th + (i / cols) * ch, cw, ch);
            try {
                // centred in its cell when smaller than the largest chart
                cell.translate((cw - c.width()) / 2, (ch - c.height()) / 2);
                c.paint(cell, c.width(), c.height());
            } finally {
                cell.dispose();
            }
        }
    }

    /** The figure's title and the words of each of its charts ({@code charts}). */
    @Override
    public java.util.Map<String, Object> words() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("title", title());
        out.put("charts", charts.stream().map(LabChart::words).toList());
        return out;
    }

    @Override
    String text(int columns) {
        StringBuilder sb = new StringBuilder();
        if (!title().isBlank()) sb.append(title()).append('\n').append("═".repeat(Math.min(columns, title().length()))).append('\n');
        for (int i = 0; i < charts.size(); i++) {
            if (i > 0) sb.append('\n');
            sb.append(charts.get(i).text(columns));
        }
        return sb.toString();
    }
}
