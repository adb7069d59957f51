package conclab.chart.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A small, fast PNG encoder for charts: 8-bit RGB, the "Up" filter on every row (chart rows repeat, so
 * most filtered bytes are zero) and {@link Deflate}, an encoder that passes over runs of zeros at memory
 * speed. Written from the PNG specification (RFC 2083); lossless, any image decodes to the same pixels.
 */
public final class Png {

    private Png() {}

    private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};

    /** Encodes an image (any type; {@code TYPE_INT_RGB} is read directly). */
    public static byte[] encode(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] px;
        if (img.getType() == BufferedImage.TYPE_INT_RGB && img.getRaster().getDataBuffer() instanceof DataBufferInt db
                && img.getRaster().getSampleModelTranslateX() == 0 && db.getNumBanks() == 1 && db.getData().length == w * h) {
            px = db.getData();
        } else {
            px = img.getRGB(0, 0, w, h, null, 0, w);
        }
        Filtered f = filter(px, w, h);
        byte[] deflated = Deflate.compress(f.bytes(), f.bytes().length);

        ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length + 128);
        out.writeBytes(SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array(), 0, 13);
        // IDAT: one zlib stream, header (deflate, 32K window, fastest), the data, Adler-32 of the filtered bytes
        ByteBuffer idat = ByteBuffer.allocate(deflated.length + 6);
        idat.put((byte) 0x78).put((byte) 0x01).put(deflated).putInt(f.adler());
        chunk(out, "IDAT", idat.array(), 0, idat.capacity());
        chunk(out, "IEND", new byte[0], 0, 0);
        return out.toByteArray();
    }

    /** Filtered scanlines and their Adler-32 (the checksum the zlib stream ends with). */
    record Filtered(byte[] bytes, int adler) {}

    private static final int ADLER_BASE = 65521;

    /**
     * The scanlines, each a filter-type byte (2, "Up") and each byte minus the byte above. A chart row
     * mostly repeats the row above: the equal stretches are found by a vectorised comparison and left
     * as the zeros the new array holds; only differing pixels are computed. The Adler-32 is summed on
     * the way: a stretch of k zeros leaves its low sum as it is and adds k times it to the high sum.
     */
    static Filtered filter(int[] px, int w, int h) {
        int stride = 1 + 3 * w;
        byte[] raw = new byte[Math.multiplyExact(h, stride)];
        long lo = 1, hi = 0;   // Adler-32's two sums, reduced once per row (they stay far below 2^63)
        for (int y = 0; y < h; y++) {
            int o = y * stride, base = y * w, above = base - w;
            raw[o] = 2;
            lo += 2;
            hi += lo;
            for (int x = 0; x < w; ) {
                if (y > 0) {
                    int k = Arrays.mismatch(px, base + x, base + w, px, above + x, above + w);
                    int zeros = k < 0 ? w - x : k;
                    hi += 3L * zeros * lo;
                    if (k < 0) break;
                    x += k;
                }
                int q = o + 1 + 3 * x;
                do {
                    int p = px[base + x], a = y == 0 ? 0 : px[above + x];
                    byte r = (byte) ((p >> 16) - (a >> 16)), g = (byte) ((p >> 8) - (a >> 8)), b = (byte) (p - a);
                    raw[q++] = r;
                    raw[q++] = g;
                    raw[q++] = b;
                    lo += r & 0xff;
                    hi += lo;
                    lo += g & 0xff;
                    hi += lo;
                    lo += b & 0xff;
                    hi += lo;
                    x++;
                } while (x < w && (y == 0 || px[base + x] != px[above + x]));
                lo %= ADLER_BASE;
                hi %= ADLER_BASE;
            }
            lo %= ADLER_BASE;
            hi %= ADLER_BASE;
        }
        return new Filtered(raw, (int) (hi << 16 | lo));
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int off, int len) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(len).array());
        out.writeBytes(t);
        out.write(data, off, len);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, off, len);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
