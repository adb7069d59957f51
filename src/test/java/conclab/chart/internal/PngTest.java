package conclab.chart.internal;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class PngTest {

    @Test
    void decodesToTheSamePixels() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        for (int h : new int[] {1, 2, 63, 64, 65, 129, 257, 1000}) {
            int w = 1 + r.nextInt(300);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            var g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            for (int i = 0; i < 50; i++) {   // chart-like blocks, and some noise
                g.setColor(new Color(r.nextInt(1 << 24)));
                g.fillRect(r.nextInt(w), r.nextInt(h), 1 + r.nextInt(40), 1 + r.nextInt(40));
            }
            g.dispose();
            for (int i = 0; i < w; i++) img.setRGB(i, r.nextInt(h), r.nextInt(1 << 24));
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(Png.encode(img)));
            assertNotNull(back, "decodable, " + w + "×" + h);
            assertEquals(w, back.getWidth());
            assertEquals(h, back.getHeight());
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(img.getRGB(x, y), back.getRGB(x, y), "pixel " + x + "," + y + " of " + w + "×" + h);
                }
            }
        }
    }

    @Test
    void filteredRowsCarryTheAdlerOfTheirBytes() {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 40; round++) {
            int w = 1 + r.nextInt(round < 20 ? 8 : 3000), h = 1 + r.nextInt(round < 20 ? 8 : 300);
            int[] px = new int[w * h];
            for (int i = 0; i < px.length; i++) {
                // rows that mostly repeat the row above, as in charts; sometimes wholly
                px[i] = i >= w && r.nextInt(10) > 0 ? px[i - w] : r.nextInt(1 << 24) | (r.nextBoolean() ? 0xFF000000 : 0);
            }
            Png.Filtered f = Png.filter(px, w, h);
            java.util.zip.Adler32 a = new java.util.zip.Adler32();
            a.update(f.bytes());
            assertEquals((int) a.getValue(), f.adler(), w + "×" + h);
            assertEquals(h * (1 + 3 * w), f.bytes().length);
        }
    }
}
