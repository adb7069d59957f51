package conclab.data;

import conclab.sync.TracedQueue;
import conclab.trace.Recorder;
import conclab.trace.Trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A file read in chunks of whole lines, and the bounded pipeline built on it: one reader thread fills
 * blocks of bytes and cuts each after its last complete line; parser threads take chunks from a bounded
 * queue and add them up, each into a map of its own; the partial maps are merged at the end. Memory stays
 * flat whatever the file's size: at most the queue's capacity of chunks waits, plus one per thread.
 *
 * <pre>{@code
 * var run = Chunks.pipeline(trips.file(), 1 << 20, 4, 2);   // 1 MB chunks, a queue of 4, two parsers
 * run.totals();                                            // station → Tally
 * Charts.counters(run.trace(), "chunks depth")             // the queue's depth over time
 * }</pre>
 */
public final class Chunks {

    private Chunks() {}

    /** Where a block is cut: the length of its part made of whole lines. */
    @FunctionalInterface
    public interface LineEnd {
        /**
         * The index just after the last {@code '\n'} of {@code block[0, length)}: the block's whole lines
         * end there and the rest (the start of a line) waits for the next block; 0 when there is no
         * {@code '\n'} at all.
         */
        int lastLineEnd(byte[] block, int length);
    }

    /** The lab's cut: the last {@code '\n'}, searched from the end. */
    public static final LineEnd LAST_LINE_END = (block, length) -> {
        for (int i = length - 1; i >= 0; i--) if (block[i] == '\n') return i + 1;
        return 0;
    };

    /** Whole lines of a file: {@code bytes[0, length)}, each line ending with {@code '\n'} except perhaps the file's last. */
    public record Chunk(byte[] bytes, int length) {
        /** The lines of this chunk, without their {@code '\n'}, the header skipped. */
        public List<String> lines() {
            var lines = new ArrayList<String>();
            forEachLine(lines::add);
            return lines;
        }

        /** Hands each line (no {@code '\n'}, the header skipped) to {@code line}. */
        public void forEachLine(Consumer<String> line) {
            int start = 0;
            for (int i = 0; i <= length; i++) {
                if (i == length || bytes[i] == '\n') {
                    if (i > start) {
                        String s = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                        if (!s.equals(Trip.HEADER)) line.accept(s);
                    }
                    start = i + 1;
                }
            }
        }

        /** This chunk's trips per station. */
        public Map<String, Tally> totals() {
            var m = new HashMap<String, Tally>();
            forEachLine(l -> {
                Trip t = Trip.parse(l);
                m.merge(t.station(), Tally.of(t.cents()), Tally::plus);
            });
            return m;
        }
    }

    /**
     * Reads {@code in} in blocks of {@code blockSize} bytes, cuts each with {@code cut}, and hands the
     * chunks of whole lines, in order, to {@code sink} on this thread; what follows a cut starts the next
     * block.
     *
     * @return how many chunks
     * @throws IllegalStateException if {@code cut} returns a position outside the block, or a line is
     *                               longer than a block
     */
    public static long read(InputStream in, int blockSize, LineEnd cut, ChunkSink sink) throws IOException, InterruptedException {
        byte[] block = new byte[blockSize];
        int filled = 0;
        long chunks = 0;
        while (true) {
            int n = in.readNBytes(block, filled, blockSize - filled);
            filled += n;
            if (filled < blockSize) {                                   // the end of the file
                if (filled > 0) {
                    sink.accept(new Chunk(block, filled));
                    chunks++;
                }
                return chunks;
            }
            int end = cut.lastLineEnd(block, filled);
            if (end <= 0 || end > filled)
                throw new IllegalStateException(end == 0 ? "a line longer than a block of " + blockSize + " bytes"
                        : "cut at " + end + ", outside the block of " + filled + " bytes");
            byte[] next = new byte[blockSize];
            System.arraycopy(block, end, next, 0, filled - end);        // the start of the next line
            sink.accept(new Chunk(block, end));
            chunks++;
            filled -= end;
            block = next;
        }
    }

