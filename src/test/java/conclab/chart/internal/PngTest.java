package conclab.chart.internal;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.SplittableRandom;
import java.util.zip.Adler32;

import static org.junit.jupiter.api.Assertions.*;

class PngTest {

    @Test
    void decodesToTheSamePixelsAtEveryBandSplit() throws Exception {
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
    void adlerOfTwoPartsCombinesToTheAdlerOfTheWhole() {
        SplittableRandom r = new SplittableRandom(3);
        for (int round = 0; round < 50; round++) {
            byte[] a = new byte[r.nextInt(200_000)], b = new byte[r.nextInt(200_000)];
            for (int i = 0; i < a.length; i++) a[i] = (byte) r.nextInt();
            for (int i = 0; i < b.length; i++) b[i] = (byte) (i % 7 == 0 ? 255 : r.nextInt());
            Adler32 whole = new Adler32(), pa = new Adler32(), pb = new Adler32();
            whole.update(a);
            whole.update(b);
            pa.update(a);
            pb.update(b);
            assertEquals(whole.getValue(), Png.adlerCombine(pa.getValue(), pb.getValue(), b.length));
        }
    }
}
