package conclab.chart;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on rendered charts: what a user would see. */
final class Pixels {

    private Pixels() {}

    /** Decodes PNG bytes, checking the size is the chart's 1× size times two. */
    static BufferedImage decode(byte[] png, LabChart<?> chart) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "PNG does not decode");
        assertEquals(chart.width() * 2, img.getWidth(), "PNG width at 2x");
        assertEquals(chart.height() * 2, img.getHeight(), "PNG height at 2x");
        return img;
    }

    /** Number of pixels of exactly {@code c}. */
    static int count(BufferedImage img, Color c) {
        int n = 0, rgb = c.getRGB() & 0xFFFFFF;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++)
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
        return n;
    }

    /** Rows that hold at least {@code min} pixels of exactly {@code c}. */
    static int[] rowsWith(BufferedImage img, Color c, int min) {
        int rgb = c.getRGB() & 0xFFFFFF;
        return java.util.stream.IntStream.range(0, img.getHeight()).filter(y -> {
            int n = 0;
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
            return n >= min;
        }).toArray();
    }

    /** First and last x of colour {@code c} in row {@code y}, or {-1, -1}. */
    static int[] extent(BufferedImage img, int y, Color c) {
        int rgb = c.getRGB() & 0xFFFFFF, first = -1, last = -1;
        for (int x = 0; x < img.getWidth(); x++) {
            if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                if (first < 0) first = x;
                last = x;
            }
        }
        return new int[]{first, last};
    }

    /** Asserts the image is not blank: at least {@code min} pixels that are neither white nor near-white. */
    static void notBlank(BufferedImage img, int min) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y += 2)
            for (int x = 0; x < img.getWidth(); x += 2) {
                int p = img.getRGB(x, y);
                int r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
                if (r + g + b < 600) n++;
            }
        assertTrue(n >= min, "image nearly blank: " + n + " dark pixels sampled");
    }

    /** Parses SVG text as XML (no DTD fetched) and checks the root is {@code svg}. */
    static void assertSvg(String svg) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setValidating(false);
        var doc = f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new StringReader(svg)));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertTrue(svg.getBytes(StandardCharsets.UTF_8).length > 500, "SVG too small");
    }
}
