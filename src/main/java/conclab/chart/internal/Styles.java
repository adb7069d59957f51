package conclab.chart.internal;

import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;

/** The house style applied to every XChart chart: light grid, compact fonts, legend outside. */
public final class Styles {

    private Styles() {}

    public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    public static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /**
     * XChart puts x ticks exactly at the data's x values when those (with the axis ends) are equally
     * spaced, e.g. resampled columns: 17.149598, 34.299196, … An invisible point breaks the spacing so
     * the usual round-number ticks are chosen.
     */
    public static void roundTicks(org.knowm.xchart.XYChart c, double xMax, double y) {
        var s = c.addSeries("\u200B", new double[]{0, xMax * 0.3719}, new double[]{y, y});
        s.setShowInLegend(false);
        s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        s.setLineColor(new Color(0, 0, 0, 0));
        s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.NONE);
    }

    /**
     * A series that shows only as a legend entry, for what a layer paints itself: its points lie at
     * y = −5, below a y axis that starts at −1 or above, where XChart clips them. Its x values are
     * deliberately not equally spaced with the axis ends: XChart would then put ticks only there.
     */
    public static org.knowm.xchart.XYSeries legendOnly(org.knowm.xchart.XYChart c, String name,
            org.knowm.xchart.XYSeries.XYSeriesRenderStyle style, Color colour, double xMax) {
        double x = xMax * 0.37;
        var s = c.addSeries(name, new double[]{0, x, x}, new double[]{-5, -5, -5});
        s.setXYSeriesRenderStyle(style);
        s.setLineColor(colour);
        s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        return s;
    }

    public static void apply(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0xBBBBBB));
        s.setPlotGridLinesColor(new Color(0xE4E4E4));
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setLegendFont(TEXT);
        s.setAxisTitleFont(TEXT);
        s.setAxisTickLabelsFont(TEXT);
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartPadding(8);
        s.setToolTipsEnabled(false);
        s.setSeriesColors(Palette.SERIES);
        // tick labels in the session's number conventions (1 000,5 in French); English as before
        s.setLocale(conclab.text.Language.numbers() == java.util.Locale.ROOT ? java.util.Locale.ROOT
                : conclab.text.Language.locale());
    }
}
