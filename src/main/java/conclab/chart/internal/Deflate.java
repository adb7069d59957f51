package conclab.chart.internal;

import java.util.Arrays;

/**
 * A DEFLATE encoder (RFC 1951) for the filtered scanlines of chart PNGs, written from the specification.
 *
 * <p>Why not {@link java.util.zip.Deflater}: a 2× chart is 4–5 MB of filtered bytes of which 90–95 % are
 * zeros in long runs (a row the same as the row above filters to zeros). zlib at its fastest level
 * spends 9–12 ms on such an image (measured), most of it walking those runs through its hash chains and
 * sliding its window every 32 KB; its run-length strategy ({@code Z_RLE}) is not reachable from Java and
 * measured no faster through the C library, nor was libdeflate. Here a run of repeated bytes is found by
 * vectorised comparisons and kept as one token, so the time goes to the few non-zero bytes (text and
 * edges), which get greedy LZ77 matches and dynamic Huffman codes as zlib's fastest level does.
 *
 * <p>Implementation overview. One pass over the input makes tokens (a literal byte, or a length and a
 * distance): first a run of the previous byte (copies at distance 1; k × 258 of them are one token), else
 * a match found through a single-entry hash table of 4-byte keys, else a literal. Every
 * {@value #BLOCK_TOKENS} tokens, and at the end, the tokens are written as one dynamic-Huffman block: code
 * lengths from the block's own frequencies (limited to 15 bits by flattening the frequencies until the
 * tree fits), canonical codes, the header's code lengths run-length coded. Not thread-safe: one encoder
 * per call.
 */
final class Deflate {

    private Deflate() {}

    /** Raw DEFLATE of {@code data[0, length)}: no zlib header or checksum; the last block is final. */
    static byte[] compress(byte[] data, int length) {
        Encoder e = new Encoder(data, length);
        e.run();
        return e.out.toByteArray();
    }

    static final int WINDOW = 32_768, MAX_MATCH = 258, BLOCK_TOKENS = 1 << 15;
    /* tokens: 0..255 a literal; REPEATS + k, k copies of 258 bytes at distance 1; MATCH | length << 16 | distance */
    private static final int HASH_BITS = 15, MATCH = 1 << 31, REPEATS = 256;
    private static final byte[] ZEROS = new byte[4096];

