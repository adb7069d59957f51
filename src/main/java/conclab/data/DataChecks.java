package conclab.data;

import conclab.check.Probes.Verdict;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The checks of lesson 13's exercises, on inputs they build themselves: each returns a {@link Verdict}
 * ({@code ok}, and why not), never throws and never hangs.
 */
public final class DataChecks {

    private DataChecks() {}

    /** The rows the checks feed: every station, fares that a {@code double} gets wrong (0.29 × 100 = 28.999…). */
    static List<String> rows(int n, long seed) {
        var r = new SplittableRandom(seed);
        int[] tricky = {29, 57, 58, 115, 116, 129, 229, 435, 1005, 7, 100, 1234};
        var rows = new ArrayList<String>(n);
        for (int i = 0; i < n; i++) {
            long cents = i < tricky.length * 4 ? tricky[i % tricky.length] : 100 + r.nextInt(5000);
            String station = Trips.STATIONS.get(r.nextInt(Trips.STATIONS.size()));
            rows.add(new Trip("2026-%02d-%02dT%02d:%02d:00".formatted(1 + i % 12, 1 + i % 28, i % 24, i % 60),
                    station, 1 + r.nextInt(90), cents).toCsv());
        }
        return rows;
    }

    static Map<String, Tally> expected(List<String> rows, int times) {
        var m = new HashMap<String, Tally>();
        for (String l : rows) {
            Trip t = Trip.parse(l);
            m.merge(t.station(), new Tally(times, t.cents() * times), Tally::plus);
        }
        return m;
    }

    static String difference(Map<String, Tally> expected, Map<String, Tally> got) {
        if (got == null) return m("data.returned_null");
        var stations = new TreeSet<String>(expected.keySet());
        stations.addAll(got.keySet());
        for (String s : stations)
            if (!Objects.equals(expected.get(s), got.get(s)))
                return m("data.diff", s, got.get(s) == null ? m("data.nothing") : got.get(s), expected.get(s));
        return null;
    }

    // ------------------------------------------------------------------ exercise 1: sequential totals

    /**
     * Calls {@code totals} on 600 rows of the check's own (no header) and compares with the right totals;
     * then once more on 300 other rows, so that totals kept from an earlier call (a map made outside the
     * method, a result remembered) are wrong on every run, not only after the lesson's next cell.
     */
    public static Verdict totals(Function<Stream<String>, Map<String, Tally>> totals) {
        var rows = rows(600, 13);
        try {
            var got = totals.apply(rows.stream());
            var want = expected(rows, 1);
            String diff = difference(want, got);
            if (diff == null) {
                var others = rows(300, 29);
                var again = totals.apply(others.stream());
                String diffAgain = difference(expected(others, 1), again);
                return diffAgain == null ? new Verdict(true, m("data.totals.pass"))
                        : new Verdict(false, m("data.totals.again", diffAgain));
            }
            boolean countsRight = want.keySet().stream().allMatch(s -> got.get(s) != null && got.get(s).trips() == want.get(s).trips());
            boolean centsClose = countsRight && want.keySet().stream().allMatch(s -> Math.abs(got.get(s).cents() - want.get(s).cents()) <= want.get(s).trips());
            return new Verdict(false, m("data.totals.wrong", diff, got.isEmpty() ? "" : m(centsClose ? "data.totals.cents"
                    : countsRight ? "data.totals.field" : "data.totals.merge")));
        } catch (Throwable t) {
            return new Verdict(false, m("data.threw", describe(t)));
        }
    }

    // ------------------------------------------------------------------ exercise 2: parallel totals

    /** What {@link #parallel} found: the totals right every round, and the parsing done by threads at once. */
    public record Parallel(Verdict result, Verdict overlap) {}

    /** Rows per round of {@link #parallel}. */
    static final int STRESS_ROWS = 400_000;
    static final int STRESS_THREADS = 8;
    static final int ROUNDS = 3;