    /** What {@link #read} hands its chunks to. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(Chunk chunk) throws InterruptedException;
    }

    /** What a {@link #pipeline} run found and recorded. */
    public record Run(Map<String, Tally> totals, long chunks, long nanos, Trace trace) {
        @Override
        public String toString() {
            return "%,d chunks in %.0f ms; peak queue depth %d".formatted(chunks, nanos / 1e6,
                    (int) trace.counters().stream().filter(c -> c.name().equals("chunks depth")).mapToDouble(c -> c.value()).max().orElse(0));
        }
    }

    /**
     * Reader → a queue of {@code capacity} chunks of {@code blockSize} bytes → {@code parsers} threads each
     * adding up into its own map → merged. The trace (labelled {@code "pipeline"}) has the counters
     * {@code "chunks depth"} and those of {@link HeapSampler}.
     */
    public static Run pipeline(Path file, int blockSize, int capacity, int parsers) {
        Recorder rec = Recorder.start("pipeline, " + capacity + " chunks at most");
        TracedQueue<Chunk> queue = TracedQueue.bounded("chunks", capacity);
        queue.recordInto(rec);
        Chunk end = new Chunk(new byte[0], 0);                          // one per parser: no more chunks
        long t0 = System.nanoTime();
        try (var heap = new HeapSampler(rec); ExecutorService pool = Executors.newFixedThreadPool(parsers)) {
            List<Future<Map<String, Tally>>> partials = new ArrayList<>();
            for (int p = 0; p < parsers; p++)
                partials.add(pool.submit(() -> {
                    var mine = new HashMap<String, Tally>();
                    for (Chunk c = queue.take(); c != end; c = queue.take()) Totals.mergeInto(mine, c.totals());
                    return mine;
                }));
            long chunks;
            try (InputStream in = Files.newInputStream(file)) {
                chunks = read(in, blockSize, LAST_LINE_END, queue::put);
            } finally {
                for (int p = 0; p < parsers; p++) queue.put(end);
            }
            var all = new HashMap<String, Tally>();
            for (var f : partials) Totals.mergeInto(all, f.get());
            long took = System.nanoTime() - t0;
            heap.close();
            return new Run(all, chunks, took, rec.stop());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * For comparison with {@link #pipeline}: reads the whole of {@code file} into a list of lines, then adds
     * them up with a parallel stream; recorded the same way (label {@code "whole file, then parallel"}).
     */
    public static Run wholeFile(Path file) {
        Recorder rec = Recorder.start("whole file, then parallel");
        long t0 = System.nanoTime();
        try (var heap = new HeapSampler(rec)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            var totals = Totals.of(lines.parallelStream());
            long took = System.nanoTime() - t0;
            heap.close();
            return new Run(totals, 1, took, rec.stop());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Records, every 5 ms until closed, the heap in use ({@code "heap used (MB)"}, garbage included) and the
     * old generation's ({@code "heap kept (MB)"}: what survived a young collection, i.e. what the program
     * still held then).
     */
    public static final class HeapSampler implements AutoCloseable {
        private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
        private static final java.lang.management.MemoryPoolMXBean OLD = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP
                        && (p.getName().contains("Old") || p.getName().contains("Tenured")))
                .findFirst().orElse(null);
        private final Thread thread;
        /** Set by close, read by the sampling thread. */
        private volatile boolean stopped;

        /** Starts sampling into {@code rec}. */
        public HeapSampler(Recorder rec) {
            thread = Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
                while (!stopped) {
                    rec.counter("heap used (MB)", MEMORY.getHeapMemoryUsage().getUsed() / 1e6);
                    if (OLD != null) rec.counter("heap kept (MB)", OLD.getUsage().getUsed() / 1e6);
                    LockSupport.parkNanos(5_000_000);
                }
            });
        }

        @Override
        public void close() {
            stopped = true;
            LockSupport.unpark(thread);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
