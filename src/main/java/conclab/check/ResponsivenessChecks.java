package conclab.check;

import conclab.task.Cpu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.ToLongFunction;

/**
 * The instruments behind the exercises of lessons 08a and 08b (staying responsive; request ids): each
 * method calls a learner's code with inputs it controls, forces the interleaving that separates a right
 * answer from a plausible wrong one, and returns plain values for {@code check(...)}. None throws, none
 * waits without a deadline; what a learner's code leaves running is left to end by itself.
 */
public final class ResponsivenessChecks {

    private ResponsivenessChecks() {}

    // ------------------------------------------------------------------ hand-off (08a, exercise 1)

    /** A learner's button handler: called on {@code ui}; hands {@code work} off, then runs {@code show} on {@code ui}. */
    @FunctionalInterface
    public interface ButtonHandler {
        void onButton(ExecutorService ui, ExecutorService workers, Runnable work, Runnable show) throws Exception;
    }

    /**
     * What a hand-off did. {@code uiFree}: an event posted to {@code ui} right after the handler ran got
     * through while the work was still running (the work waited for it, at most 1 s).
     */
    public record HandOff(boolean workOffUi, boolean uiFree, boolean showOnUi, boolean showAfterWork, String detail) {
        public boolean uiStaysFree() { return workOffUi && uiFree; }
        public boolean showsOnUiWhenDone() { return showOnUi && showAfterWork; }
    }

