package conclab.chart.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small, fast PNG encoder for charts: 8-bit RGB, the "Up" filter on every row (chart rows repeat,
 * so most filtered bytes are zero) and fastest deflate. Several times faster than ImageIO's writer on
 * chart-sized images, at a similar size. Written from the PNG specification (RFC 2083).
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        out.writeBytes(SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array(), 13);

        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        byte[] row = new byte[1 + 3 * w], prev = new byte[1 + 3 * w], cur = new byte[1 + 3 * w];
        byte[] buf = new byte[64 * 1024];
        ByteArrayOutputStream idat = new ByteArrayOutputStream(64 * 1024);
        try {
            for (int y = 0; y < h; y++) {
                int base = y * w;
                for (int x = 0, k = 1; x < w; x++) {
                    int p = px[base + x];
                    cur[k++] = (byte) (p >> 16);
                    cur[k++] = (byte) (p >> 8);
                    cur[k++] = (byte) p;
                }
                row[0] = 2; // filter type Up: each byte minus the byte above
                for (int k = 1; k < row.length; k++) row[k] = (byte) (cur[k] - prev[k]);
                deflater.setInput(row);
                while (!deflater.needsInput()) {
                    int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
                    idat.write(buf, 0, n);
                }
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
            deflater.finish();
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                idat.write(buf, 0, n);
            }
        } finally {
            deflater.end();
        }
        chunk(out, "IDAT", idat.toByteArray(), idat.size());
        chunk(out, "IEND", new byte[0], 0);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int len) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(len).array());
        out.writeBytes(t);
        out.write(data, 0, len);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, len);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
