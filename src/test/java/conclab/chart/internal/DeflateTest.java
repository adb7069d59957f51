package conclab.chart.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static org.junit.jupiter.api.Assertions.*;

class DeflateTest {

    /** What zlib's inflater makes of the encoder's output. */
    private static byte[] inflate(byte[] deflated) throws DataFormatException {
        Inflater inf = new Inflater(true);
        inf.setInput(deflated);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!inf.finished()) {
            int got = inf.inflate(buf);
            if (got == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) fail("stream ends before its final block");
            out.write(buf, 0, got);
        }
        assertEquals(0, inf.getRemaining(), "bytes after the final block");
        inf.end();
        return out.toByteArray();
    }

    private static void roundTrip(String what, byte[] data) throws DataFormatException {
        byte[] packed = Deflate.compress(data, data.length);
        assertArrayEquals(data, inflate(packed), what + ": inflates to the input");
    }

    @Test
    void emptyAndTinyInputs() throws Exception {
        roundTrip("empty", new byte[0]);
        for (int n = 1; n <= 9; n++) {
            byte[] d = new byte[n];
            roundTrip(n + " zeros", d);
            for (int i = 0; i < n; i++) d[i] = (byte) (i * 37);
            roundTrip(n + " distinct bytes", d);
        }
    }

    @Test
    void onlyTheGivenLengthIsEncoded() throws Exception {
        byte[] d = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new byte[] {1, 2, 3}, inflate(Deflate.compress(d, 3)));
        assertThrows(IllegalArgumentException.class, () -> Deflate.compress(d, 9));
    }

    @Test
    void longRunsOfZerosAndOtherBytesAcrossBlocks() throws Exception {
        byte[] d = new byte[3_000_000];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < d.length; ) {   // runs of every length around the 258-byte match limit
            int len = r.nextInt(1, 600);
            byte b = r.nextInt(3) == 0 ? (byte) r.nextInt(256) : 0;
            for (int k = 0; k < len && i < d.length; k++) d[i++] = b;
        }
        roundTrip("runs", d);
        byte[] zeros = new byte[5_000_000];
        byte[] packed = Deflate.compress(zeros, zeros.length);
        assertArrayEquals(zeros, inflate(packed));
        assertTrue(packed.length < 20_000, "5 MB of zeros in " + packed.length + " bytes");
    }

    @Test
    void randomBytesAndManyBlocks() throws Exception {
        SplittableRandom r = new SplittableRandom(2);
        byte[] d = new byte[200_000];   // incompressible: every token a literal, several blocks of 32768
        for (int i = 0; i < d.length; i++) d[i] = (byte) r.nextInt(256);
        roundTrip("random", d);
    }

    @Test
    void repeatsAtEveryDistanceUpToTheWindow() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        byte[] d = new byte[400_000];
        int i = 0;
        while (i < 2000) d[i++] = (byte) r.nextInt(256);
        while (i < d.length) {   // copies from up to 40,000 bytes back: near and beyond the 32 KB window
            int dist = 1 + r.nextInt(Math.min(i, 40_000)), len = 1 + r.nextInt(300);
            for (int k = 0; k < len && i < d.length; k++, i++) d[i] = d[i - dist];
            if (r.nextInt(4) == 0 && i < d.length) d[i++] = (byte) r.nextInt(256);
        }
        roundTrip("repeats", d);
    }

    @Test
    void skewedFrequenciesNeedCodesLimitedTo15Bits() throws Exception {
        // Fibonacci-like counts would give an unlimited Huffman tree over 20 levels deep
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        long f0 = 1, f1 = 1;
        for (int sym = 0; sym < 26; sym++) {
            for (long k = 0; k < f0; k++) b.write(sym * 9 + (int) (k % 2));   // alternating: no runs to match
            long f2 = f0 + f1;
            f0 = f1;
            f1 = f2;
        }
        byte[] d = b.toByteArray();
        roundTrip("skewed", d);
        byte[] lens = new byte[286];
        int[] freq = new int[286];
        long a = 1, c = 1;
        for (int s = 0; s < 30; s++) { freq[s] = (int) Math.min(Integer.MAX_VALUE / 4, a); long t = a + c; a = c; c = t; }
        Deflate.Huffman.lengths(freq, 286, 15, lens);
        int max = 0;
        double kraft = 0;
        for (byte l : lens) if (l > 0) { max = Math.max(max, l); kraft += Math.pow(2, -l); }
        assertTrue(max <= 15, "longest code " + max);
        assertEquals(1.0, kraft, 1e-12, "a complete code");
    }

    @Test
    void oneOrNoUsedSymbolStillGivesACompleteCode() {
        for (int used : new int[] {0, 1}) {
            int[] freq = new int[30];
            if (used == 1) freq[7] = 5;
            byte[] lens = new byte[30];
            Deflate.Huffman.lengths(freq, 30, 15, lens);
            double kraft = 0;
            for (byte l : lens) if (l > 0) kraft += Math.pow(2, -l);
            assertEquals(1.0, kraft, 1e-12);
            if (used == 1) assertTrue(lens[7] > 0);
        }
    }

    @Test
    void distanceCodesMatchTheTable() {
        int[] base = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
                3073, 4097, 6145, 8193, 12289, 16385, 24577, 32769};
        for (int code = 0; code < 30; code++) {
            for (int d = base[code]; d < base[code + 1]; d++) assertEquals(code, Deflate.distanceCode(d), "distance " + d);
        }
    }

    @Test
    void chartLikeScanlinesPackAboutAsSmallAsZlibsFastestLevel() throws Exception {
        // filtered rows of a chart: mostly zero rows, some rows with sparse edges and text-like noise
        SplittableRandom r = new SplittableRandom(4);
        int stride = 1 + 3 * 1800, rows = 800;
        byte[] d = new byte[stride * rows];
        byte[] glyphs = new byte[4000];
        for (int i = 0; i < glyphs.length; i++) glyphs[i] = (byte) (r.nextInt(5) == 0 ? r.nextInt(256) : 0);
        for (int y = 0; y < rows; y++) {
            d[y * stride] = 2;
            if (r.nextInt(3) == 0) {
                for (int k = 0; k < 30; k++) {
                    int at = y * stride + 1 + r.nextInt(stride - 61), from = r.nextInt(glyphs.length - 60);
                    System.arraycopy(glyphs, from, d, at, 60);
                }
            }
        }
        byte[] ours = Deflate.compress(d, d.length);
        assertArrayEquals(d, inflate(ours));
        Deflater z = new Deflater(Deflater.BEST_SPEED, true);
        z.setInput(d);
        z.finish();
        byte[] buf = new byte[d.length];
        int zlib = 0;
        while (!z.finished()) zlib += z.deflate(buf);
        z.end();
        assertTrue(ours.length < zlib * 1.25, "ours " + ours.length + " bytes, zlib's fastest " + zlib);
    }
}