    /**
     * Runs {@code totals(lines, parse)} three times on 400,000 rows of the check's (1,000 distinct lines
     * repeated), in a {@code ForkJoinPool} of 8 workers, where a parallel stream started inside it runs.
     * The stream given is sequential. {@code parse} is the check's: each thread's first call waits (at
     * most 0.5 s) until 4 threads are parsing, so that the threads then add up at the same time on one core
     * as on many, and it records how many threads were inside it at once: work done under one lock never
     * has two. The rows go to two stations, and the pool's threads meet inside {@link Tally#plus} on
     * their first few calls (see {@link Meeting}): two threads that add to the same entry of a shared
     * {@code HashMap} then both read it before either writes it back, on every run. They meet in
     * {@link Tally#of} too (a meeting of its own): two threads that both found a station missing both
     * make its first tally before either puts it. The result must be
     * the right totals in every round; a round whose rows were never parsed by two threads at once ends
     * the check.
     */
    public static Parallel parallel(BiFunction<Stream<String>, Function<String, Trip>, Map<String, Tally>> totals) {
        var distinct = rows(1_000, 17).stream()                          // two stations: threads that meet add to the same one
                .map(l -> { Trip t = Trip.parse(l); return new Trip(t.time(), t.cents() % 2 == 0 ? "Bastille" : "Nation", t.minutes(), t.cents()).toCsv(); })
                .toList();
        var parsed = new HashMap<String, Trip>();
        for (String l : distinct) parsed.put(l, Trip.parse(l));
        var expected = expected(distinct, STRESS_ROWS / distinct.size());
        String[] lines = distinct.toArray(String[]::new);
        int mostAtOnce = 0;
        int mostThreads = 0;
        String wrong = null;
        for (int round = 0; round < ROUNDS && wrong == null && (round == 0 || mostAtOnce >= 2); round++) {
            var gate = new Gate(4, 500_000_000L);
            Function<String, Trip> parse = line -> {
                gate.enter();
                try {
                    Trip t = parsed.get(line);
                    if (t == null) throw new IllegalArgumentException(m("data.not_a_line", line));
                    return t;
                } finally {
                    gate.leave();
                }
            };
            Set<Thread> streamed = ConcurrentHashMap.newKeySet();   // threads that ran pieces of the stream
            var pool = new ForkJoinPool(STRESS_THREADS);
            Tally.meeting = new Meeting(pool, 6, 2_000_000L);
            Tally.making = new Meeting(pool, 6, 2_000_000L);
            try {
                var got = pool.submit(() -> totals.apply(IntStream.range(0, STRESS_ROWS).mapToObj(i -> {
                            Thread me = Thread.currentThread();
                            if (!streamed.contains(me)) streamed.add(me);
                            return lines[i % lines.length];
                        }), parse))
                        .get(30, TimeUnit.SECONDS);
                String diff = difference(expected, got);
                if (diff != null) wrong = m("data.parallel.wrong", round + 1, ROUNDS, conclab.text.Messages.format("%,d", STRESS_ROWS), diff, lost(expected, got));
            } catch (TimeoutException e) {
                wrong = m("data.parallel.no_result");
            } catch (Throwable t) {
                Throwable cause = t;
                while (cause.getCause() != null && (cause instanceof java.util.concurrent.ExecutionException
                        || cause.getClass() == RuntimeException.class || cause.getCause().getClass() == cause.getClass()))
                    cause = cause.getCause();
                wrong = cause instanceof java.util.ConcurrentModificationException
                        ? m("data.parallel.cme")
                        : m("data.threw", describe(cause));
            } finally {
                Tally.meeting = null;
                Tally.making = null;
                pool.shutdownNow();
            }
            mostAtOnce = Math.max(mostAtOnce, gate.mostInside.get());
            mostThreads = Math.max(mostThreads, streamed.size());
        }
        Verdict result = wrong == null ? new Verdict(true, m("data.parallel.pass", ROUNDS)) : new Verdict(false, wrong);
        Verdict overlap = mostThreads < 2
                ? new Verdict(false, m("data.parallel.one_thread"))
                : mostAtOnce < 2
                ? new Verdict(false, m("data.parallel.one_lock", mostThreads))
                : new Verdict(true, m("data.parallel.overlap", mostAtOnce));
        return new Parallel(result, overlap);
    }

    private static String lost(Map<String, Tally> expected, Map<String, Tally> got) {
        long want = Totals.overall(expected).trips(), have = got == null ? 0 : Totals.overall(got).trips();
        return have < want ? m("data.lost", conclab.text.Messages.format("%,d", want - have), conclab.text.Messages.format("%,d", want))
                : have > want ? m("data.too_many", conclab.text.Messages.format("%,d", have - want)) : m("data.right_count");
    }

    /**
     * Makes threads of one pool meet inside {@link Tally#plus}: a thread that arrives there waits (at most
     * the patience) until another thread of the pool arrives too; each thread waits on its first few
     * calls only. Two threads adding to the same entry of a shared map then both hold its old value.
     */
    static final class Meeting {
        final ForkJoinPool pool;
        final int waitsPerThread;
        final long patienceNanos;
        final AtomicInteger arrivals = new AtomicInteger();
        final AtomicInteger waiting = new AtomicInteger();
        final Map<Thread, AtomicInteger> waits = new ConcurrentHashMap<>();

        Meeting(ForkJoinPool pool, int waitsPerThread, long patienceNanos) {
            this.pool = pool;
            this.waitsPerThread = waitsPerThread;
            this.patienceNanos = patienceNanos;
        }

