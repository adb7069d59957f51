package conclab.kernel.io;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.Contexts;
import com.google.gson.JsonObject;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends what any thread writes to {@code System.out} and {@code System.err} to the notebook, as
 * {@code stream} messages under the cell the thread belongs to (see {@link CellContext}).
 *
 * <h2>Implementation overview</h2>
 * Writers append bytes to their cell's {@link CellOutput} under that buffer's lock, in call order, so
 * output stays in order per thread; a switch between stdout and stderr starts a new segment so the
 * two streams keep their relative order. Writers never wait for the network.
 * One pump thread batches: after the first byte arrives it waits up to {@link Settings#batchMillis}
 * (less when a buffer reaches {@link Settings#batchBytes}), then drains every buffer into stream
 * messages of at most {@code batchBytes}, spending tokens of a bucket refilled at
 * {@link Settings#bytesPerSecond} so the Jupyter server's iopub data-rate limit is never crossed.
 * Each cell may print {@link Settings#capBytes} in all; beyond that its output is dropped and one
 * notice says so. {@link #flush(CellContext)} drains one cell synchronously (the shell thread calls it
 * before a cell's result and {@code idle}); draining and publishing happen under {@link #publishLock}
 * so chunks of one cell can never overtake each other.
 */
public final class OutputRouter implements AutoCloseable {

    /**
     * @param batchMillis    longest wait before output is sent
     * @param batchBytes     largest stream message, and the fill level that sends at once
     * @param bytesPerSecond sustained rate of stream bytes (stay under the server's iopub limit)
     * @param capBytes       most bytes one cell may print; the rest is dropped with a notice
     */
    public record Settings(long batchMillis, int batchBytes, long bytesPerSecond, long capBytes) {
        public static Settings defaults() {
            return new Settings(50, 64 * 1024, 800_000, 1 << 20);
        }
    }

    private final Contexts contexts;
    private final Publisher publisher;
    private final Settings settings;
    private final PrintStream stdout, stderr;
    private final Map<CellContext, CellOutput> buffers = new ConcurrentHashMap<>();
    private final ReentrantLock pumpLock = new ReentrantLock();
    private final Condition dataArrived = pumpLock.newCondition();
    private final Object publishLock = new Object();
    private final Thread pump;
    private final PrintStream fallback;
    /* Pump signalling, guarded by pumpLock. */
    private boolean pending, urgent, closed;
    /* Token bucket, touched only by the pump thread. */
    private double tokens;
    private long refilledAt = System.nanoTime();
    /* Told when the pump catches a failure (e.g. out of memory) or dies; set once by the kernel at start-up. */
    private volatile java.util.function.Consumer<Throwable> pumpCaught = t -> {};
    private volatile Thread.UncaughtExceptionHandler pumpDied = (th, t) -> {};

    public OutputRouter(Contexts contexts, Publisher publisher, Settings settings, PrintStream fallback) {
        this.contexts = contexts;
        this.publisher = publisher;
        this.settings = settings;
        this.fallback = fallback;
        this.tokens = settings.bytesPerSecond() / 4.0;
        this.stdout = new PrintStream(new Routed("stdout"), false, StandardCharsets.UTF_8);
        this.stderr = new PrintStream(new Routed("stderr"), false, StandardCharsets.UTF_8);
        this.pump = Thread.ofPlatform().name("conclab-output").daemon(true)
                .uncaughtExceptionHandler((th, t) -> pumpDied.uncaughtException(th, t)).unstarted(this::pumpLoop);
        pump.start();
    }

    /** Who is told when the output thread catches a failure, or dies of one. */
    public void onPumpFailure(java.util.function.Consumer<Throwable> caught, Thread.UncaughtExceptionHandler died) {
        this.pumpCaught = caught;
        this.pumpDied = died;
    }

    /** The stream to install as {@code System.out}. */
    public PrintStream stdout() {
        return stdout;
    }

    /** The stream to install as {@code System.err}. */
    public PrintStream stderr() {
        return stderr;
    }

    /** Sends everything {@code ctx} has printed so far, now, on the calling thread. */
    public void flush(CellContext ctx) {
        stdout.flush();
        stderr.flush();
        CellOutput out = buffers.get(ctx);
        if (out != null) drain(ctx, out);
    }

    /**
     * Writes a kernel notice under {@code ctx}: one line on its stderr, in brackets, after what the cell
     * printed so far, sent now on the calling thread. The one way the kernel speaks under a cell (an
     * update JShell made, output truncated, the kernel exiting); not counted against the output cap.
     */
    public void notice(CellContext ctx, String sentence) {
        stdout.flush();
        stderr.flush();
        if (ctx.silent()) return;
        CellOutput out = buffers.computeIfAbsent(ctx, c -> new CellOutput(settings.capBytes()));
        out.notice(sentence);
        drain(ctx, out);
    }

    /** A notice's text: on a line of its own, in brackets. */
    static String noticeText(String sentence, boolean midLine) {
        return (midLine ? "\n[" : "[") + sentence + "]\n";
    }

    /** Stops the pump after sending what is buffered. */
    @Override
    public void close() {
        pumpLock.lock();
        try {
            closed = true;
            dataArrived.signalAll();
        } finally {
            pumpLock.unlock();
        }
        try {
            pump.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        buffers.forEach(this::drain);
    }

    /* ------------------------------------------------------------ writers */

    /** The bytes one stream of every thread goes through. */
    private final class Routed extends OutputStream {
        private final String name;
        /* Per thread: is the next byte at the start of a line? Only for rule-3 (unowned) threads. */
        private final ThreadLocal<boolean[]> atLineStart = ThreadLocal.withInitial(() -> new boolean[] {true});

        Routed(String name) {
            this.name = name;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len <= 0) return;
            var captured = conclab.spi.OutputCapture.sink();
            if (captured != null) {   // an output widget captures this thread's output (out.capture(...))
                captured.accept(name, new String(b, off, len, StandardCharsets.UTF_8));
                return;
            }
            CellContext owner = Contexts.current();
            CellContext ctx = owner != null ? owner : contexts.lastCell();
            if (ctx == null) {
                fallback.write(b, off, len);   // nothing has run yet: only start-up code prints here
                return;
            }
            if (ctx.silent()) return;
            CellOutput out = buffers.computeIfAbsent(ctx, c -> new CellOutput(settings.capBytes()));
            int size;
            if (owner != null) {
                size = out.append(name, b, off, len, null, null);
            } else {
                byte[] prefix = ("[" + Thread.currentThread().getName() + "] ").getBytes(StandardCharsets.UTF_8);
                size = out.append(name, b, off, len, prefix, atLineStart.get());
            }
            signal(size >= settings.batchBytes());
        }
    }

    private void signal(boolean full) {
        pumpLock.lock();
        try {
            if (!pending || (full && !urgent)) {
                pending = true;
                urgent |= full;
                dataArrived.signal();
            }
        } finally {
            pumpLock.unlock();
        }
    }

    /* ------------------------------------------------------------ pump */

    private void pumpLoop() {
        while (true) {
            pumpLock.lock();
            try {
                while (!pending && !closed) dataArrived.awaitUninterruptibly();
                if (closed) return;
                // batch: wait for more output, up to batchMillis, unless a buffer is already full
                long left = TimeUnit.MILLISECONDS.toNanos(settings.batchMillis());
                while (!urgent && !closed && left > 0) {
                    try {
                        left = dataArrived.awaitNanos(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                pending = false;
                urgent = false;
            } finally {
                pumpLock.unlock();
            }
            try {
                for (Map.Entry<CellContext, CellOutput> e : buffers.entrySet()) {
                    throttle(e.getValue().size());
                    drain(e.getKey(), e.getValue());
                }
            } catch (Throwable t) {
                fallback.println("[conclab] output pump: " + t);
                pumpCaught.accept(t);
            }
        }
    }

    /** Waits until the token bucket holds {@code bytes} (capped at one batch). Pump thread only. */
    private void throttle(int bytes) {
        double want = Math.min(bytes, settings.batchBytes());
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(settings.bytesPerSecond(),
                    tokens + (now - refilledAt) / 1e9 * settings.bytesPerSecond());
            refilledAt = now;
            if (tokens >= want) {
                tokens -= want;
                return;
            }
            long waitNanos = (long) ((want - tokens) / settings.bytesPerSecond() * 1e9);
            java.util.concurrent.locks.LockSupport.parkNanos(Math.max(waitNanos, 1_000_000));
        }
    }

    private void drain(CellContext ctx, CellOutput out) {
        synchronized (publishLock) {
            List<CellOutput.Chunk> chunks = out.drain(settings.batchBytes());
            for (CellOutput.Chunk c : chunks) {
                JsonObject content = new JsonObject();
                content.addProperty("name", c.name());
                content.addProperty("text", c.text());
                if (ctx.finished()) ctx.keepLate(c.text());   // kept before it can be seen, for %output
                publisher.publish("stream", ctx.parentHeader(), content);
            }
        }
    }

    /* ------------------------------------------------------------ one cell's buffer */

    /** What one cell printed and has not been sent yet. Guarded by itself. */
    static final class CellOutput {
        record Chunk(String name, String text) {}

        private final long cap;
        private final List<String> names = new ArrayList<>();      // stream of each segment
        private final List<ByteBuf> segments = new ArrayList<>();
        private long accepted, dropped;
        private boolean noticeSent;
        private int size;
        /* Whether the last byte accepted was not a newline: a notice then starts on a new line. */
        private boolean midLine;

        CellOutput(long cap) {
            this.cap = cap;
        }

        synchronized long accepted() {
            return accepted;
        }

        synchronized int size() {
            return size;
        }

        /** Appends, inserting {@code prefix} at line starts when given; returns the bytes buffered. */
        synchronized int append(String name, byte[] b, int off, int len, byte[] prefix, boolean[] atLineStart) {
            if (accepted >= cap) {
                dropped += len;
                return size;
            }
            int n = (int) Math.min(len, cap - accepted);
            dropped += len - n;
            accepted += n;
            if (n > 0) midLine = b[off + n - 1] != '\n';
            ByteBuf seg;
            if (!names.isEmpty() && names.getLast().equals(name)) {
                seg = segments.getLast();
            } else {
                names.add(name);
                segments.add(seg = new ByteBuf());
            }
            int before = seg.length;
            if (prefix == null) {
                seg.add(b, off, n);
            } else {
                int start = off, end = off + n;
                for (int i = off; i < end; i++) {
                    if (atLineStart[0]) {
                        seg.add(prefix, 0, prefix.length);
                        atLineStart[0] = false;
                    }
                    if (b[i] == '\n') {
                        seg.add(b, start, i + 1 - start);
                        start = i + 1;
                        atLineStart[0] = true;
                    }
                }
                if (start < end) {
                    if (atLineStart[0]) {
                        seg.add(prefix, 0, prefix.length);
                        atLineStart[0] = false;
                    }
                    seg.add(b, start, end - start);
                }
            }
            size += seg.length - before;
            return size;
        }

        /** Appends a kernel notice on stderr, whatever the cap. */
        synchronized void notice(String sentence) {
            byte[] b = noticeText(sentence, midLine).getBytes(StandardCharsets.UTF_8);
            if (names.isEmpty() || !names.getLast().equals("stderr")) {
                names.add("stderr");
                segments.add(new ByteBuf());
            }
            ByteBuf seg = segments.getLast();
            seg.add(b, 0, b.length);
            size += b.length;
            midLine = false;
        }

        /** Takes everything complete out of the buffer, as chunks of at most {@code max} bytes. */
        synchronized List<Chunk> drain(int max) {
            List<Chunk> out = new ArrayList<>();
            for (int i = 0; i < segments.size(); i++) {
                ByteBuf seg = segments.get(i);
                boolean last = i == segments.size() - 1;
                int usable = last ? seg.completeUtf8Length() : seg.length;
                int pos = 0;
                while (pos < usable) {
                    int end = Math.min(usable, pos + max);
                    end = ByteBuf.utf8Boundary(seg.bytes, pos, end);
                    out.add(new Chunk(names.get(i), new String(seg.bytes, pos, end - pos, StandardCharsets.UTF_8)));
                    pos = end;
                }
                if (last && usable < seg.length) {
                    byte[] rest = Arrays.copyOfRange(seg.bytes, usable, seg.length);
                    String name = names.get(i);
                    segments.clear();
                    names.clear();
                    ByteBuf keep = new ByteBuf();
                    keep.add(rest, 0, rest.length);
                    segments.add(keep);
                    names.add(name);
                    size = rest.length;
                    addNotice(out);
                    return out;
                }
            }
            segments.clear();
            names.clear();
            size = 0;
            addNotice(out);
            return out;
        }

        private void addNotice(List<Chunk> out) {
            if (dropped > 0 && !noticeSent) {
                noticeSent = true;
                out.add(new Chunk("stderr", noticeText("output truncated: this cell printed more than "
                        + (cap >> 10) + " KiB; the rest is dropped", true)));
            }
        }
    }

    /** A growable byte array. Not thread-safe; guarded by its {@link CellOutput}. */
    static final class ByteBuf {
        byte[] bytes = new byte[256];
        int length;

        void add(byte[] b, int off, int len) {
            if (length + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
            }
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        /** Length up to the last complete UTF-8 sequence. */
        int completeUtf8Length() {
            return utf8Boundary(bytes, 0, length);
        }

        /** The largest index ≤ end, > from when possible, that does not split a UTF-8 sequence. */
        static int utf8Boundary(byte[] b, int from, int end) {
            int i = end;
            int back = 0;
            while (i > from && back < 4 && (b[i - 1] & 0xC0) == 0x80) {
                i--;
                back++;
            }
            if (i > from) {
                int lead = b[i - 1] & 0xFF;
                int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
                if (need == back + 1) return end;        // the last sequence is complete
                if (need > 1) return i - 1;               // cut before an incomplete sequence
            }
            return end;
        }
    }
}
