package conclab.check;


import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Instrumented calls for the checks of exercises: {@code n} {@link Callable}s that stand for blocking
 * requests, record which threads ran them and how many were in flight at once, and can force the
 * interleaving a check needs. A check hands {@link #calls()} to the learner's code and then asks what
 * happened; nothing here depends on timing except generous deadlines, so a verdict is the same on one
 * core and on many.
 *
 * <pre>{@code
 * var probe = CallProbe.of(4).overlap(4);          // each call waits until 4 are in flight at once
 * var out = probe.run(() -> onThreads(probe.calls()));
 * check("replies in order", probe.replies().equals(out.value()), "...");
 * check("calls overlapped", probe.overlapped(), "...");
 * }</pre>
 *
 * <ul>
 *   <li>Call {@code i} returns {@code "reply i #token"}, with a token drawn per probe, so a hard-coded
 *       answer cannot match.
 *   <li>{@link #overlap(int) overlap(k)}: a call waits until {@code k} calls have been in flight at the
 *       same moment; once that happened the gate stays open. If it does not happen within the deadline,
 *       the probe notes it ({@link #overlapped()} is false) and no later call waits.
 *   <li>{@link #finishIn(int...) finishIn(order)}: call {@code order[j]} returns only after call
 *       {@code order[j-1]} has returned (a forced completion order), with the same deadline rule. On a
 *       {@link #pool pool of the probe}, "returned" means the pool's task has ended, so a {@code Future}
 *       (and a {@code CompletionService}'s queue) sees the calls complete in exactly that order.
 *   <li>{@link #run(Callable)} runs the code under test on a thread of its own and gives up after the
 *       deadline (interrupting it and every thread that ran a call), so a check never hangs.
 * </ul>
 *
 * <p>Thread-safe: calls may run on any threads. Memory effects: a call's recording happens-before the
 * calls of {@link #threads()}, {@link #maxInFlight()} and friends made after that call returned.
 */
public final class CallProbe {

    private final int n;
    private final String token = UUID.randomUUID().toString().substring(0, 6);
    private final Set<Thread> threads = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean gaveUp = new AtomicBoolean();
    /** Guarded by {@code this}. */
    private int inFlight, maxInFlight, calls;
    private int overlap = 1;
    private int[] order;
    private CountDownLatch[] returned;
    private Duration deadline = Duration.ofSeconds(4);
    private final CountDownLatch enough = new CountDownLatch(1);
    private volatile Thread caller;
    /* Set by run()'s thread once the code under test has returned (after its result was copied). */
    private volatile boolean callerReturned;
    private boolean holdReplies, holdLast;
    /** The thread that ran each call (null until it starts). */
    private java.util.concurrent.atomic.AtomicReferenceArray<Thread> ranBy;
    /** Set when a held reply's turn did not come within the deadline: the later ones stop waiting for theirs. */
    private volatile boolean turnGaveUp;
    private final Set<Thread> poolThreads = ConcurrentHashMap.newKeySet();
    /** The call the current thread ran last, released when its pool task ends. */
    private final ThreadLocal<Integer> lastRun = new ThreadLocal<>();

    private CallProbe(int n) {
        this.n = n;
        this.ranBy = new java.util.concurrent.atomic.AtomicReferenceArray<>(n);
    }

    /** {@code n} calls, returning at once unless told otherwise. */
    public static CallProbe of(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.n_lt1"));
        return new CallProbe(n);
    }

    /** Each call waits (up to the deadline) until {@code k} calls have been in flight at once. */
    public CallProbe overlap(int k) {
        this.overlap = Math.max(1, Math.min(k, n));
        return this;
    }

    /** Call {@code order[j]} returns only after call {@code order[j-1]} returned (up to the deadline). */
    public CallProbe finishIn(int... order) {
        if (order.length != n) throw new IllegalArgumentException(conclab.text.Messages.hint("callprobe.order", n));
        this.order = order.clone();
        this.returned = new CountDownLatch[n];
        for (int i = 0; i < n; i++) returned[i] = new CountDownLatch(1);
        return this;
    }

    /**
     * With {@link #run}: a call hands its reply back only once the code under test waits (in
     * {@code join}, {@code get}, {@code await}: WAITING or TIMED_WAITING, but not in {@code Thread.sleep})
     * or has returned. Code that returns without waiting for its calls, or sleeps instead of waiting for
     * them, then returns before any reply exists, on every run, however the threads are scheduled. The
     * replies are then handed back one at a time in reverse call order, each once the thread that got the
     * one before has ended or waits: code that collects them in the order they arrive (a list every thread
     * adds to) gets them reversed, on every run. A caller that never waits (it spins) gets, after the
     * deadline, an exception from each call instead of its reply.
     */
    public CallProbe holdRepliesUntilCallerWaits() {
        this.holdReplies = true;
        return this;
    }

    /**
     * With {@link #run}: the last call to start hands its reply back only once the code under test waits
     * (as for {@link #holdRepliesUntilCallerWaits()}, and not while it waits for room in a queue, {@code put})
     * or has returned. Code that returns without waiting for the threads that make its calls (a consumer
     * never joined, a sleep instead of a join) then returns before that reply exists, on every run.
     */
    public CallProbe holdLastReplyUntilCallerWaits() {
        this.holdLast = true;
        return this;
    }

    /** How long a call waits for the others, and {@link #run} for the code under test (default 4 s). */
    public CallProbe deadline(Duration d) {
        this.deadline = d;
        return this;
    }

    /** The calls, in order: call {@code i} returns {@code reply(i)}. */
    public List<Callable<String>> calls() {
        List<Callable<String>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final int id = i;
            list.add(() -> call(id));
        }
        return List.copyOf(list);
    }

    /**
     * A fixed pool of {@code threads} platform threads named {@code name0, name1, …} for the code under
     * test: with {@link #finishIn}, a call counts as returned once the pool's task that ran it has ended.
     * Shut it down when done.
     */
    public ExecutorService pool(int threads, String name) {
        ThreadFactory named = Thread.ofPlatform().name(name, 0).factory();
        ThreadFactory recorded = r -> {
            Thread t = named.newThread(r);
            poolThreads.add(t);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                recorded) {
            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                Integer id = lastRun.get();
                lastRun.remove();
                if (id != null && returned != null) returned[id].countDown();
            }
        };
    }

    /** What call {@code i} returns. */
    public String reply(int i) {
        return "reply " + i + " #" + token;
    }

    /** Every reply in call order. */
    public List<String> replies() {
        List<String> r = new ArrayList<>(n);
        for (int i = 0; i < n; i++) r.add(reply(i));
        return r;
    }

    /** Every reply in the order {@link #finishIn} forces (call order without it). */
    public List<String> repliesInFinishOrder() {
        if (order == null) return replies();
        List<String> r = new ArrayList<>(n);
        for (int i : order) r.add(reply(i));
        return r;
    }

    /** The calls in the order they returned. */
    public List<Integer> completed() {
        synchronized (completed) {
            return List.copyOf(completed);
        }
    }

    /** How many calls were made. */
    public synchronized int callsMade() {
        return calls;
    }

    /** The most calls in flight at the same moment. */
    public synchronized int maxInFlight() {
        return maxInFlight;
    }

    /** Whether the calls reached the overlap asked for (and every forced order was met) in time. */
    public boolean overlapped() {
        return !gaveUp.get() && maxInFlight() >= overlap;
    }

    /** The threads that ran calls, in the order they first did. */
    public Set<Thread> threads() {
        synchronized (threads) {
            return Set.copyOf(new ArrayList<>(threads));
        }
    }

    /** True when at least one call ran and every call ran on a thread other than {@code caller}. */
    public boolean ranOffThread(Thread caller) {
        Set<Thread> t = threads();
        return !t.isEmpty() && !t.contains(caller);
    }

    /**
     * True when at least one call ran and no call ran on the thread that ran the code under test
     * ({@link #run}): the code started other threads or used a pool.
     */
    public boolean ranOffCaller() {
        Thread c = caller;
        return c != null && ranOffThread(c);
    }

    /** True when at least one call ran and every call ran on a thread whose name starts with {@code prefix}. */
    public boolean ranOnThreadsNamed(String prefix) {
        Set<Thread> t = threads();
        return !t.isEmpty() && t.stream().allMatch(th -> th.getName().startsWith(prefix));
    }

    /** True when every thread that ran a call has ended, waiting up to the deadline for them. */
    public boolean threadsEnded() {
        long end = System.nanoTime() + deadline.toNanos();
        for (Thread t : threads()) {
            try {
                long left = end - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code body} on a thread of its own and waits for it up to the deadline (a list it returns is
     * copied as it is at that moment); on time-out it
     * interrupts that thread and every thread that ran a call, and the outcome says it did not finish.
     * Never throws.
     */
    public <T> Attempt.Outcome<T> run(Callable<T> body) {
        Attempt<T> a = Attempt.start(() -> {
            T value = asReturned(body.call());
            callerReturned = true;
            return value;
        });
        caller = a.thread();
        Attempt.Outcome<T> out = a.await(deadline.multipliedBy(2));
        if (!out.finished()) {
            a.cancel();
            for (Thread t : threads()) t.interrupt();
        }
        return out;
    }

    private String call(int id) throws InterruptedException {
        Thread me = Thread.currentThread();
        threads.add(me);
        ranBy.set(id, me);
        int made;
        synchronized (this) {
            made = ++calls;
            inFlight++;
            if (inFlight > maxInFlight) maxInFlight = inFlight;
            if (maxInFlight >= overlap) enough.countDown();
        }
        try {
            if (!gaveUp.get() && !enough.await(deadline.toNanos(), TimeUnit.NANOSECONDS)) gaveUp.set(true);
            if (order != null) {
                int pos = indexOf(order, id);
                if (pos > 0 && !gaveUp.get()
                        && !returned[order[pos - 1]].await(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
                    gaveUp.set(true);
                }
            }
            if (holdReplies || holdLast && made == n) awaitCallerWaiting();
            if (holdReplies) awaitTurn(id, me);
            completed.add(id);
            return reply(id);
        } finally {
            synchronized (this) {
                inFlight--;
            }
            if (returned != null) {
                if (poolThreads.contains(me)) lastRun.set(id);
                else returned[id].countDown();
            }
        }
    }

    private void awaitCallerWaiting() throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!callerReturned) {
            Thread c = caller;
            if (c != null && waitsForOthers(c)) return;
            if (System.nanoTime() >= end) {
                if (callerReturned) return;
                throw new IllegalStateException(conclab.text.Messages.hint("callprobe.never_waited", deadline.toSeconds()));
            }
            Thread.sleep(1);
        }
    }

    /**
     * Whether {@code c} has ended, or waits for other threads ({@link conclab.task.internal.Waits#forOthers}): not
     * asleep, nor waiting for room in a queue ({@code put}, {@code offer}, {@code transfer}).
     */
    private static boolean waitsForOthers(Thread c) {
        return conclab.task.internal.Waits.forOthers(c, f -> {
            String cls = f.getClassName(), m = f.getMethodName();
            return cls.startsWith("java.util.concurrent.") && (cls.endsWith("Queue") || cls.endsWith("Deque"))
                    && (m.equals("put") || m.equals("offer") || m.equals("transfer"));
        });
    }

    /**
     * A held reply's turn: every later call has returned its reply, and the thread that ran it has ended
     * or waits (so it has done what it does with that reply). Up to the deadline, then no call waits.
     */
    private void awaitTurn(int id, Thread me) throws InterruptedException {
        if (gaveUp.get()) return;
        long end = System.nanoTime() + deadline.toNanos();
        for (int j = n - 1; j > id; j--) {
            while (!turnGaveUp && !gaveUp.get()) {
                Thread t = ranBy.get(j);
                boolean done;
                synchronized (completed) {
                    done = completed.contains(j);
                }
                if (done && (t == me || settled(t))) break;
                if (System.nanoTime() >= end) {
                    turnGaveUp = true;
                    break;
                }
                Thread.sleep(1);
            }
        }
    }

    private static boolean settled(Thread t) {
        Thread.State st = t.getState();
        return st == Thread.State.TERMINATED || st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
    }

    /** A list result as it was when the code under test returned (an array-backed view would change later). */
    @SuppressWarnings("unchecked")
    private static <T> T asReturned(T value) {
        if (value instanceof List<?> list) return (T) Collections.unmodifiableList(new ArrayList<>(list));
        return value;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }

    @Override
    public String toString() {
        return conclab.text.Messages.hint("callprobe.summary", n, callsMade(), maxInFlight(), threads().size(),
                gaveUp.get() ? conclab.text.Messages.hint("callprobe.gave_up") : "");
    }
}