    /**
     * Presses the button once: runs {@code handler} on a single-thread "ui" executor with 2 workers. The
     * work first waits (at most 1 s) for the next event posted to ui after the handler, then computes
     * 100 ms; so a handler that runs the work on ui, or waits for it there, keeps that event out for 1 s.
     */
    public static HandOff handOff(ButtonHandler handler) {
        var uiThread = new AtomicReference<Thread>();
        var workThread = new AtomicReference<Thread>();
        var showThread = new AtomicReference<Thread>();
        var nextEvent = new CountDownLatch(1);
        var shown = new CountDownLatch(1);
        var uiFree = new AtomicBoolean();
        var workDone = new AtomicBoolean();
        var showAfterWork = new AtomicBoolean();
        var failure = new AtomicReference<Throwable>();
        ExecutorService ui = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ui");
            uiThread.set(t);
            return t;
        });
        ExecutorService workers = Executors.newFixedThreadPool(2);
        Runnable work = () -> {
            workThread.set(Thread.currentThread());
            try {
                uiFree.set(nextEvent.await(1, TimeUnit.SECONDS));
                Cpu.compute(Duration.ofMillis(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workDone.set(true);
        };
        Runnable show = () -> {
            showThread.set(Thread.currentThread());
            showAfterWork.set(workDone.get());
            shown.countDown();
        };
        try {
            ui.execute(() -> {
                try {
                    handler.onButton(ui, workers, work, show);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            ui.execute(nextEvent::countDown);
            boolean showed = shown.await(5, TimeUnit.SECONDS);
            boolean workOffUi = workThread.get() != null && workThread.get() != uiThread.get();
            boolean showOnUi = showThread.get() != null && showThread.get() == uiThread.get();
            String detail = failure.get() != null ? conclab.text.Messages.get("responsive.handoff.threw", String.valueOf(failure.get()))
                    : !showed ? conclab.text.Messages.get("responsive.handoff.no_show")
                    : conclab.text.Messages.get("responsive.handoff.where", name(workThread.get()), name(showThread.get()))
                      + (uiFree.get() ? "" : conclab.text.Messages.get("responsive.handoff.ui_busy"));
            return new HandOff(workOffUi, uiFree.get(), showOnUi, showAfterWork.get(), detail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HandOff(false, false, false, false, "interrupted");
        } finally {
            ui.shutdownNow();
            workers.shutdownNow();
        }
    }

    private static String name(Thread t) {
        return t == null ? conclab.text.Messages.get("responsive.no_thread") : "\"" + t.getName() + "\"";
    }

    // ------------------------------------------------------------------ a loop that listens (08a, exercise 2)

    /**
     * How a counting loop took an interrupt. {@code early}: it ended before its last number;
     * {@code countRight}: it returned the count of primes up to where it got; {@code flagKept}: the thread
     * was still marked interrupted when the method returned.
     */
    public record Stop(boolean ended, boolean early, boolean countRight, boolean flagKept, String detail) {}

    /**
     * Runs {@code countPrimes(reached)} on a platform thread of its own, interrupts it once {@code reached}
     * passes {@code limit / 20}, and waits for it at most 10 s.
     */
    public static Stop stopsWhenInterrupted(ToLongFunction<AtomicInteger> countPrimes, int limit, IntPredicate isPrime) {
        // on a loaded machine the probe's thread may be scheduled too late, when the loop is past half-way or
        // done: that run tells nothing (a right loop would have run on as far), so it is run again
        Trial trial = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            trial = stopOnce(countPrimes, limit, isPrime);
            if (!trial.late()) break;
        }
        return trial.stop();
    }

    /** One run of the loop: how it stopped, and whether the interrupt came too late to tell anything. */
    private record Trial(Stop stop, boolean late) {}

    private static Trial stopOnce(ToLongFunction<AtomicInteger> countPrimes, int limit, IntPredicate isPrime) {
        var reached = new AtomicInteger();
        var returned = new AtomicReference<Long>();
        var thrown = new AtomicReference<Throwable>();
        var flagKept = new AtomicBoolean();
        boolean late = false;
        Thread counting = Thread.ofPlatform().name("countPrimes").daemon().start(() -> {
            try {
                returned.set(countPrimes.applyAsLong(reached));
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagKept.set(Thread.currentThread().isInterrupted());
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reached.get() < limit / 20 && counting.isAlive() && System.nanoTime() < deadline) Thread.sleep(1);
            late = !counting.isAlive() || reached.get() >= limit / 2;
            counting.interrupt();
            counting.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int got = reached.get();
        boolean ended = !counting.isAlive();
        boolean early = ended && got < limit - 1;
        long upTo = 0, upToNext = 0;
        for (int n = 2; n <= got + 1; n++) if (isPrime.test(n)) { if (n <= got) upTo++; upToNext++; }
        Long r = returned.get();
        boolean countRight = r != null && (r == upTo || r == upToNext);
        String detail = !ended ? conclab.text.Messages.get("responsive.stop.running", String.valueOf(got))
                : thrown.get() != null ? conclab.text.Messages.get("responsive.stop.threw", String.valueOf(thrown.get()))
                : conclab.text.Messages.get("responsive.stop.where", String.valueOf(limit / 20), String.valueOf(got), String.valueOf(r), String.valueOf(upTo))
                  + (flagKept.get() ? "" : conclab.text.Messages.get("responsive.stop.flag_cleared"));
        return new Trial(new Stop(ended, early, countRight, flagKept.get(), detail), late);
    }

    // ------------------------------------------------------------------ a timeout that cancels (08a, exercise 3)

    /** A learner's ask-with-a-limit. */
    @FunctionalInterface
    public interface Asker {
        String askWithin(ExecutorService pool, Callable<String> request, Duration limit, String fallback) throws Exception;
    }

    /**
     * What a time-limited ask did: {@code fastAnswered}: a request that answers at once got its answer
     * within 3 s, with a 10 s limit (so an ask that sleeps its whole limit before looking is caught);
     * {@code gaveUp}: a request that takes 3 s got the fallback within 1 s, with a 100 ms limit, and not
     * before the limit was past (so a limit truncated to whole seconds, {@code get(0, SECONDS)}, is caught);
     * {@code stopped}: that request ended (interrupted) within 0.5 s after the ask returned.
     */
    public record Timeout(boolean fastAnswered, boolean gaveUp, boolean stopped, String detail) {}

    public static Timeout cancelsOnTimeout(Asker asker) {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            var fast = ask(asker, pool, () -> "answer", Duration.ofSeconds(10), Duration.ofSeconds(3));
            var ended = new CountDownLatch(1);
            Callable<String> slow = () -> {
                try {
                    Thread.sleep(3000);
                    return "too late";
                } finally {
                    ended.countDown();
                }
            };
            long t0 = System.nanoTime();
            var late = ask(asker, pool, slow, Duration.ofMillis(LIMIT_MS), Duration.ofSeconds(1));
            long took = System.nanoTime() - t0;
            boolean stopped = ended.await(500, TimeUnit.MILLISECONDS);
            boolean fastAnswered = "answer".equals(fast);
            // Future.get(timeout) waits at least the timeout (System.nanoTime is monotonic): sooner is a limit cut short
            boolean early = TimeUnit.NANOSECONDS.toMillis(took) < LIMIT_MS;
            boolean gaveUp = "fallback".equals(late) && !early;
            String detail = conclab.text.Messages.get("responsive.timeout.gave", quote(fast), quote(late), String.valueOf(TimeUnit.NANOSECONDS.toMillis(took)))
                    + conclab.text.Messages.get(stopped ? "responsive.timeout.stopped" : "responsive.timeout.running")
                    + ("fallback".equals(late) && early ? conclab.text.Messages.get("responsive.timeout.early") : "");
            return new Timeout(fastAnswered, gaveUp, stopped, detail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Timeout(false, false, false, "interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private static String quote(Object o) {
        return o instanceof String s ? "\"" + s + "\"" : String.valueOf(o);
    }

    /** The slow request's limit, in milliseconds. */
    private static final long LIMIT_MS = 100;

    /** The asker's answer with {@code limit}, or a description of what went wrong, waiting at most {@code deadline}. */
    private static Object ask(Asker asker, ExecutorService pool, Callable<String> request, Duration limit, Duration deadline)
            throws InterruptedException {
        var result = new AtomicReference<Object>("no answer within " + deadline.toMillis() + " ms");
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                result.set(asker.askWithin(pool, request, limit, "fallback"));
            } catch (Throwable e) {
                result.set("an exception: " + e);
            }
        });
        t.join(deadline);
        return result.get();
    }

    // ------------------------------------------------------------------ request ids (08b)

    /** A learner's request handler: runs the lookups of one request on {@code pool}, returns their log lines. */
    @FunctionalInterface
    public interface RequestHandler {
        List<String> handle(String requestId, ExecutorService pool) throws Exception;
    }

    /**
     * What two concurrent requests logged. {@code together}: all six lookups were waiting in the pool's
     * queue at once (submitted before any ran); {@code idsRight}: each request's three lines start with
     * its own id; {@code noLeak}: a task run on each pool thread afterwards logs neither id.
     */
    public record RequestIds(boolean together, boolean idsRight, boolean noLeak, List<String> lines, String detail) {}

    /**
     * Two requests with fresh random ids call {@code handler} at the same moment (behind a barrier) on a
     * shared pool of 2 threads, which holds their lookups back until all six are queued (at most 3 s);
     * then a probe on each of the pool's threads calls {@code log}.
     */
    public static RequestIds requestIds(RequestHandler handler, Function<String, String> log) {
        int a = ThreadLocalRandom.current().nextInt(100, 500), b = ThreadLocalRandom.current().nextInt(500, 1000);
        String[] ids = {"req-" + a, "req-" + b};
        var pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        var gate = new CountDownLatch(1);
        List<List<String>> lines = Collections.synchronizedList(new ArrayList<>(List.of(List.of(), List.of())));
        var problems = Collections.synchronizedList(new ArrayList<String>());
        try {
            var occupied = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) pool.execute(() -> {
                occupied.countDown();
                try { gate.await(10, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            });
            occupied.await(5, TimeUnit.SECONDS);
            var start = new CyclicBarrier(2);
            var requests = new Thread[2];
            for (int i = 0; i < 2; i++) {
                int k = i;
                requests[i] = Thread.ofVirtual().start(() -> {
                    try {
                        start.await(5, TimeUnit.SECONDS);
                        lines.set(k, List.copyOf(handler.handle(ids[k], pool)));
                    } catch (Throwable t) {
                        problems.add("handle(\"" + ids[k] + "\") threw " + t);
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (pool.getQueue().size() < 6 && System.nanoTime() < deadline) Thread.sleep(1);
            boolean together = pool.getQueue().size() >= 6;
            gate.countDown();
            for (Thread t : requests) t.join(Duration.ofSeconds(5));
            boolean idsRight = problems.isEmpty();
            for (int k = 0; k < 2; k++) {
                List<String> got = lines.get(k);
                String mine = ids[k] + ": ", other = ids[1 - k];
                boolean own = got.size() == 3 && got.stream().allMatch(l -> l.startsWith(mine) && !l.contains(other));
                if (!own) idsRight = false;
            }
            var probe = new CyclicBarrier(2);
            var probes = new ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 2; i++) probes.add(pool.submit(() -> {
                probe.await(3, TimeUnit.SECONDS);
                return log.apply("a task between requests");
            }));
            var after = new ArrayList<String>();
            for (var p : probes) {
                try { after.add(p.get(5, TimeUnit.SECONDS)); } catch (Exception e) { after.add("(the probe failed: " + e + ")"); }
            }
            boolean noLeak = after.stream().noneMatch(l -> l.contains(ids[0]) || l.contains(ids[1]));
            var all = new ArrayList<String>();
            all.addAll(lines.get(0));
            all.addAll(lines.get(1));
            String detail = (problems.isEmpty() ? "" : String.join("; ", problems) + "; ")
                    + "requests " + ids[0] + " and " + ids[1] + " logged " + all
                    + (together ? "" : "; the pool never held all six lookups at once")
                    + "; afterwards the pool's threads logged " + after;
            return new RequestIds(together, idsRight, noLeak, all, detail);
        } catch (InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return new RequestIds(false, false, false, List.of(), "the check itself failed: " + e);
        } finally {
            gate.countDown();
            pool.shutdownNow();
        }
    }
}
