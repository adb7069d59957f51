package conclab.chart.internal;

import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Paints a {@link Painter} to a bitmap, PNG bytes or SVG text. Always headless. */
public final class Render {

    static {
        headless();
    }

    private Render() {}

    /** Something that paints itself into a {@code width × height} box at the origin of {@code g}. */
    @FunctionalInterface
    public interface Painter {
        void paint(Graphics2D g, int width, int height);
    }

    /** Sets {@code java.awt.headless=true} unless the program chose otherwise before AWT started. */
    public static void headless() {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Paints at {@code scale} (2 for sharp screens) on a white RGB image of {@code width·scale × height·scale}. */
    public static BufferedImage image(Painter p, int width, int height, double scale) {
        int w = (int) Math.round(width * scale), h = (int) Math.round(height * scale);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.scale(scale, scale);
            p.paint(g, width, height);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** PNG bytes of {@code img}, by the project's fast encoder ({@link Png}). */
    public static byte[] png(BufferedImage img) {
        return Png.encode(img);
    }

    /** SVG text of the painter at 1× size. */
    public static String svg(Painter p, int width, int height) {
        VectorGraphics2D g = new VectorGraphics2D();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        p.paint(g, width, height);
        Document doc = new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width, height));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            doc.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