    /* RFC 1951 §3.2.5: lengths 3..258 as symbols 257..285 with extra bits; distances 1..32768 as codes 0..29 */
    private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
            59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
            5, 5, 5, 5, 0};
    private static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
            769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    /** Order in which the code-length code's lengths are sent (RFC 1951 §3.2.7). */
    private static final int[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    /** Length 3..258 → index into LENGTH_BASE (symbol − 257). */
    private static final byte[] LENGTH_INDEX = new byte[MAX_MATCH + 1];

    static {
        for (int i = 0; i < LENGTH_BASE.length - 1; i++) {
            for (int len = LENGTH_BASE[i]; len < LENGTH_BASE[i + 1] && len < MAX_MATCH; len++) LENGTH_INDEX[len] = (byte) i;
        }
        LENGTH_INDEX[MAX_MATCH] = (byte) (LENGTH_BASE.length - 1);   // 258 has a code of its own
    }

    /** Distance 1..32768 → distance code 0..29. */
    static int distanceCode(int dist) {
        if (dist <= 4) return dist - 1;
        int k = 31 - Integer.numberOfLeadingZeros(dist - 1);   // 2^k ≤ dist−1 < 2^(k+1)
        return 2 * k + (((dist - 1) >> (k - 1)) & 1);
    }

    private static int distanceExtra(int code) {
        return code < 4 ? 0 : code / 2 - 1;
    }

    private static final class Encoder {
        final byte[] d;
        final int n;
        final Bits out;
        /* hash of 4 bytes → last position seen + 1 (0: none) */
        final int[] head = new int[1 << HASH_BITS];
        final int[] tokens = new int[BLOCK_TOKENS];
        int count;
        final int[] litFreq = new int[286], distFreq = new int[30];

        Encoder(byte[] d, int n) {
            if (n < 0 || n > d.length) throw new IllegalArgumentException("length " + n + " of " + d.length);
            this.d = d;
            this.n = n;
            this.out = new Bits(Math.max(64, n / 16));
        }

        void run() {
            int i = 0;
            while (i < n) {
                int len = 0, dist = 0;
                if (i > 0 && i + 2 < n) {
                    byte prev = d[i - 1];
                    if (d[i] == prev && d[i + 1] == prev && d[i + 2] == prev) {
                        // a run of the previous byte: copies of it at distance 1, 258 bytes at a time
                        int run = run(i, prev), whole = run / MAX_MATCH, rest = run % MAX_MATCH;
                        if (whole > 0) repeats(whole);
                        if (rest >= 3) match(rest, 1);
                        else for (int k = 0; k < rest; k++) literal(prev & 0xff);
                        i += run;
                        continue;
                    }
                }
                if (i + 3 < n) {
                    int key = key(i);
                    int h = (key * 0x9E3779B1) >>> (32 - HASH_BITS);
                    int c = head[h] - 1;
                    head[h] = i + 1;
                    if (c >= 0 && i - c <= WINDOW && key(c) == key) {
                        int max = Math.min(MAX_MATCH, n - i);
                        len = 4 + common(c + 4, i + 4, max - 4);
                        dist = i - c;
                    }
                }
                if (len >= 3) {
                    match(len, dist);
                    i += len;
                } else {
                    literal(d[i] & 0xff);
                    i++;
                }
            }
            block(true);
        }

        /*
         * Plain byte loads, not byte-array VarHandles: right after start-up, before the JIT has compiled
         * them, VarHandle reads cost several times more (measured in a new kernel: a tenth of a chart's time).
         */
        private int key(int i) {
            return (d[i] & 0xff) | (d[i + 1] & 0xff) << 8 | (d[i + 2] & 0xff) << 16 | d[i + 3] << 24;
        }

        /** Length of the common prefix of {@code d[a..]} and {@code d[b..]}, at most {@code max}. */
        private int common(int a, int b, int max) {
            int k = 0, quick = Math.min(8, max);   // most matches end within 8 bytes: no call for those
            while (k < quick && d[a + k] == d[b + k]) k++;
            if (k < quick || k == max) return k;
            int m = Arrays.mismatch(d, a + k, a + max, d, b + k, b + max);
            return m < 0 ? max : k + m;
        }

        /** How many bytes from {@code i} repeat {@code b} (zeros compared a page at a time). */
        private int run(int i, byte b) {
            int k = i;
            if (b == 0) {
                for (int end = Math.min(n, k + 8); k < end; k++) {   // a short run ends within 8 bytes: no call
                    if (d[k] != 0) return k - i;
                }
                while (k < n) {
                    int len = Math.min(ZEROS.length, n - k), m = Arrays.mismatch(d, k, k + len, ZEROS, 0, len);
                    if (m >= 0) return k + m - i;
                    k += len;
                }
                return n - i;
            }
            while (k < n && d[k] == b) k++;
            return k - i;
        }

        /** {@code times} copies of 258 bytes at distance 1: one token. */
        private void repeats(int times) {
            tokens[count++] = REPEATS + times;
            litFreq[257 + LENGTH_INDEX[MAX_MATCH]] += times;
            distFreq[0] += times;
            if (count == BLOCK_TOKENS) block(false);
        }

        private void literal(int b) {
            tokens[count++] = b;
            litFreq[b]++;
            if (count == BLOCK_TOKENS) block(false);
        }

        private void match(int len, int dist) {
            tokens[count++] = MATCH | len << 16 | dist;
            litFreq[257 + LENGTH_INDEX[len]]++;
            distFreq[distanceCode(dist)]++;
            if (count == BLOCK_TOKENS) block(false);
        }

        /** Writes the tokens so far as one dynamic-Huffman block. */
        private void block(boolean last) {
            litFreq[256] = 1;   // end of block
            byte[] litLen = new byte[286], distLen = new byte[30];
            Huffman.lengths(litFreq, 286, 15, litLen);
            Huffman.lengths(distFreq, 30, 15, distLen);
            int[] litCode = Huffman.codes(litLen), distCode = Huffman.codes(distLen);

            out.put(last ? 1 : 0, 1);
            out.put(2, 2);   // dynamic Huffman codes
            header(litLen, distLen);
            int longest = 257 + LENGTH_INDEX[MAX_MATCH];
            int repeatBits = litLen[longest] + distLen[0], repeatCode = litCode[longest] | distCode[0] << litLen[longest];
            for (int i = 0; i < count; i++) {
                int t = tokens[i];
                if (t >= REPEATS) {
                    for (int k = t - REPEATS; k > 0; k--) out.put(repeatCode, repeatBits);
                    continue;
                }
                if (t >= 0) {
                    out.put(litCode[t], litLen[t]);
                    continue;
                }
                int len = (t >>> 16) & 0x1FF, dist = t & 0xFFFF, li = LENGTH_INDEX[len];
                out.put(litCode[257 + li], litLen[257 + li]);
                if (LENGTH_EXTRA[li] > 0) out.put(len - LENGTH_BASE[li], LENGTH_EXTRA[li]);
                int dc = distanceCode(dist);
                out.put(distCode[dc], distLen[dc]);
                if (distanceExtra(dc) > 0) out.put(dist - DIST_BASE[dc], distanceExtra(dc));
            }
            out.put(litCode[256], litLen[256]);
            if (last) out.align();
            count = 0;
            Arrays.fill(litFreq, 0);
            Arrays.fill(distFreq, 0);
        }

        /** HLIT, HDIST, HCLEN, the code-length code, then both code-length lists run-length coded. */
        private void header(byte[] litLen, byte[] distLen) {
            int nLit = 286, nDist = 30;
            while (nLit > 257 && litLen[nLit - 1] == 0) nLit--;
            while (nDist > 1 && distLen[nDist - 1] == 0) nDist--;
            byte[] seq = new byte[nLit + nDist];
            System.arraycopy(litLen, 0, seq, 0, nLit);
            System.arraycopy(distLen, 0, seq, nLit, nDist);
            // each item: symbol 0..18 in the low byte, extra-bit value above it
            int[] items = new int[seq.length];
            int m = 0;
            int[] clFreq = new int[19];
            for (int i = 0; i < seq.length; ) {
                int v = seq[i], run = 1;
                while (i + run < seq.length && seq[i + run] == v) run++;
                i += run;
                if (v == 0) {
                    while (run >= 11) {
                        int r = Math.min(run, 138);
                        items[m++] = 18 | (r - 11) << 8;
                        run -= r;
                    }
                    if (run >= 3) {
                        items[m++] = 17 | (run - 3) << 8;
                        run = 0;
                    }
                } else {
                    items[m++] = v;   // the length itself, then repeats of it
                    run--;
                    while (run >= 3) {
                        int r = Math.min(run, 6);
                        items[m++] = 16 | (r - 3) << 8;
                        run -= r;
                    }
                }
                for (; run > 0; run--) items[m++] = v;
            }
            for (int k = 0; k < m; k++) clFreq[items[k] & 0xFF]++;
            byte[] clLen = new byte[19];
            Huffman.lengths(clFreq, 19, 7, clLen);
            int[] clCode = Huffman.codes(clLen);
            int nCl = 19;
            while (nCl > 4 && clLen[CL_ORDER[nCl - 1]] == 0) nCl--;
            out.put(nLit - 257, 5);
            out.put(nDist - 1, 5);
            out.put(nCl - 4, 4);
            for (int k = 0; k < nCl; k++) out.put(clLen[CL_ORDER[k]], 3);
            for (int k = 0; k < m; k++) {
                int sym = items[k] & 0xFF, extra = items[k] >>> 8;
                out.put(clCode[sym], clLen[sym]);
                if (sym == 16) out.put(extra, 2);
                else if (sym == 17) out.put(extra, 3);
                else if (sym == 18) out.put(extra, 7);
            }
        }
    }

    /** Huffman code lengths and canonical codes (RFC 1951 §3.2.2). */
    static final class Huffman {

        private Huffman() {}

        /**
         * Code lengths for the first {@code n} symbols of {@code freq}, none longer than {@code maxBits}.
         * Unused symbols get 0; at least two symbols get a code (a dummy is added), so the code is always
         * complete, as decoders require.
         */
        static void lengths(int[] freq, int n, int maxBits, byte[] lens) {
            Arrays.fill(lens, 0, n, (byte) 0);
            long[] f = new long[n];
            int used = 0;
            for (int s = 0; s < n; s++) if ((f[s] = freq[s]) > 0) used++;
            for (int s = 0; used < 2 && s < n; s++) {
                if (f[s] == 0) { f[s] = 1; used++; }
            }
            while (!build(f, n, maxBits, lens)) {
                for (int s = 0; s < n; s++) if (f[s] > 0) f[s] = (f[s] >> 1) + 1;   // flatter: a shallower tree
            }
        }

        /* Huffman's algorithm with two queues over the symbols sorted by weight; false if too deep */
        private static boolean build(long[] f, int n, int maxBits, byte[] lens) {
            int m = 0;
            long[] key = new long[n];
            for (int s = 0; s < n; s++) if (f[s] > 0) key[m++] = f[s] << 16 | s;
            Arrays.sort(key, 0, m);
            int nodes = 2 * m - 1;
            long[] weight = new long[nodes];
            int[] parent = new int[nodes];
            for (int i = 0; i < m; i++) weight[i] = key[i] >>> 16;
            int leaf = 0, inner = m, next = m;
            while (next < nodes) {
                int a = (leaf < m && (inner >= next || weight[leaf] <= weight[inner])) ? leaf++ : inner++;
                int b = (leaf < m && (inner >= next || weight[leaf] <= weight[inner])) ? leaf++ : inner++;
                weight[next] = weight[a] + weight[b];
                parent[a] = next;
                parent[b] = next;
                next++;
            }
            int[] depth = new int[nodes];
            for (int i = nodes - 2; i >= 0; i--) depth[i] = depth[parent[i]] + 1;   // the root is last
            for (int i = 0; i < m; i++) {
                if (depth[i] > maxBits) return false;
                lens[(int) (key[i] & 0xFFFF)] = (byte) depth[i];
            }
            return true;
        }

        /** Canonical codes for the lengths, bit-reversed to be sent least significant bit first. */
        static int[] codes(byte[] lens) {
            int[] count = new int[16], next = new int[16], codes = new int[lens.length];
            for (byte l : lens) count[l]++;
            count[0] = 0;
            for (int bits = 1, code = 0; bits < 16; bits++) {
                code = (code + count[bits - 1]) << 1;
                next[bits] = code;
            }
            for (int s = 0; s < lens.length; s++) {
                int l = lens[s];
                if (l > 0) codes[s] = Integer.reverse(next[l]++) >>> (32 - l);
            }
            return codes;
        }
    }

    /** Bits out, least significant first, into a growing array. */
    private static final class Bits {
        private byte[] buf;
        private int size, count;
        private long acc;

        Bits(int capacity) {
            buf = new byte[capacity];
        }

        /** Appends the low {@code bits} (at most 31) of {@code value}. */
        void put(int value, int bits) {
            acc |= (long) value << count;
            count += bits;
            if (count >= 32) {
                if (size + 4 > buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
                buf[size] = (byte) acc;   // plain stores: the JIT keeps them inline wherever this is called from
                buf[size + 1] = (byte) (acc >>> 8);
                buf[size + 2] = (byte) (acc >>> 16);
                buf[size + 3] = (byte) (acc >>> 24);
                size += 4;
                acc >>>= 32;
                count -= 32;
            }
        }

        /** Pads to a byte boundary and flushes. */
        void align() {
            while (count > 0) {
                if (size == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
                buf[size++] = (byte) acc;
                acc >>>= 8;
                count = Math.max(0, count - 8);
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
