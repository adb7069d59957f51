package conclab.task;

import conclab.sync.Gil;
import conclab.trace.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The implementations behind {@link Strategy}'s factories. Each run makes its own threads or pool
 * (so a trace's lanes are that run's threads) and shuts them down before returning.
 */
final class Strategies {

    private Strategies() {}

    private static int positive(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.need_worker", n));
        return n;
    }

    /**
     * The virtual thread scheduler's parallelism, its number of carriers once all are started: the system
     * property {@code jdk.virtualThreadScheduler.parallelism} (read once by the JDK when the scheduler is
     * created), else {@code Runtime.availableProcessors()}.
     */
    static int carrierParallelism() {
        String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        if (p != null) {
            try {
                int n = Integer.parseInt(p.strip());
                if (n > 0) return n;
            } catch (NumberFormatException e) {
                // not a number: the JDK refuses it when it creates the scheduler; count the cores
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Carriers for {@code tasks} tasks, one virtual thread each: no more carriers than tasks, at least one. */
    private static int carriersFor(int tasks) {
        return Math.max(1, Math.min(tasks, carrierParallelism()));
    }

    /** Interrupts {@code threads} and waits for them to end; keeps the caller's interrupt status set. */
    private static void cancel(List<Thread> threads) {
        for (Thread t : threads) t.interrupt();
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Starts one thread per body from {@code factory}; when starting fails (out of threads, out of
     * memory), interrupts and joins the ones already started, then rethrows.
     */
    static List<Thread> startAll(ThreadFactory factory, List<Runnable> bodies) throws InterruptedException {
        List<Thread> started = new ArrayList<>(bodies.size());
        try {
            for (Runnable body : bodies) {
                Thread t = factory.newThread(body);
                started.add(t);
                t.start();
            }
        } catch (Throwable e) {
            cancel(started);
            throw e;
        }
        return started;
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            cancel(threads);
            throw e;
        }
    }

    private static void shutdown(ExecutorService pool, boolean now) {
        if (now) pool.shutdownNow();
        else pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.DAYS)) break;
            } catch (InterruptedException e) {
                interrupted = true;
                pool.shutdownNow();
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Throws InterruptedException if a task of the calling thread was interrupted (the flag is set). */
    private static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException("run cancelled");
    }

    static final class Sequential implements Strategy {
        public String name() { return "sequential"; }
        public int workers(int tasks) { return 1; }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            for (int i = 0; i < tasks; i++) {
                checkInterrupt();
                b.captured(i).run();
            }
            checkInterrupt();
            b.finish();
        }

        public String toString() { return name(); }
    }

    /** n threads pulling the next index from a shared counter; n = 0 means one thread per task. */
    static final class Platform implements Strategy {
        private final int n;

        Platform(int n) {
            if (n < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.threads_negative"));
            this.n = n;
        }

        public String name() { return n == 0 ? "platform(per task)" : "platform(" + n + ")"; }
        public int workers(int tasks) { return n == 0 ? Math.max(1, tasks) : n; }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            Runnable[] r = b.capturedAll();
            AtomicInteger next = new AtomicInteger();
            int threads = n == 0 ? tasks : Math.min(n, Math.max(tasks, 1));
            Runnable worker = () -> {
                for (int i; (i = next.getAndIncrement()) < tasks && !Thread.currentThread().isInterrupted(); ) {
                    r[i].run();
                }
            };
            joinAll(startAll(Thread.ofPlatform().name("platform-", 0).factory(), java.util.Collections.nCopies(threads, worker)));
            b.finish();
        }

        public String toString() { return name(); }
    }

    /** n threads, thread k runs the k-th contiguous chunk. */
    static final class Chunks implements Strategy {
        private final int n;

        Chunks(int n) { this.n = positive(n); }

