package conclab.task;

import conclab.chart.Charts;
import conclab.chart.Outcome;
import conclab.chart.OutcomeChart;
import conclab.spi.Displayable;
import conclab.spi.Hosts;
import conclab.trace.Format;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A stress test in the manner of jcstress: a small race run many times, each trial on a fresh state
 * object, with every actor on a thread of its own and all actors let go at the same moment; once they
 * are done, an arbiter reads the state and names the outcome. Outcomes are counted and judged against
 * the verdicts declared for them; an outcome nobody declared is forbidden.
 *
 * <pre>{@code
 * class Counter { int n; }
 * Stress.Result r = Stress.of(Counter::new)
 *         .actor(c -> c.n++)
 *         .actor(c -> c.n++)
 *         .arbiter(c -> Integer.toString(c.n))
 *         .accept("2", "both increments counted")
 *         .forbid("1", "an increment was lost")
 *         .run(Duration.ofMillis(300));
 * r.count("1");        // how many trials lost an update
 * r.chart();           // outcome bars, coloured by verdict
 * }</pre>
 *
 * <p>A stress test can show that code is broken; it can never show that it is correct: an outcome
 * that did not appear in this run, on this machine, may appear on another. Actors need cores of
 * their own to race at all, so results depend on what else the machine runs.
 *
 * <p>A builder: not thread-safe. Actors and the arbiter run on platform threads the harness starts
 * and joins before {@link #run} returns; each is wrapped by the host, so output and failures show
 * under the notebook cell that ran the test. Memory effects: an actor's actions on a state
 * happen-before the arbiter reads that state.
 */
public final class Stress<S> {

    /*
     * Implementation overview. Trials run in batches: the calling thread fills an array of fresh
     * states and a fresh array of gates (one counter per state), publishes the batch number in a
     * volatile field and unparks the actors. Each actor goes through the states in order; before
     * each one it counts itself in at that state's gate and spins, for a few microseconds at most,
     * until every actor has. So actors running at the same time meet at every trial and act on the
     * same state within a cache-line transfer of each other. (Merely sweeping the same array from
     * the same moment, as jcstress does on dedicated cores, leaves the threads a few states apart
     * on a shared machine, and then they never meet.) The wait is bounded because an actor may be
     * descheduled: a machine with fewer free cores than actors still makes progress, with fewer
     * meetings. The last actor done with a batch unparks the caller, which lets the arbiter read
     * every state and starts the next batch until the time is up; the caller and idle actors park,
     * leaving the cores to the racing ones.
     */

    private final Supplier<? extends S> state;
    private final List<Consumer<? super S>> actors = new ArrayList<>();
    private Function<? super S, String> arbiter;
    private final Map<String, Outcome> declared = new LinkedHashMap<>();
    private int batch = 64;

    private Stress(Supplier<? extends S> state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /** A stress test on fresh states from {@code state}, one per trial. */
    public static <S> Stress<S> of(Supplier<? extends S> state) {
        return new Stress<>(state);
    }

    /** Adds an actor: what one thread does to the state of each trial. Two or more are needed. */
    public Stress<S> actor(Consumer<? super S> action) {
        actors.add(Objects.requireNonNull(action, "action"));
        return this;
    }

    /** How a trial's outcome is read once every actor is done with its state. */
    public Stress<S> arbiter(Function<? super S, String> read) {
        this.arbiter = Objects.requireNonNull(read, "read");
        return this;
    }

    /** Declares {@code outcome} allowed and expected. */
    public Stress<S> accept(String outcome, String note) {
        return declare(outcome, Outcome.Verdict.ACCEPTABLE, note);
    }

    /** Declares {@code outcome} allowed but worth a look (a stale read, a reordering). */
    public Stress<S> interesting(String outcome, String note) {
        return declare(outcome, Outcome.Verdict.INTERESTING, note);
    }

    /** Declares {@code outcome} forbidden: seeing it means the code is broken. */
    public Stress<S> forbid(String outcome, String note) {
        return declare(outcome, Outcome.Verdict.FORBIDDEN, note);
    }

    private Stress<S> declare(String outcome, Outcome.Verdict verdict, String note) {
        declared.put(Objects.requireNonNull(outcome, "outcome"), new Outcome(outcome, 0, verdict, note));
        return this;
    }

    /** Trials per batch (64 by default): the calling thread counts outcomes and checks the time between batches. */
    public Stress<S> batch(int trials) {
        if (trials < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.batch_lt1"));
        this.batch = trials;
        return this;
    }

    /**
     * What a stress test saw: each outcome with its count and verdict (declared ones first, in the
     * order declared, then undeclared ones as forbidden), the number of trials and the time taken.
     */
    public record Result(List<Outcome> outcomes, long trials, long elapsedNanos) implements Displayable {

        public Result {
            outcomes = List.copyOf(outcomes);
        }

        /** How many trials ended in {@code outcome} (0 if it never appeared). */
        public long count(String outcome) {
            return outcomes.stream().filter(o -> o.outcome().equals(outcome)).mapToLong(Outcome::count).sum();
        }

        /** How many trials ended in an outcome of {@code verdict}. */
        public long count(Outcome.Verdict verdict) {
            return outcomes.stream().filter(o -> o.verdict() == verdict).mapToLong(Outcome::count).sum();
        }

        /** True when no trial ended in a forbidden outcome (which proves nothing about other runs). */
        public boolean passed() {
            return count(Outcome.Verdict.FORBIDDEN) == 0;
        }

        /** The outcomes as bars, green when acceptable, orange when interesting, red when forbidden. */
        public OutcomeChart chart() {
            OutcomeChart c = Charts.outcomes().meta(Map.of("runs", Long.toString(trials)));
            outcomes.forEach(c::add);
            return c;
        }

        private static final List<String> HEADER = List.of("outcome", "count", "share", "verdict", "note");

        private List<List<String>> rows() {
            List<List<String>> rows = new ArrayList<>();
            for (Outcome o : outcomes) {
                rows.add(List.of(o.outcome(), conclab.text.Messages.format("%,d", o.count()),
                        Format.percent(trials == 0 ? 0 : (double) o.count() / trials),
                        conclab.text.Messages.get("stress.verdict." + o.verdict().name().toLowerCase(Locale.ROOT)), o.note()));
            }
            return rows;
        }

        private String caption() {
            return conclab.text.Messages.format(conclab.text.Messages.get("stress.caption"), trials, Format.millis(elapsedNanos),
                    conclab.text.Messages.get(passed() ? "stress.passed" : "stress.forbidden"));
        }

        @Override
        public Map<String, Object> mimeBundle(Set<String> accepted) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (accepted.contains(HTML)) {
                m.put(HTML, "<div><p>" + caption() + "</p>\n" + Format.html(HEADER, rows()) + "</div>");
            }
            m.put(PLAIN, toString());
            return m;
        }

        @Override
        public String toString() {
            return caption() + "\n" + Format.text(HEADER, rows());
        }
    }

    /* Shared between the calling thread and the actors of one run. */
    private static final class Round<S> {
        /** The batch the actors are to run; written by the caller after states and gates. */
        volatile long go;
        /** Set by the caller when no batch follows. */
        volatile boolean stop;
        /** Written by the caller before publishing go; read by actors after reading go. */
        S[] states;
        /** One gate per state, counting the actors that reached it; replaced with the states. */
        AtomicIntegerArray gates;
        /** Actors done with the current batch (or failed); reset by the caller before go. */
        final AtomicInteger done = new AtomicInteger();
    }

    /**
     * How long an actor waits at a gate for the others, in spins (some microseconds): long enough to
     * meet actors running on other cores, short enough not to stall when one is descheduled.
     */
    private static final int MEET_SPINS = 1 << 11;

    /**
     * Runs trials until {@code budget} has passed (the batch under way is finished) and counts the
     * outcomes.
     *
     * @throws IllegalStateException if fewer than two actors or no arbiter were given
     * @throws TaskFailedException   if an actor or the arbiter threw (the run stops)
     * @throws InterruptedException  if interrupted; the actor threads have ended
     */
    @SuppressWarnings("unchecked")
    public Result run(Duration budget) throws InterruptedException {
        if (actors.size() < 2) throw new IllegalStateException("a race needs two actors or more");
        if (arbiter == null) throw new IllegalStateException("no arbiter: say how an outcome is read");
        long budgetNanos = budget.toNanos();
        int parties = actors.size();
        Round<S> round = new Round<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Thread caller = Thread.currentThread();
        List<Thread> threads = new ArrayList<>();
        for (int a = 0; a < parties; a++) {
            Consumer<? super S> action = actors.get(a);
            Runnable body = Hosts.current().capture((Runnable) () -> {
                try {
                    for (long batch = 1; ; batch++) {
                        while (round.go < batch && !round.stop) LockSupport.park(this);
                        if (round.stop) return;
                        S[] states = round.states;
                        AtomicIntegerArray gates = round.gates;
                        for (int i = 0; i < states.length && !round.stop; i++) {
                            gates.incrementAndGet(i);
                            for (int spins = 0; gates.get(i) < parties && spins < MEET_SPINS; spins++) {
                                Thread.onSpinWait();
                            }
                            action.accept(states[i]);
                        }
                        if (round.done.incrementAndGet() == parties) LockSupport.unpark(caller);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                    round.done.incrementAndGet();
                    LockSupport.unpark(caller);
                }
            });
            threads.add(Thread.ofPlatform().name("stress-actor-" + a).daemon().unstarted(body));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        long trials = 0;
        boolean interrupted = false;
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        try {
            for (long b = 1; failures.isEmpty(); b++) {
                S[] states = (S[]) new Object[batch];
                for (int i = 0; i < batch; i++) states[i] = state.get();
                round.states = states;
                round.gates = new AtomicIntegerArray(batch);
                round.done.set(0);
                round.go = b;
                threads.forEach(LockSupport::unpark);
                while (round.done.get() < parties && failures.isEmpty() && !interrupted) {
                    LockSupport.park(this);
                    interrupted = Thread.interrupted();
                }
                if (interrupted) break;
                if (!failures.isEmpty()) break;
                for (S s : states) counts.merge(String.valueOf(arbiter.apply(s)), 1L, Long::sum);
                trials += batch;
                if (System.nanoTime() - t0 >= budgetNanos) break;
            }
        } catch (RuntimeException | Error e) {
            failures.add(e);
        } finally {
            round.stop = true;
            if (interrupted) threads.forEach(Thread::interrupt); // an actor may block in its action
            threads.forEach(LockSupport::unpark);
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        t.interrupt();
                    }
                }
            }
        }
        if (interrupted) throw new InterruptedException("stress test interrupted; its actors have ended");
        long elapsed = System.nanoTime() - t0;
        if (!failures.isEmpty()) throw new TaskFailedException("stress test", failures);
        List<Outcome> out = new ArrayList<>();
        for (Outcome d : declared.values()) {
            out.add(new Outcome(d.outcome(), counts.getOrDefault(d.outcome(), 0L), d.verdict(), d.note()));
        }
        for (var e : counts.entrySet()) {
            if (!declared.containsKey(e.getKey())) {
                out.add(new Outcome(e.getKey(), e.getValue(), Outcome.Verdict.FORBIDDEN, conclab.text.Messages.get("stress.not_declared")));
            }
        }
        return new Result(out, trials, elapsed);
    }
}
