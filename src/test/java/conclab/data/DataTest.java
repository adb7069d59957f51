package conclab.data;

import conclab.check.Probes.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class DataTest {

    @TempDir
    Path home;

    @Test
    void a_trip_reads_its_fare_in_cents_without_a_double() {
        Trip t = Trip.parse("2026-01-01T00:01:01,Gare de Lyon,13,0.29");
        assertEquals(new Trip("2026-01-01T00:01:01", "Gare de Lyon", 13, 29), t);
        assertEquals("2026-01-01", t.day());
        assertEquals("2026-01-01T00:01:01,Gare de Lyon,13,0.29", t.toCsv());
        assertEquals(123_405, Trip.cents("1234.05"));
        assertThrows(IllegalArgumentException.class, () -> Trip.parse("2026-01-01T00:01:01,Nation,13"));
        assertThrows(IllegalArgumentException.class, () -> Trip.parse("2026-01-01T00:01:01,Nation,13,2.9"));
        assertThrows(IllegalArgumentException.class, () -> Trip.parse("2026-01-01T00:01:01,Nation,x,2.90"));
    }

    @Test
    void tallies_add_up_in_any_order() {
        Tally a = Tally.of(295).plus(130), b = new Tally(3, 1005);
        assertEquals(new Tally(5, 1430), a.plus(b));
        assertEquals(a.plus(b), b.plus(a));
        assertEquals("14.30", a.plus(b).total());
        assertEquals(2.86, a.plus(b).meanFare(), 1e-9);
    }

    @Test
    void the_data_set_is_written_once_whole_and_in_parts_the_same_for_the_same_seed(@TempDir Path other) throws Exception {
        Trips t = Trips.of(10_000, 3, 4, home);
        assertFalse(t.reused());
        List<String> whole = Files.readAllLines(t.file());
        assertEquals(Trip.HEADER, whole.getFirst());
        assertEquals(10_001, whole.size());
        var fromParts = new ArrayList<String>();
        for (Path p : t.parts()) {
            List<String> lines = Files.readAllLines(p);
            assertEquals(Trip.HEADER, lines.getFirst());
            fromParts.addAll(lines.subList(1, lines.size()));
        }
        assertEquals(whole.subList(1, whole.size()), fromParts, "the parts are the whole file, in order");
        List<Trip> trips = fromParts.stream().map(Trip::parse).toList();
        for (int i = 1; i < trips.size(); i++)
            assertTrue(trips.get(i - 1).time().compareTo(trips.get(i).time()) <= 0, "in time order at row " + i);
        assertTrue(trips.getFirst().time().startsWith("2026-01"), trips.getFirst().time());
        assertTrue(trips.getLast().time().startsWith("2026-12"), trips.getLast().time());
        assertTrue(trips.stream().map(Trip::station).distinct().count() == Trips.STATIONS.size());

        Trips again = Trips.of(10_000, 3, 4, home);
        assertTrue(again.reused());
        assertEquals(whole, Files.readAllLines(again.file()));
        assertArrayEquals(Files.readAllBytes(t.file()), Files.readAllBytes(Trips.of(10_000, 3, 4, other).file()),
                "the same rows, seed and parts give the same bytes");
        assertFalse(Files.readString(Trips.of(10_000, 4, 4, other).file()).equals(Files.readString(t.file())));
        try (Stream<Path> files = Files.list(home)) {
            assertEquals(List.of("trips-10000-seed-3-4-parts"), files.map(p -> p.getFileName().toString()).toList(),
                    "no half-written directory left behind");
        }
    }

    @Test
    void every_way_of_adding_up_gives_the_sequential_totals() throws Exception {
        Trips t = Trips.of(50_000, 9, 5, home);
        var sequential = Totals.sequential(t.file());
        assertEquals(50_000, Totals.overall(sequential).trips());
        try (var lines = Files.lines(t.file())) {
            assertEquals(sequential, Totals.of(lines.skip(1).parallel()));
        }
        var perPart = new ArrayList<Map<String, Tally>>();
        for (Path p : t.parts()) perPart.add(Totals.sequential(p));
        assertEquals(sequential, Totals.merged(perPart));
        var piped = Chunks.pipeline(t.file(), 4096, 3, 2);
        assertEquals(sequential, piped.totals());
        assertTrue(piped.chunks() > 100, piped.toString());
        double peak = piped.trace().counters().stream().filter(c -> c.name().equals("chunks depth"))
                .mapToDouble(c -> c.value()).max().orElse(-1);
        assertTrue(peak >= 1 && peak <= 3, "the queue's depth is recorded and bounded: " + peak);
        assertEquals(sequential, Chunks.wholeFile(t.file()).totals());
        assertTrue(Totals.same(sequential, piped.totals()).contains("✓"));
        var off = new HashMap<>(sequential);
        off.put("Nation", off.get("Nation").plus(1));
        var e = assertThrows(IllegalStateException.class, () -> Totals.same(sequential, off));
        assertTrue(e.getMessage().contains("Nation"), e.getMessage());
        assertTrue(Totals.table(sequential).mimeBundle(java.util.Set.of("text/html")).get("text/html").toString().contains("Bastille"));
    }

    @Test
    void chunks_are_whole_lines_and_put_together_are_the_input() throws Exception {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) out.writeBytes(("é".repeat(i % 7) + "line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes("no line end at the end".getBytes(StandardCharsets.UTF_8));
        byte[] all = out.toByteArray();
        var joined = new ByteArrayOutputStream();
        var chunks = new ArrayList<byte[]>();
        long n = Chunks.read(new ByteArrayInputStream(all), 50, Chunks.LAST_LINE_END, c -> {
            chunks.add(java.util.Arrays.copyOf(c.bytes(), c.length()));
            joined.write(c.bytes(), 0, c.length());
        });
        assertEquals(chunks.size(), n);
        assertArrayEquals(all, joined.toByteArray());
        for (int i = 0; i < chunks.size() - 1; i++) assertEquals('\n', chunks.get(i)[chunks.get(i).length - 1]);
        assertThrows(IllegalStateException.class,
                () -> Chunks.read(new ByteArrayInputStream("a line longer than the block\n".repeat(3).getBytes()), 10, Chunks.LAST_LINE_END, c -> {}));
        assertThrows(IllegalStateException.class,
                () -> Chunks.read(new ByteArrayInputStream(all), 50, (b, len) -> len + 1, c -> {}));
    }

    // ------------------------------------------------------------------ the exercises' checks

    private static Map<String, Tally> merging(Stream<String> lines, boolean truncate) {
        var m = new HashMap<String, Tally>();
        lines.forEach(l -> {
            String[] f = l.split(",");
            long cents = truncate ? (long) (Double.parseDouble(f[3]) * 100) : Math.round(Double.parseDouble(f[3]) * 100);
            m.merge(f[1], Tally.of(cents), Tally::plus);
        });
        return m;
    }

    @Test
    void the_totals_check_rejects_cents_through_a_truncated_double() {
        assertTrue(DataChecks.totals(l -> merging(l, false)).ok());
        Verdict v = DataChecks.totals(l -> merging(l, true));
        assertFalse(v.ok());
        assertFalse(DataChecks.totals(l -> { throw new IllegalStateException("boom"); }).ok());
    }

    @Test
    void the_totals_check_rejects_a_map_kept_from_an_earlier_call() {
        var kept = new HashMap<String, Tally>();
        Verdict v = DataChecks.totals(lines -> {
            lines.forEach(l -> { Trip t = Trip.parse(l); kept.merge(t.station(), Tally.of(t.cents()), Tally::plus); });
            return kept;
        });
        assertFalse(v.ok(), v.why());
        assertTrue(v.why().contains("300 other rows"), v.why());
    }

    @Test
    void the_parallel_check_catches_contains_key_then_put_on_a_concurrent_map_every_time() {
        for (int k = 0; k < 5; k++) {
            var p = DataChecks.parallel((lines, parse) -> {
                var m = new java.util.concurrent.ConcurrentHashMap<String, Tally>();
                lines.parallel().map(parse).forEach(t -> {
                    if (!m.containsKey(t.station())) m.put(t.station(), Tally.of(t.cents()));
                    else m.merge(t.station(), Tally.of(t.cents()), Tally::plus);
                });
                return m;
            });
            assertFalse(p.result().ok(), p.toString());
        }
    }

    private static final BiFunction<Stream<String>, Function<String, Trip>, Map<String, Tally>> RIGHT =
            (lines, parse) -> lines.parallel().map(parse).collect(HashMap::new,
                    (m, t) -> m.merge(t.station(), Tally.of(t.cents()), Tally::plus), Totals::mergeInto);

    @Test
    void the_parallel_check_passes_per_thread_maps_and_a_concurrent_map() {
        for (int k = 0; k < 3; k++) {
            var p = DataChecks.parallel(RIGHT);
            assertTrue(p.result().ok() && p.overlap().ok(), p.toString());
        }
        var c = DataChecks.parallel((lines, parse) -> lines.parallel().map(parse)
                .collect(Collectors.toConcurrentMap(Trip::station, t -> Tally.of(t.cents()), Tally::plus)));
        assertTrue(c.result().ok() && c.overlap().ok(), c.toString());
    }

    @Test
    void the_parallel_check_catches_a_shared_hash_map_every_time() {
        for (int k = 0; k < 5; k++) {
            var p = DataChecks.parallel((lines, parse) -> {
                var m = new HashMap<String, Tally>();
                lines.parallel().forEach(l -> { Trip t = parse.apply(l); m.merge(t.station(), Tally.of(t.cents()), Tally::plus); });
                return m;
            });
            assertFalse(p.result().ok(), p.toString());
        }
    }

    @Test
    void the_parallel_check_catches_a_lock_around_everything_a_dropped_combiner_and_a_sequential_stream() {
        var locked = DataChecks.parallel((lines, parse) -> {
            var m = new HashMap<String, Tally>();
            lines.parallel().forEach(l -> { synchronized (m) { Trip t = parse.apply(l); m.merge(t.station(), Tally.of(t.cents()), Tally::plus); } });
            return m;
        });
        assertTrue(locked.result().ok(), locked.toString());
        assertFalse(locked.overlap().ok(), locked.toString());
        assertTrue(locked.overlap().why().contains("lock"), locked.toString());

        var dropped = DataChecks.parallel((lines, parse) -> lines.parallel().map(parse).collect(HashMap::new,
                (m, t) -> m.merge(t.station(), Tally.of(t.cents()), Tally::plus), (a, b) -> {}));
        assertFalse(dropped.result().ok(), dropped.toString());

        var oneThread = DataChecks.parallel((lines, parse) -> lines.map(parse).collect(HashMap::new,
                (m, t) -> m.merge(t.station(), Tally.of(t.cents()), Tally::plus), Totals::mergeInto));
        assertTrue(oneThread.result().ok(), oneThread.toString());
        assertFalse(oneThread.overlap().ok(), oneThread.toString());
        assertTrue(oneThread.overlap().why().contains("one thread"), oneThread.toString());
    }

    @Test
    void the_line_end_check_rejects_the_usual_cuts() {
        assertTrue(DataChecks.lineEnd(Chunks.LAST_LINE_END).ok());
        assertFalse(DataChecks.lineEnd((b, n) -> n).ok());
        assertFalse(DataChecks.lineEnd((b, n) -> { for (int i = n - 1; i >= 0; i--) if (b[i] == '\n') return i; return 0; }).ok());
        assertFalse(DataChecks.lineEnd((b, n) -> { for (int i = 0; i < n; i++) if (b[i] == '\n') return i + 1; return 0; }).ok());
        assertFalse(DataChecks.lineEnd((b, n) -> { for (int i = b.length - 1; i >= 0; i--) if (b[i] == '\n') return i + 1; return 0; }).ok());
        assertFalse(DataChecks.lineEnd((b, n) -> { throw new IllegalStateException(); }).ok());
        assertFalse(DataChecks.lineEnd((b, n) -> { for (int i = n - 1; i > 0; i--) if (b[i] == '\n') return i + 1; return 0; }).ok());
    }
}