        public String name() { return "chunks(" + n + ")"; }
        public int workers(int tasks) { return n; }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            Runnable[] r = b.capturedAll();
            List<Runnable> chunks = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                int lo = (int) ((long) k * tasks / n), hi = (int) ((long) (k + 1) * tasks / n);
                chunks.add(() -> {
                    for (int i = lo; i < hi && !Thread.currentThread().isInterrupted(); i++) r[i].run();
                });
            }
            joinAll(startAll(Thread.ofPlatform().name("chunk-", 0).factory(), chunks));
            b.finish();
        }

        public String toString() { return name(); }
    }

    static final class FixedPool implements Strategy {
        private final int n;

        FixedPool(int n) { this.n = positive(n); }

        public String name() { return "fixedPool(" + n + ")"; }
        public int workers(int tasks) { return n; }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            ExecutorService pool = Executors.newFixedThreadPool(n, Thread.ofPlatform().name("pool-", 0).factory());
            List<Future<?>> fs = new ArrayList<>(tasks);
            try {
                for (int i = 0; i < tasks; i++) fs.add(pool.submit(b.captured(i)));
                for (Future<?> f : fs) f.get();
            } catch (InterruptedException e) {
                shutdown(pool, true);
                throw e;
            } catch (ExecutionException e) {
                b.fail(e.getCause());
            } finally {
                shutdown(pool, false);
            }
            b.finish();
        }

        public String toString() { return name(); }
    }

    static final class Virtual implements Strategy {
        public String name() { return "virtual"; }
        public int workers(int tasks) { return Math.max(1, tasks); }
        public int carriers(int tasks) { return carriersFor(tasks); }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            joinAll(startAll(Thread.ofVirtual().name("virtual-", 0).factory(), java.util.Arrays.asList(b.capturedAll())));
            b.finish();
        }

        public String toString() { return name(); }
    }

    static final class ForkJoin implements Strategy {
        private final int n;

        ForkJoin(int n) { this.n = positive(n); }

        public String name() { return "forkJoin(" + n + ")"; }
        public int workers(int tasks) { return n; }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            Runnable[] r = b.capturedAll();
            ForkJoinPool pool = new ForkJoinPool(n);
            try {
                Future<?> f = pool.submit(new Split(r, 0, tasks));
                f.get();
            } catch (InterruptedException e) {
                shutdown(pool, true);
                throw e;
            } catch (ExecutionException e) {
                b.fail(e.getCause());
            } finally {
                shutdown(pool, false);
            }
            b.finish();
        }

        /** Halves the range until one task is left; the halves go to the worker's deque, where others steal. */
        private static final class Split extends RecursiveAction {
            private final Runnable[] r;
            private final int lo, hi;

            Split(Runnable[] r, int lo, int hi) {
                this.r = r;
                this.lo = lo;
                this.hi = hi;
            }

            @Override
            protected void compute() {
                if (hi - lo <= 1) {
                    if (hi > lo && !Thread.currentThread().isInterrupted()) r[lo].run();
                    return;
                }
                int mid = (lo + hi) >>> 1;
                invokeAll(new Split(r, lo, mid), new Split(r, mid, hi));
            }
        }

        public String toString() { return name(); }
    }

    static final class Futures implements Strategy {
        private final int n;

        Futures(int n) { this.n = positive(n); }

        public String name() { return "completableFuture(" + n + ")"; }
        public int workers(int tasks) { return n; }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            ExecutorService pool = Executors.newFixedThreadPool(n, Thread.ofPlatform().name("future-", 0).factory());
            try {
                CompletableFuture<?>[] fs = new CompletableFuture<?>[tasks];
                for (int i = 0; i < tasks; i++) fs[i] = CompletableFuture.runAsync(b.captured(i), pool);
                CompletableFuture.allOf(fs).get();
            } catch (InterruptedException e) {
                shutdown(pool, true);
                throw e;
            } catch (ExecutionException e) {
                b.fail(e.getCause());
            } finally {
                shutdown(pool, false);
            }
            b.finish();
        }

        public String toString() { return name(); }
    }

    static final class ParallelStream implements Strategy {
        public String name() { return "parallelStream"; }
        public int workers(int tasks) { return ForkJoinPool.getCommonPoolParallelism() + 1; }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            Runnable[] r = b.capturedAll();
            IntStream.range(0, tasks).parallel().forEach(i -> r[i].run());
            checkInterrupt();
            b.finish();
        }

        public String toString() { return name(); }
    }

    static final class Structured implements Strategy {
        public String name() { return "structured"; }
        public int workers(int tasks) { return Math.max(1, tasks); }
        public int carriers(int tasks) { return carriersFor(tasks); }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Batch b = new Batch(name(), work, tasks, rec);
            try (Scope scope = Scope.open(name())) {
                for (int i = 0; i < tasks; i++) {
                    int task = i;
                    scope.fork(() -> {
                        b.call(task);
                        return null;
                    });
                }
                scope.join();
            } catch (ExecutionException e) {
                b.fail(e.getCause());
            }
            b.finish();
        }

        public String toString() { return name(); }
    }

    /** Any strategy, with each task holding a fresh simulated GIL while it runs. */
    static final class WithGil implements Strategy {
        private final Strategy inner;
        private final Duration interval;
        private final boolean fair;

        WithGil(Strategy inner, Duration interval, boolean fair) {
            if (inner instanceof WithGil) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.already_gil", inner.name()));
            if (inner instanceof Processes) {
                throw new IllegalArgumentException(conclab.text.Messages.hint("arg.processes_gil", inner.name()));
            }
            this.inner = inner;
            this.interval = interval;
            this.fair = fair;
            new Gil(interval, fair); // validates the arguments now
        }

        public String name() {
            boolean dflt = interval.equals(Duration.ofMillis(5)) && !fair;
            return inner.name() + "+GIL" + (dflt ? "" : "(" + conclab.trace.Format.millis(interval.toNanos())
                    + (fair ? ", fair" : "") + ")");
        }

        public int workers(int tasks) { return inner.workers(tasks); }
        public int carriers(int tasks) { return inner.carriers(tasks); }

        public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
            Gil gil = new Gil(interval, fair);
            try {
                inner.run(Work.named(work.name(), i -> gil.run(() -> work.run(i))), tasks, rec);
            } finally {
                rec.meta("gil.switches", Long.toString(gil.switches()));
                rec.meta("gil.forced", Long.toString(gil.forcedSwitches()));
            }
        }

        public String toString() { return name(); }
    }
}
