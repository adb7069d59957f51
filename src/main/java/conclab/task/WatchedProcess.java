package conclab.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child process that records how its parent treats it, for the lesson on the full-pipe trap: whether
 * anyone read its standard output, whether that reading reached the end, and whether the parent waited
 * for the child before anyone read (the trap) or after (the fix). Everything else is the real process's.
 *
 * <p>A wait ({@link #waitFor()}, {@link #waitFor(long, TimeUnit)}, {@link #onExit()}) waits for the real
 * child. If nobody has started reading its output after {@link #PATIENCE}, the wait is recorded as
 * {@link #waitedUnread()} (the child of the trap would block for ever on its full pipe): an unbounded
 * {@code waitFor()} then throws {@link InterruptedException} instead of hanging, a timed one returns
 * false as the real one would. {@link #trial} runs a parent's code on a watched child with a deadline.
 *
 * <p>In a {@link #trial}, a thread other than the parent's that reads the output (a reader thread) gets
 * its last byte only once the parent waits for something other than the child (a {@code join}, a
 * {@code get}; waiting for {@link #onExit()}'s future counts as waiting for the child) or has returned: a parent
 * that returns what the reader gathered without waiting for the reader then misses the end of the output on every
 * run, however fast the reader is.
 *
 * <p>In a {@link #trial}, the parent's own reads keep the output's last {@link #TAIL} bytes back until the pipe
 * has ended and the child has exited, then hand them out in two reads: a parent that reads while
 * {@link #isAlive()} says the child runs (Python's {@code while p.poll() is None: p.stdout.readline()}) and stops
 * when it has exited then misses the end of the output on every run, however fast it reads; a parent that reads
 * to the end gets every byte.
 *
 * <p>Thread-safe: the records are volatile flags set by the reading and waiting threads.
 */
public final class WatchedProcess extends Process {

    /** How long a wait may go on with nobody reading the child's output before it counts as the trap. */
    public static final Duration PATIENCE = Duration.ofSeconds(3);
    /** How many of the output's last bytes a parent's reads get only once the child has exited (more than a line). */
    static final int TAIL = 256;
    /** The longest a {@link #trial} lets the parent's code run. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private final Process p;
    private final InputStream out;
    private volatile boolean readStarted, drained, waitedUnread, waitedToExit;
    /** In a trial: the thread running the parent's code, and whether that code has returned. */
    private volatile Thread parent;
    private volatile boolean parentReturned;

    /** {@code p}, watched. */
    public WatchedProcess(Process p) {
        this.p = p;
        this.out = new Watched(p.getInputStream());
    }

    /** True when something read the child's standard output (at least one call). */
    public boolean readStarted() { return readStarted; }

    /** True when a read of the child's standard output reached its end. */
    public boolean drained() { return drained; }

    /** True when a wait went on for {@link #PATIENCE} (or its own timeout) with nobody reading: the trap. */
    public boolean waitedUnread() { return waitedUnread; }

    /** True when a wait returned with the child exited. */
    public boolean waitedToExit() { return waitedToExit; }

    @Override
    public OutputStream getOutputStream() { return p.getOutputStream(); }

    @Override
    public InputStream getInputStream() { return out; }

    @Override
    public InputStream getErrorStream() { return p.getErrorStream(); }

    @Override
    public int waitFor() throws InterruptedException {
        int exit = awaitExit();
        waitedToExit = true;
        return exit;
    }

    /** {@link #waitFor()} without recording it. */
    private int awaitExit() throws InterruptedException {
        long start = System.nanoTime();
        while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
            if (!readStarted && System.nanoTime() - start > PATIENCE.toNanos()) {
                waitedUnread = true;
                throw new InterruptedException("waitFor() with nobody reading the child's output: the child is blocked"
                        + " on its full pipe and would never exit (stopped by the lab after " + PATIENCE.toSeconds() + " s)");
            }
        }
        return p.exitValue();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long start = System.nanoTime(), limit = unit.toNanos(timeout), slice = TimeUnit.MILLISECONDS.toNanos(20);
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (p.waitFor(Math.max(0, Math.min(limit - elapsed, slice)), TimeUnit.NANOSECONDS)) {
                waitedToExit = true;
                return true;
            }
            elapsed = System.nanoTime() - start;
            if (!readStarted && elapsed >= Math.min(limit, PATIENCE.toNanos())) {
                waitedUnread = true;   // the real child would still be blocked when this wait timed out
                return false;
            }
            if (elapsed >= limit) return false;
        }
    }

    @Override
    public CompletableFuture<Process> onExit() {
        var exit = new ExitFuture<Process>();
        CompletableFuture.runAsync(() -> {
            try {
                awaitExit();
                // in a trial, the exit counts as waited for only if the parent waits (for this future, or for
                // anything that depends on it) before it returns: onExit() alone, never waited for, is no wait
                if (parentWaitsBeforeReturning()) waitedToExit = true;
                exit.complete(this);
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        });
        return exit;
    }

    /**
     * The future of {@link #onExit()} and of every stage made from it: a wait in its {@code get} or
     * {@code join} is a wait for the child, like {@code waitFor()}, so a reader thread does not take it for
     * the parent waiting for the reader (see {@link #waitsForOthers}).
     */
    private static final class ExitFuture<T> extends CompletableFuture<T> {
        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() { return new ExitFuture<>(); }

        @Override
        public T get() throws InterruptedException, java.util.concurrent.ExecutionException { return super.get(); }

        @Override
        public T get(long timeout, TimeUnit unit)
                throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
            return super.get(timeout, unit);
        }

        @Override
        public T join() { return super.join(); }
    }

    @Override
    public int exitValue() { return p.exitValue(); }

    @Override
    public boolean isAlive() { return p.isAlive(); }

    @Override
    public void destroy() { p.destroy(); }

    @Override
    public Process destroyForcibly() {
        p.destroyForcibly();
        return this;
    }

    @Override
    public long pid() { return p.pid(); }

    @Override
    public ProcessHandle toHandle() { return p.toHandle(); }

    @Override
    public String toString() {
        return "watched " + p + (readStarted ? ", read" : "") + (drained ? " to the end" : "")
                + (waitedUnread ? ", waited before anyone read" : "") + (waitedToExit ? ", waited to exit" : "");
    }

    /**
     * Outside a trial, true. In a trial: waits until the parent waits (WAITING or TIMED_WAITING, not asleep) or
     * has returned, at most {@link #PATIENCE}; true if it waits.
     */
    private boolean parentWaitsBeforeReturning() {
        Thread t = parent;
        if (t == null) return true;
        long end = System.nanoTime() + PATIENCE.toNanos();
        try {
            while (!parentReturned && System.nanoTime() < end) {
                if (conclab.task.internal.Waits.forOthers(t, f -> false) && !parentReturned) return true;
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Whether a read on the current thread is the parent's in a trial (its tail kept back until the child exits). */
    private boolean onParentThread() {
        Thread p = parent;
        return p != null && Thread.currentThread() == p;
    }

    /** Whether a read on the current thread is a reader thread's in a trial (held back at the end). */
    private boolean onReaderThread() {
        Thread p = parent;
        return p != null && Thread.currentThread() != p;
    }

    /**
     * Until the parent waits for something other than the child or has returned (up to {@link #PATIENCE}):
     * WAITING or TIMED_WAITING, neither asleep nor in this process's own waits.
     */
    private void awaitParentWaiting() {
        long end = System.nanoTime() + PATIENCE.toNanos();
        try {
            while (!parentReturned && System.nanoTime() < end && !waitsForOthers(parent)) Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@code t} has ended or waits for other threads ({@link conclab.task.internal.Waits#forOthers}), not in
     * this process's own waits: {@code waitFor}, or {@code get}/{@code join} of {@link #onExit()}'s future.
     */
    private static boolean waitsForOthers(Thread t) {
        return conclab.task.internal.Waits.forOthers(t, f ->
                f.getClassName().equals(WatchedProcess.class.getName()) && f.getMethodName().equals("waitFor")
                || f.getClassName().equals(ExitFuture.class.getName())
                   && (f.getMethodName().equals("get") || f.getMethodName().equals("join")));
    }

    /** The child's standard output, recording the first read and the end. */
    private final class Watched extends InputStream {
        private final InputStream in;
        /** A reader thread's last byte read, not handed out yet (-1: none); guarded by this. */
        private int carry = -1;
        private boolean atEnd;
        /** The parent's bytes read from the pipe, not handed out yet; guarded by this. */
        private final byte[] pending = new byte[64 * 1024 + TAIL];
        /** The bytes pending[pendingStart, pendingStart + pendingLen) are read but not handed out yet. */
        private int pendingStart, pendingLen;
        /** The pipe ended and the child exited: the parent's tail is being handed out; guarded by this. */
        private boolean released, firstOfTailGiven;

        Watched(InputStream in) { this.in = in; }

        /**
         * A parent's read: hands out what it read from the pipe but its last {@link #TAIL} bytes; once the pipe
         * ends, waits for the child to exit (at most {@link #PATIENCE}), then hands out the tail, all but its
         * last byte first.
         */
        private synchronized int readKeepingTail(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (true) {
                if (released) {
                    if (pendingLen == 0) return seen(-1);
                    int n = Math.min(len, firstOfTailGiven ? pendingLen : Math.max(1, pendingLen - 1));
                    firstOfTailGiven = true;
                    return handOut(b, off, n);
                }
                if (pendingLen > TAIL) return handOut(b, off, Math.min(len, pendingLen - TAIL));
                if (pendingStart > 0) {              // at most TAIL bytes left: move them to the front
                    System.arraycopy(pending, pendingStart, pending, 0, pendingLen);
                    pendingStart = 0;
                }
                int got = in.read(pending, pendingLen, pending.length - pendingLen);
                if (got < 0) {
                    try {
                        p.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);   // the real child, not recorded as a wait
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    released = true;
                } else {
                    pendingLen += got;
                }
            }
        }

        private int handOut(byte[] b, int off, int n) {
            System.arraycopy(pending, pendingStart, b, off, n);
            pendingStart += n;
            pendingLen -= n;
            return n;
        }

        /**
         * A reader thread's read: each chunk's last byte is kept back and handed out at the front of the
         * next one, so the output's very last byte is handed out only at the end of the pipe, once the
         * parent waits for the reader ({@link #awaitParentWaiting}).
         */
        private synchronized int readHeld(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (atEnd) return seen(-1);
            while (true) {
                int n = in.read(b, off, len);
                if (n < 0) {
                    awaitParentWaiting();
                    atEnd = true;
                    if (carry < 0) return seen(-1);
                    b[off] = (byte) carry;
                    carry = -1;
                    return 1;
                }
                if (n == 0) return 0;
                int last = b[off + n - 1] & 0xff;
                if (carry >= 0) {
                    System.arraycopy(b, off, b, off + 1, n - 1);
                    b[off] = (byte) carry;
                    carry = last;
                    return n;
                }
                carry = last;
                if (n > 1) return n - 1;
            }
        }

        private int seen(int n) {
            if (n < 0) drained = true;
            return n;
        }

        @Override
        public int read() throws IOException {
            readStarted = true;
            if (onReaderThread()) {
                byte[] one = new byte[1];
                int n;
                while ((n = readHeld(one, 0, 1)) == 0) { /* a chunk of one byte, kept back: read on */ }
                return n < 0 ? -1 : one[0] & 0xff;
            }
            if (onParentThread()) {
                byte[] one = new byte[1];
                return readKeepingTail(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }
            return seen(in.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            readStarted = true;
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (onReaderThread()) return readHeld(b, off, len);
            if (onParentThread()) return readKeepingTail(b, off, len);
            return seen(in.read(b, off, len));
        }

        @Override
        public byte[] readAllBytes() throws IOException {
            readStarted = true;
            if (onReaderThread() || onParentThread()) return super.readAllBytes();   // through read(b, off, len)
            byte[] all = in.readAllBytes();
            drained = true;
            return all;
        }

        @Override
        public long transferTo(OutputStream o) throws IOException {
            readStarted = true;
            if (onReaderThread() || onParentThread()) return super.transferTo(o);
            long n = in.transferTo(o);
            drained = true;
            return n;
        }

        @Override
        public int available() throws IOException {
            if (onReaderThread()) return 0;   // what is kept back is not counted; 0 is always allowed
            if (onParentThread()) {
                synchronized (this) {
                    return (released ? pendingLen : Math.max(0, pendingLen - TAIL)) + (released ? 0 : in.available());
                }
            }
            return in.available();
        }

        @Override
        public void close() throws IOException { in.close(); }
    }

    // ------------------------------------------------------------------ trials

    /** A parent's code under test: given the started child, returns all of its standard output. */
    @FunctionalInterface
    public interface Parent {
        byte[] collect(Process child) throws Exception;
    }

    /**
     * What {@link #trial} saw: the bytes returned (null if the code threw or ran out of time), what the
     * code threw, whether it ran out of time, and the child's records.
     */
    public record Trial(byte[] bytes, Throwable thrown, boolean timedOut, boolean readStarted, boolean drained,
                        boolean waitedUnread, boolean waitedToExit) {

        /** The number of bytes returned, -1 if none. */
        public int length() { return bytes == null ? -1 : bytes.length; }
    }

    /**
     * Starts {@code command}, runs {@code parent} on the watched child on a thread of its own, and
     * reports; after {@link #DEADLINE} the child is destroyed (which ends any read) and the thread
     * interrupted. Never throws for what {@code parent} does.
     */
    public static Trial trial(java.util.List<String> command, Parent parent) throws IOException, InterruptedException {
        Process real = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        WatchedProcess child = new WatchedProcess(real);
        AtomicReference<byte[]> got = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().daemon().name("pipe-trial").unstarted(() -> {
            try {
                got.set(parent.collect(child));
            } catch (Throwable e) {
                thrown.set(e);
            } finally {
                child.parentReturned = true;
            }
        });
        child.parent = t;
        t.start();
        boolean timedOut = !t.join(DEADLINE);
        try {
            if (timedOut) {
                real.descendants().forEach(ProcessHandle::destroyForcibly);
                real.destroyForcibly();
                t.interrupt();
                t.join(Duration.ofSeconds(5));
            }
            return new Trial(got.get(), thrown.get(), timedOut, child.readStarted, child.drained, child.waitedUnread,
                    child.waitedToExit);
        } finally {
            real.descendants().forEach(ProcessHandle::destroyForcibly);
            real.destroyForcibly();
        }
    }
}
