package conclab.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Records what the threads of one run do: spans of tasks in a {@link SpanState state}, counters over
 * time and markers, cheap enough not to change what it measures. Most learners never call it: every
 * {@link conclab.task.Strategy strategy} and every traced primitive of {@code conclab.sync} records into
 * it, and {@link conclab.Lab} is the front door.
 *
 * <pre>{@code
 * Recorder rec = Recorder.start("my run");
 * Recorder.Task t = rec.task("download 1");
 * rec.begin(t);                         // this thread now runs t (RUNNING)
 * Recorder.state(SpanState.WAITING);    // ... blocks on something
 * Recorder.state(SpanState.RUNNING);    // ... computes again
 * rec.end();                            // t is done on this thread
 * Trace trace = rec.stop();
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>Writers never wait: {@link #begin}, {@link #end}, {@link #state}, {@link #counter} and
 *       {@link #span} take no lock and never block; they append to a buffer owned by the calling thread.
 *   <li>A thread records into at most one recorder at a time: the one it last called a writing method of.
 *       {@link #state} and {@link #current()} act on that recorder.
 *   <li>{@link #snapshot()} may be called at any time from any thread; it sees every span closed before
 *       it started, and possibly some closed while it runs. Open spans are not in it.
 *   <li>After {@link #stop()}, writes are ignored; the trace it returns holds every span closed before.
 *       Threads let go of a stopped recorder's buffers when they next record, end a task of it, or stop it.
 * </ol>
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   RECORDING --stop()--> STOPPED      (stopped() turns true; later writes are ignored;
 *                                       stop() again returns the same content)
 * </pre>
 *
 * <p>Memory consistency: actions of a thread before it closes a span happen-before the actions of a
 * thread that sees that span in a {@link #snapshot()} or {@link #stop()}.
 */
public final class Recorder {

    /*
     * Implementation overview.
     *
     * Each (thread, recorder) pair has a Lane, found through one static ThreadLocal (a pool thread that
     * moves on to another recorder gets a new Lane, the old one stays with its recorder). A Lane is
     * written only by its owner thread. Its first closed span is kept in fields of the Lane itself (a
     * virtual thread running one task allocates nothing more); the others go into a chain of
     * struct-of-arrays chunks (two longs, a Task reference and a state byte per span, about 21 bytes)
     * that grow 4, 16, 64, 256, then 1024 slots, so nothing is ever copied. The
     * owner fills a slot (linking a new chunk first when needed), then publishes it by a release store
     * of the lane's size. A reader does an acquire read of the size and walks the chain from the first
     * chunk: every slot and link below the size was written before that release. No writer ever waits
     * for a reader and readers never block writers; that is the WriterReaderPhaser idea specialised to
     * append-only buffers.
     *
     * Lanes are registered in a ConcurrentLinkedQueue (lock-free), markers likewise; counters use a
     * per-lane store of the same shape as spans. Lanes of imported spans (another process's) belong to
     * no thread: they are found by name and written under their own monitor, one writer at a time,
     * which keeps the single-writer rule of a lane.
     *
     * The file is ordered: public API (writers, then readers), then Lane and its stores.
     */

    /** The lane of the calling thread in the recorder it last wrote to. Owner-thread only. */
    private static final ThreadLocal<Lane> LANE = new ThreadLocal<>();

    private final String label;
    private final long originNanos;
    private final boolean carriers;
    /** Every lane of this recorder; lock-free append, read by snapshot. */
    private final ConcurrentLinkedQueue<Lane> lanes = new ConcurrentLinkedQueue<>();
    /** Lanes of spans imported by name (see {@link #span(String, long, Task, SpanState, long, long)}). */
    private final ConcurrentHashMap<String, Lane> foreign = new ConcurrentHashMap<>();
    /** Markers; lock-free append. */
    private final ConcurrentLinkedQueue<Marker> markers = new ConcurrentLinkedQueue<>();
    /** Meta facts; concurrent map, insertion order is not kept. */
    private final ConcurrentHashMap<String, String> meta = new ConcurrentHashMap<>();
    private final AtomicLong taskIds = new AtomicLong();
    /** 0 while recording; the stop time once stopped. Volatile: writers read it to ignore late writes. */
    private volatile long stoppedAt;

    private Recorder(String label, boolean carriers) {
        this.label = Objects.requireNonNull(label, "label");
        this.carriers = carriers;
        this.meta.put("jdk", Runtime.version().toString());
        this.meta.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        this.originNanos = System.nanoTime();
    }

    /** Starts a recorder; its time zero is now. */
    public static Recorder start(String label) {
        return new Recorder(label, false);
    }

    /**
     * Starts a recorder that also notes, for each span of a virtual thread, the carrier thread it ended
     * on (read from {@code Thread.toString()}, which costs about a microsecond per span).
     */
    public static Recorder startWithCarriers(String label) {
        return new Recorder(label, true);
    }

    /** A task of a trace: its label and a number unique in its recorder. */
    public record Task(String label, long id) {
        public Task {
            Objects.requireNonNull(label, "label");
        }
    }

    /** The label given at start. */
    public String label() {
        return label;
    }

    /** Time zero of this recorder, {@link System#nanoTime()}. */
    public long originNanos() {
        return originNanos;
    }

    /** True once {@link #stop()} was called. */
    public boolean stopped() {
        return stoppedAt != 0;
    }

    /** A new task with a fresh id. Does not start it. */
    public Task task(String label) {
        return new Task(label, taskIds.getAndIncrement());
    }

    /** Adds a fact to the trace's meta ({@code jdk} and {@code cores} are already there). */
    public Recorder meta(String key, String value) {
        meta.put(key, value);
        return this;
    }

    // ------------------------------------------------------------------ writers

    /**
     * The calling thread starts running {@code task}: opens a {@link SpanState#RUNNING} span. If the
     * thread was already in a task of this recorder, that span is closed first. Never blocks.
     */
    public void begin(Task task) {
        Lane lane = lane();
        long now = System.nanoTime();
        if (lane.task != null) lane.close(now);
        lane.task = task;
        lane.state = SpanState.RUNNING;
        lane.since = now;
    }

    /** The calling thread is done with its current task: closes the open span. Never blocks. */
    public void end() {
        Lane lane = LANE.get();
        if (lane == null || lane.recorder != this || lane.task == null) return;
        lane.close(System.nanoTime());
        lane.task = null;
        if (stoppedAt != 0) LANE.remove(); // a late task of a stopped run: let the thread drop the buffers
    }

    /**
     * The calling thread, inside a task of the recorder it writes to, is now in {@code state}: closes
     * the open span and opens one in the new state. Does nothing outside a task or when the state does
     * not change. This is how traced primitives mark waits and holds; it costs a thread-local read and,
     * on a change, a clock read and an append. Never blocks.
     *
     * @return the state the thread was in, or null outside a task (to restore it later)
     */
    public static SpanState state(SpanState state) {
        Lane lane = LANE.get();
        if (lane == null || lane.task == null) return null;
        SpanState before = lane.state;
        if (before != state) {
            long now = System.nanoTime();
            lane.close(now);
            lane.state = state;
            lane.since = now;
        }
        return before;
    }

    /** The recorder the calling thread writes to, or null if none or stopped. */
    public static Recorder current() {
        Lane lane = LANE.get();
        return lane == null || lane.recorder.stopped() ? null : lane.recorder;
    }

    /** The task the calling thread runs for {@link #current()}, or null. */
    public static Task currentTask() {
        Lane lane = LANE.get();
        return lane == null ? null : lane.task;
    }

    /** Runs {@code body} as a task labelled {@code label} on the calling thread. */
    public void run(String label, Runnable body) {
        begin(task(label));
        try {
            body.run();
        } finally {
            end();
        }
    }

    /** Calls {@code body} as a task labelled {@code label} on the calling thread. */
    public <T> T call(String label, Supplier<T> body) {
        begin(task(label));
        try {
            return body.get();
        } finally {
            end();
        }
    }

    /** Records a finished span of {@code task} on the calling thread's lane. Never blocks. */
    public void span(Task task, SpanState state, long startNanos, long endNanos) {
        if (endNanos < startNanos) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.span_order"));
        lane().append(task, state, startNanos, endNanos);
    }

    /**
     * Records a finished span measured somewhere this recorder's threads are not, such as another
     * process (times must already be on this JVM's {@link System#nanoTime()} base), on the lane named
     * {@code lane}. Spans of one lane may come from any thread; they are appended under that lane's
     * monitor, so this is for imported spans, not for a hot path.
     *
     * @param threadId an identifier for the span's thread (a process or native thread id), or -1
     */
    public void span(String lane, long threadId, Task task, SpanState state, long startNanos, long endNanos) {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(state, "state");
        if (endNanos < startNanos) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.span_order"));
        Lane l = foreign.computeIfAbsent(lane, name -> {
            Lane made = new Lane(this, name, threadId);
            lanes.add(made);
            return made;
        });
        synchronized (l) {
            l.append(task, state, startNanos, endNanos);
        }
    }

    /** Records that counter {@code name} has {@code value} now. Never blocks. */
    public void counter(String name, double value) {
        lane().sample(name, System.nanoTime(), value);
    }

    /** Records counter {@code name} in the calling thread's current recorder, if any. Never blocks. */
    public static void counterIfRecording(String name, double value) {
        Lane lane = LANE.get();
        if (lane != null) lane.sample(name, System.nanoTime(), value);
    }

    /** Records an instant marker on the calling thread's lane. */
    public void marker(String kind, String detail) {
        markers.add(new Marker(kind, lane().name, System.nanoTime(), 0, detail));
    }

    /** Records a marker; {@code lane} null means the whole chart. */
    public void marker(Marker marker) {
        markers.add(Objects.requireNonNull(marker));
    }

    // ------------------------------------------------------------------ readers

    /** The trace so far: every span closed before this call. The recorder keeps recording. */
    public Trace snapshot() {
        long end = stoppedAt;
        return collect(end == 0 ? System.nanoTime() : end);
    }

    /** Stops recording and returns the trace. Calling it again returns the same content. */
    public synchronized Trace stop() {
        if (stoppedAt == 0) stoppedAt = System.nanoTime();
        Lane mine = LANE.get();
        if (mine != null && mine.recorder == this) LANE.remove(); // let a long-lived thread drop the buffers
        return collect(stoppedAt);
    }

    /** Number of spans closed so far (a cheap count, no trace built). */
    public long spanCount() {
        long n = 0;
        for (Lane lane : lanes) n += lane.published();
        return n;
    }

    private Trace collect(long end) {
        List<Span> spans = new ArrayList<>();
        List<CounterSample> counters = new ArrayList<>();
        for (Lane lane : lanes) {
            lane.readSpans(spans);
            lane.readCounters(counters);
        }
        Map<String, String> m = new LinkedHashMap<>(meta);
        return new Trace(label, originNanos, end, spans, new ArrayList<>(markers), counters, m);
    }

    private Lane lane() {
        Lane lane = LANE.get();
        if (lane == null || lane.recorder != this) {
            lane = new Lane(this, Thread.currentThread());
            lanes.add(lane);
            LANE.set(lane);
        }
        return lane;
    }

    // ------------------------------------------------------------------ lanes

    private static final SpanState[] STATES = SpanState.values();

    /** Chunk sizes grow 4, 16, 64, 256, then stay at 1024: small for one-span virtual threads, no big copies. */
    private static int nextCapacity(int capacity) {
        return Math.min(1024, capacity * 4);
    }

    /** One thread's buffer in one recorder. Fields without a note are written by the owner thread only. */
    private static final class Lane {
        private static final VarHandle SIZE, COUNTS;

        static {
            try {
                var l = MethodHandles.lookup();
                SIZE = l.findVarHandle(Lane.class, "size", int.class);
                COUNTS = l.findVarHandle(Lane.class, "counts", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Recorder recorder;
        final String name;
        final long threadId;
        final boolean virtual;
        /** The open span: task (null when none), state and start. */
        Recorder.Task task;
        SpanState state;
        long since;

        /**
         * The first closed span, inline (a virtual thread running one task allocates no chunk); the
         * others in a chain of chunks, made on the second span. Owner-written before the size release
         * that covers them.
         */
        long start0, end0;
        Recorder.Task task0;
        byte state0;
        String carrier0;
        SpanChunk firstSpans;
        /** The chunk being filled and its fill. */
        SpanChunk lastSpans;
        int lastSpansFill;
        /** Published span count: release-stored by the owner after filling a slot, acquire-read by readers. */
        @SuppressWarnings("unused") private int size;

        /** Counter samples, same scheme; the first chunk is made on first use (published by the count). */
        CounterChunk firstSamples, lastSamples;
        int lastSamplesFill;
        @SuppressWarnings("unused") private int counts;

        /** A lane of imported spans, written under its own monitor (see Recorder.span with a lane name). */
        Lane(Recorder recorder, String name, long threadId) {
            this.recorder = recorder;
            this.threadId = threadId;
            this.virtual = false;
            this.name = name;
        }

        Lane(Recorder recorder, Thread t) {
            this.recorder = recorder;
            this.threadId = t.threadId();
            this.virtual = t.isVirtual();
            String n = t.getName();
            this.name = n.isEmpty() ? (virtual ? "virtual #" : "thread #") + threadId : n;
        }

        void close(long now) {
            append(task, state, since, now);
        }

        void append(Recorder.Task t, SpanState s, long start, long end) {
            if (recorder.stoppedAt != 0) return;
            int n = (int) SIZE.getOpaque(this);
            if (n == 0) {
                start0 = start;
                end0 = end;
                task0 = t;
                state0 = (byte) s.ordinal();
                if (recorder.carriers && virtual) carrier0 = carrierName();
                SIZE.setRelease(this, 1);
                return;
            }
            SpanChunk c = lastSpans;
            int i = lastSpansFill;
            if (c == null) {
                firstSpans = lastSpans = c = new SpanChunk(4);
            } else if (i == c.starts.length) {
                SpanChunk next = new SpanChunk(nextCapacity(i));
                c.next = next; // plain write, published by the size release below
                lastSpans = c = next;
                i = 0;
            }
            c.starts[i] = start;
            c.ends[i] = end;
            c.tasks[i] = t;
            c.states[i] = (byte) s.ordinal();
            if (recorder.carriers && virtual) c.carrier(i, carrierName());
            lastSpansFill = i + 1;
            SIZE.setRelease(this, n + 1);
        }

        void sample(String counter, long at, double value) {
            if (recorder.stoppedAt != 0) return;
            CounterChunk c = lastSamples;
            int i = lastSamplesFill;
            if (c == null) {
                firstSamples = lastSamples = c = new CounterChunk(8);
            } else if (i == c.at.length) {
                CounterChunk next = new CounterChunk(nextCapacity(i));
                c.next = next;
                lastSamples = c = next;
                i = 0;
            }
            c.at[i] = at;
            c.values[i] = value;
            c.names[i] = counter;
            lastSamplesFill = i + 1;
            COUNTS.setRelease(this, (int) COUNTS.getOpaque(this) + 1);
        }

        int published() {
            return (int) SIZE.getAcquire(this);
        }

        void readSpans(List<Span> out) {
            int n = (int) SIZE.getAcquire(this);
            if (n == 0) return;
            Recorder.Task first = task0;
            out.add(new Span(first == null ? "" : first.label(), first == null ? -1 : first.id(), name, threadId, carrier0,
                    start0, end0, STATES[state0]));
            n--;
            for (SpanChunk c = firstSpans; n > 0; c = c.next) {
                int k = Math.min(n, c.starts.length);
                for (int i = 0; i < k; i++) {
                    Recorder.Task t = c.tasks[i];
                    String carrier = c.carriers == null ? null : c.carriers[i];
                    out.add(new Span(t == null ? "" : t.label(), t == null ? -1 : t.id(), name, threadId, carrier,
                            c.starts[i], c.ends[i], STATES[c.states[i]]));
                }
                n -= k;
            }
        }

        void readCounters(List<CounterSample> out) {
            int n = (int) COUNTS.getAcquire(this);
            for (CounterChunk c = firstSamples; n > 0; c = c.next) {
                int k = Math.min(n, c.at.length);
                for (int i = 0; i < k; i++) out.add(new CounterSample(c.names[i], c.at[i], c.values[i]));
                n -= k;
            }
        }

        private static String carrierName() {
            String s = Thread.currentThread().toString();
            int at = s.lastIndexOf('@');
            return at < 0 ? null : s.substring(at + 1);
        }
    }

    /** Struct-of-arrays span storage; slots are written once by the owner before publication. */
    private static final class SpanChunk {
        final long[] starts, ends;
        final Recorder.Task[] tasks;
        final byte[] states;
        /** Allocated on the first carrier noted; owner-written, published with the size. */
        String[] carriers;
        /** The next chunk; owner-written before the size that covers its first slot. */
        SpanChunk next;

        SpanChunk(int capacity) {
            starts = new long[capacity];
            ends = new long[capacity];
            tasks = new Recorder.Task[capacity];
            states = new byte[capacity];
        }

        void carrier(int i, String name) {
            if (carriers == null) carriers = new String[starts.length];
            carriers[i] = name;
        }
    }

    private static final class CounterChunk {
        final long[] at;
        final double[] values;
        final String[] names;
        CounterChunk next;

        CounterChunk(int capacity) {
            at = new long[capacity];
            values = new double[capacity];
            names = new String[capacity];
        }
    }
}
