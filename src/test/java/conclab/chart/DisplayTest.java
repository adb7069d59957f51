package conclab.chart;

import conclab.spi.Displayable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DisplayTest {

    @Test
    void mimeBundleGivesWhatIsAccepted() throws Exception {
        TimelineChart c = Charts.timeline(TestTraces.small()).size(640, 300);
        Map<String, Object> b = c.mimeBundle(Set.of(Displayable.PNG, Displayable.PLAIN));
        assertEquals(Set.of(Displayable.PNG, Displayable.PLAIN), b.keySet());
        Pixels.decode((byte[]) b.get(Displayable.PNG), c);
        assertEquals(c.toString(), b.get(Displayable.PLAIN));
        assertEquals(Map.of("width", 640, "height", 300), c.mimeMetadata().get(Displayable.PNG));
        Map<String, Object> svg = c.mimeBundle(Set.of(Displayable.SVG));
        Pixels.assertSvg((String) svg.get(Displayable.SVG));
        assertEquals(Set.of(Displayable.PLAIN), c.mimeBundle(Set.of()).keySet());
    }

    @Test
    void asSvgShowsTheChartAsSvgWhateverTheHostAsksFor() throws Exception {
        TimelineChart c = Charts.timeline(TestTraces.small()).size(640, 300);
        Map<String, Object> b = c.asSvg().mimeBundle(Set.of(Displayable.PNG, Displayable.PLAIN));
        assertEquals(Set.of(Displayable.SVG, Displayable.PLAIN), b.keySet());
        Pixels.assertSvg((String) b.get(Displayable.SVG));
        assertEquals(Map.of("width", 640, "height", 300), c.metadata(Displayable.PNG));
    }

    @Test
    void saveByExtension(@TempDir Path dir) throws Exception {
        TimelineChart c = Charts.timeline(TestTraces.small());
        Path png = c.save(dir.resolve("t.png")), svg = c.save(dir.resolve("t.SVG")), txt = c.save(dir.resolve("t.txt"));
        Pixels.decode(Files.readAllBytes(png), c);
        Pixels.assertSvg(Files.readString(svg));
        assertEquals(c.text(), Files.readString(txt));
        assertThrows(IllegalArgumentException.class, () -> c.save(dir.resolve("t.pdf")));
    }

    @Test
    void pngEncoderIsLossless() throws Exception {
        TimelineChart c = Charts.timeline(TestTraces.small()).size(300, 200);
        java.awt.image.BufferedImage img = c.image(1.0);
        java.awt.image.BufferedImage back = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                conclab.chart.internal.Png.encode(img)));
        assertEquals(img.getWidth(), back.getWidth());
        assertEquals(img.getHeight(), back.getHeight());
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++)
                assertEquals(img.getRGB(x, y) & 0xFFFFFF, back.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
    }
}
