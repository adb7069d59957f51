package conclab.data;

import conclab.spi.Displayable;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The lesson's data set: a year of bike trips as CSV ({@link Trip#HEADER}, then one {@link Trip} a line,
 * in time order), seeded, written once as one file and again as {@code parts} files that split the year
 * into consecutive periods (for map–reduce over files).
 *
 * <h2>Where, and when it is written</h2>
 * Under {@code $TMPDIR/conclab-data/} ({@code java.io.tmpdir} when {@code TMPDIR} is not set, the same
 * directory Python's {@code tempfile.gettempdir()} finds), in a directory named after the rows, the seed
 * and the parts. It is written when that directory is not there yet, into a sibling directory moved into
 * place when complete, so a half-written data set is never read and two kernels asking at once both end
 * up with one whole copy. The parts are written in parallel, then copied one after the other into the
 * whole file. The same rows, seed and parts give the same bytes on every machine.
 *
 * <h2>The data</h2>
 * {@value #STATIONS_COUNT} stations of unequal popularity; trip lengths of about a quarter of an hour, a
 * few long ones; a fare of 1.00 € plus 0.15 € a minute, plus 1.00 € for an electric bike.
 */
public final class Trips implements Displayable {

    static final int STATIONS_COUNT = 24;
    /** The stations, most popular first. */
    public static final List<String> STATIONS = List.of("Bastille", "République", "Nation", "Châtelet", "Opéra",
            "Gare de Lyon", "Montparnasse", "Bercy", "Belleville", "Pigalle", "Odéon", "Invalides", "Trocadéro",
            "Concorde", "Denfert", "Italie", "Jussieu", "Marais", "Batignolles", "Wagram", "Alésia", "Pereire",
            "Convention", "Picpus");
    private static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);
    private static final int DAYS = 365;

    private final long rows;
    private final long seed;
    private final Path dir;
    private final List<Path> parts;
    private final boolean reused;
    private final long writeNanos;

    private Trips(long rows, long seed, Path dir, int parts, boolean reused, long writeNanos) {
        this.rows = rows;
        this.seed = seed;
        this.dir = dir;
        this.parts = IntStream.range(0, parts).mapToObj(k -> dir.resolve(partName(k))).toList();
        this.reused = reused;
        this.writeNanos = writeNanos;
    }

    /**
     * The data set of {@code rows} trips drawn with {@code seed}, split into {@code parts} files: read from
     * disk when it was written before, else written now.
     */
    public static Trips of(long rows, long seed, int parts) {
        return of(rows, seed, parts, home());
    }

    /** As {@link #of(long, long, int)}, kept under {@code home} instead of {@link #home()}. */
    public static Trips of(long rows, long seed, int parts, Path home) {
        if (rows < 1 || parts < 1 || parts > rows)
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.trips_parts", rows, parts));
        Path dir = home.resolve("trips-" + rows + "-seed-" + seed + "-" + parts + "-parts");
        if (Files.exists(dir.resolve(DONE))) return new Trips(rows, seed, dir, parts, true, 0);
        long t0 = System.nanoTime();
        write(rows, seed, parts, dir);
        return new Trips(rows, seed, dir, parts, false, System.nanoTime() - t0);
    }

    /** Where data sets are kept: {@code $TMPDIR/conclab-data}. */
    public static Path home() {
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp != null && !tmp.isBlank() ? tmp : System.getProperty("java.io.tmpdir"), "conclab-data");
    }

    /** The whole data set: one CSV file, its header first. */
    public Path file() {
        return dir.resolve("trips.csv");
    }

    /** The same rows in {@code parts} CSV files (each with the header), consecutive periods of the year in order. */
    public List<Path> parts() {
        return parts;
    }

    /** How many trips (rows after the header). */
    public long rows() {
        return rows;
    }

    /** The seed the rows were drawn with. */
    public long seed() {
        return seed;
    }

    /** The size of the whole file in bytes. */
    public long bytes() {
        try {
            return Files.size(file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code n} lines of the whole file, header included: what {@code head -n} prints. */
    public List<String> head(int n) {
        try (Stream<String> lines = Files.lines(file(), StandardCharsets.UTF_8)) {
            return lines.limit(n).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when this data set was found on disk, false when this call wrote it. */
    public boolean reused() {
        return reused;
    }

    @Override
    public String toString() {
        return "%,d trips, %.1f MB, in %s (%d parts); %s".formatted(rows, bytes() / 1e6, dir, parts.size(),
                reused ? "written before, read from disk" : "written in %.1f s".formatted(writeNanos / 1e9));
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        return Map.of(PLAIN, toString());
    }

    // ------------------------------------------------------------------ writing

    private static final String DONE = "complete";

    private static String partName(int k) {
        return "part-%03d.csv".formatted(k);
    }

    private static void write(long rows, long seed, int parts, Path dir) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".writing-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            SplittableRandom root = new SplittableRandom(seed);
            SplittableRandom[] randoms = new SplittableRandom[parts];
            for (int k = 0; k < parts; k++) randoms[k] = root.split();
            IntStream.range(0, parts).parallel().forEach(k -> writePart(tmp.resolve(partName(k)), randoms[k],
                    rows * k / parts, rows * (k + 1) / parts, rows));
            byte[] header = (Trip.HEADER + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel whole = FileChannel.open(tmp.resolve("trips.csv"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                whole.write(java.nio.ByteBuffer.wrap(header));
                for (int k = 0; k < parts; k++) {
                    try (FileChannel part = FileChannel.open(tmp.resolve(partName(k)))) {
                        long at = header.length, size = part.size();
                        while (at < size) at += part.transferTo(at, size - at, whole);
                    }
                }
            }
            Files.writeString(tmp.resolve(DONE), rows + " rows, seed " + seed + ", " + parts + " parts\n");
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                if (!Files.exists(dir.resolve(DONE))) throw e;     // another kernel wrote it first: use theirs
                delete(tmp);
            }
        } catch (IOException e) {
            delete(tmp);
            throw new UncheckedIOException("could not write the data set in " + dir.getParent(), e);
        }
    }

    private static void delete(Path tmp) {
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // left for the system's temporary-file cleaning
        }
    }

    /** Rows [from, to) of the data set: a consecutive period of the year, in time order. */
    private static void writePart(Path file, SplittableRandom random, long from, long to, long rows) {
        long yearSeconds = DAYS * 86_400L;
        long start = yearSeconds * from / rows, end = yearSeconds * (to - from == 0 ? from : to) / rows;
        double gap = (double) (end - start) / Math.max(1, to - from);
        int[] popular = popularity(1024);
        byte[][] names = STATIONS.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW), 1 << 20)) {
            out.write((Trip.HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] line = new byte[96];
            long t = start, dayIndex = -1;
            byte[] date = null;
            for (long r = from; r < to; r++) {
                t = Math.min(end - 1, t + (long) (random.nextDouble() * 2 * gap));
                t = Math.max(t, start);
                if (t / 86_400 != dayIndex) {
                    dayIndex = t / 86_400;
                    date = FIRST_DAY.plusDays(dayIndex).toString().getBytes(StandardCharsets.US_ASCII);
                }
                int n = 0;
                System.arraycopy(date, 0, line, n, 10);
                n += 10;
                line[n++] = 'T';
                int s = (int) (t % 86_400);
                n = two(line, n, s / 3600);
                line[n++] = ':';
                n = two(line, n, s / 60 % 60);
                line[n++] = ':';
                n = two(line, n, s % 60);
                line[n++] = ',';
                byte[] station = names[popular[random.nextInt(popular.length)]];
                System.arraycopy(station, 0, line, n, station.length);
                n += station.length;
                line[n++] = ',';
                int minutes = (int) Math.min(180, 1 + Math.floor(-Math.log(1 - random.nextDouble()) * 13));
                n = digits(line, n, minutes);
                line[n++] = ',';
                long cents = 100 + 15L * minutes + (random.nextInt(10) < 3 ? 100 : 0);
                n = digits(line, n, cents / 100);
                line[n++] = '.';
                n = two(line, n, (int) (cents % 100));
                line[n++] = '\n';
                out.write(line, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A table of station indices, each present in proportion to its popularity (1/(rank+2)). */
    private static int[] popularity(int size) {
        double[] w = new double[STATIONS_COUNT];
        double sum = 0;
        for (int i = 0; i < w.length; i++) sum += w[i] = 1.0 / (i + 2);
        int[] table = new int[size];
        double acc = 0;
        int k = 0;
        for (int i = 0; i < w.length; i++) {
            acc += w[i] / sum;
            int upTo = i == w.length - 1 ? size : (int) Math.round(acc * size);
            while (k < upTo) table[k++] = i;
        }
        return table;
    }

    private static int two(byte[] b, int n, int v) {
        b[n] = (byte) ('0' + v / 10);
        b[n + 1] = (byte) ('0' + v % 10);
        return n + 2;
    }

    private static int digits(byte[] b, int n, long v) {
        if (v >= 10) n = digits(b, n, v / 10);
        b[n] = (byte) ('0' + v % 10);
        return n + 1;
    }
}