        void step() {
            if (java.util.concurrent.ForkJoinTask.getPool() != pool) return;
            if (waits.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).getAndIncrement() >= waitsPerThread) return;
            int ticket = arrivals.incrementAndGet();
            if (waiting.get() > 0) return;                       // someone waits here: meet them and go on
            waiting.incrementAndGet();
            try {
                long deadline = System.nanoTime() + patienceNanos;
                while (arrivals.get() == ticket && System.nanoTime() - deadline < 0)
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            } finally {
                waiting.decrementAndGet();
            }
        }
    }

    /** Counts the threads inside; a thread's first entry waits until {@code parties} are inside, or the patience is over. */
    private static final class Gate {
        final int parties;
        final long patienceNanos;
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger mostInside = new AtomicInteger();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final AtomicLong firstArrival = new AtomicLong();
        volatile boolean open;

        Gate(int parties, long patienceNanos) {
            this.parties = parties;
            this.patienceNanos = patienceNanos;
        }

        void enter() {
            int now = inside.incrementAndGet();
            mostInside.accumulateAndGet(now, Math::max);
            if (open || !threads.add(Thread.currentThread())) return;
            firstArrival.compareAndSet(0, System.nanoTime());
            while (!open) {
                if (threads.size() >= parties || System.nanoTime() - firstArrival.get() > patienceNanos) open = true;
                else java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                mostInside.accumulateAndGet(inside.get(), Math::max);
            }
        }

        void leave() {
            inside.decrementAndGet();
        }
    }

    // ------------------------------------------------------------------ exercise 3: where to cut a block

    /**
     * Tries {@code cut} on blocks of its own (no line end, one at the very end, one at the very start,
     * bytes past {@code length} that must be ignored, multi-byte characters), then reads 2,000 lines of the
     * check's in blocks of 64 bytes with it: every chunk must end a line, and the chunks must be the file,
     * as full as the block allows.
     */
    public static Verdict lineEnd(Chunks.LineEnd cut) {
        try {
            record Case(byte[] block, int length, int want) {}
            byte[] a = "ab\ncd\nef".getBytes(StandardCharsets.UTF_8), first = "\nxy".getBytes(StandardCharsets.UTF_8);
            var cases = List.of(new Case(a, 8, 6), new Case(a, 6, 6), new Case(a, 5, 3), new Case(a, 2, 0),
                    new Case(a, 3, 3), new Case(first, 3, 1));   // `first`: its only line end at index 0
            for (Case c : cases) {
                int got = cut.lastLineEnd(c.block(), c.length());
                if (got != c.want()) return new Verdict(false, m("data.line_end").formatted(
                        new String(c.block(), 0, c.length(), StandardCharsets.UTF_8).replace("\n", "\\n"), c.length(), got, c.want()));
            }
            var r = new SplittableRandom(5);
            var file = new ByteArrayOutputStream();
            int longest = 0;
            for (int i = 0; i < 2_000; i++) {
                String line = "é€".repeat(r.nextInt(3)) + "x".repeat(r.nextInt(40)) + i + "\n";
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                longest = Math.max(longest, b.length);
                file.writeBytes(b);
            }
            byte[] all = file.toByteArray();
            int block = 64;
            var chunks = new ArrayList<byte[]>();
            Chunks.read(new ByteArrayInputStream(all), block, cut, c -> chunks.add(Arrays.copyOf(c.bytes(), c.length())));
            var joined = new ByteArrayOutputStream();
            for (int i = 0; i < chunks.size(); i++) {
                byte[] c = chunks.get(i);
                if (c.length == 0 || c[c.length - 1] != '\n')
                    return new Verdict(false, m("data.chunk.middle", i + 1, new String(c, StandardCharsets.UTF_8).replace("\n", "\\n")));
                if (i < chunks.size() - 1 && c.length <= block - longest)
                    return new Verdict(false, m("data.chunk.first", i + 1, c.length, block));
                joined.writeBytes(c);
            }
            if (!Arrays.equals(joined.toByteArray(), all)) return new Verdict(false, m("data.chunk.not_the_file"));
            return new Verdict(true, m("data.chunk.pass", chunks.size()));
        } catch (Throwable t) {
            return new Verdict(false, m("data.threw", describe(t)));
        }
    }

    /** A hint or a message of the bundles ({@link conclab.text.Messages#hint}). */
    private static String m(String key, Object... args) {
        return conclab.text.Messages.hint(key, args);
    }

    /** An exception as a learner reads it: its simple name, and its message when there is one. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() || m.equals(t.getClass().getName()) ? "" : ": " + m);
    }
}
