package conclab.task;

import conclab.chart.Charts;
import conclab.chart.CounterChart;
import conclab.spi.Displayable;
import conclab.text.Language;
import conclab.trace.Format;
import conclab.trace.Recorder;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * A race of queues: one producer thread hands the same number of items to one consumer thread through
 * each queue given, and the items handed over are counted over time, so that the queues' throughputs
 * share one chart. Every queue gets the same work and the same two threads: {@code offer} and
 * {@code poll} (never {@code put}/{@code take}, which only blocking queues have), and when the queue is
 * full or empty the same wait (a few {@link Thread#onSpinWait()} spins, then {@link Thread#yield()}, so
 * that one core still makes progress). What differs is the queue alone.
 * <pre>{@code
 * HandOff.of(2_000_000)
 *        .through("ArrayBlockingQueue", () -> new ArrayBlockingQueue<>(1024))
 *        .through("SpscArrayQueue", () -> new SpscArrayQueue<>(1024))   // JCTools, loaded by %maven
 * }</pre>
 *
 * <p>A queue that cannot be built (its supplier throws: its library is not loaded, its class is not
 * found) is reported as not run, with the reason, and the race goes on with the others: a lesson whose
 * {@code %maven} found no network still shows the JDK's queue.
 *
 * <p>Each queue first runs a short warm-up (a tenth of the items, at least 10,000) so that the JIT has
 * compiled its methods; what is measured is the run after it. The trace of each run has the counter
 * {@code "items handed over"}, sampled by the consumer about every 1/64 of the items.
 *
 * <p>Not thread-safe: one thread builds a race ({@link #through} runs the race there and then).
 */
public final class HandOff implements Displayable {

    /** The counter each run's trace records. */
    public static final String COUNTER = "items handed over";

    private static final Integer ITEM = 42;   // the same object each time: the race measures hand-offs, not allocation
    private final int items;
    private final List<Run> runs = new ArrayList<>();

    private HandOff(int items) {
        if (items < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.items_min1", items));
        this.items = items;
    }

    /** A race in which each queue carries {@code items} items from the producer to the consumer. */
    public static HandOff of(int items) {
        return new HandOff(items);
    }

    /**
     * One queue's result: {@code items} handed over in {@code nanos}, its trace; or {@code notRun}, why it
     * did not run (then {@code trace} is null).
     */
    public record Run(String label, long items, long nanos, Trace trace, String notRun) {
        /** Items handed over per second, or 0 when the queue did not run. */
        public double perSecond() {
            return notRun != null || nanos == 0 ? 0 : items * 1e9 / nanos;
        }
    }

    /**
     * Runs the race through a fresh queue from {@code queue} (after a warm-up through another) and keeps
     * its result; returns this race, to chain the next queue.
     *
     * @throws InterruptedException when the calling thread is interrupted (the race's threads end too)
     */
    public HandOff through(String label, Supplier<? extends Queue<Integer>> queue) throws InterruptedException {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(queue, "queue");
        Queue<Integer> warm, measured;
        try {
            warm = queue.get();
            measured = queue.get();
            Objects.requireNonNull(measured, "the supplier gave null");
        } catch (RuntimeException | LinkageError e) {
            String why = reason(e);
            runs.add(new Run(label, 0, 0, null, why));
            System.out.println(Language.french()
                    ? label + " : pas lancée, la file n'a pas pu être créée (" + why + ")"
                    : label + ": not run, the queue could not be built (" + why + ")");
            return this;
        }
        race(warm, Math.max(10_000, items / 10), null);
        Recorder rec = Recorder.start(label);
        long nanos = race(measured, items, rec);
        Trace trace = rec.stop();
        Run run = new Run(label, items, nanos, trace, null);
        runs.add(run);
        System.out.println(String.format(Language.locale(), Language.french()
                ? "%s : %,d éléments en %s, %,.0f par seconde" : "%s: %,d items in %s, %,.0f a second",
                label, (long) items, Format.millis(nanos), run.perSecond()));
        return this;
    }

    /** The results so far, in the order the queues ran. */
    public List<Run> runs() {
        return List.copyOf(runs);
    }

    /** The fastest run's items per second over the slowest's, among the queues that ran (1 when fewer than two ran). */
    public double ratio() {
        double max = 0, min = Double.MAX_VALUE;
        int n = 0;
        for (Run r : runs) {
            if (r.notRun() != null) continue;
            max = Math.max(max, r.perSecond());
            min = Math.min(min, r.perSecond());
            n++;
        }
        return n < 2 || min == 0 ? 1 : max / min;
    }

    /** The items handed over against time, one line per queue that ran: the steeper, the faster. */
    public CounterChart chart() {
        List<Trace> traces = runs.stream().filter(r -> r.notRun() == null).map(Run::trace).toList();
        if (traces.isEmpty()) throw new IllegalStateException("no queue has run yet");
        return Charts.overlay(COUNTER, traces.toArray(Trace[]::new)).title(Language.french()
                ? "Éléments passés d'un producteur à un consommateur" : "Items handed from one producer to one consumer");
    }

    /** Times {@code n} hand-offs through {@code q} (from the producer's start to the consumer's last poll). */
    private static long race(Queue<Integer> q, int n, Recorder rec) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(2);
        CountDownLatch go = new CountDownLatch(1);
        long[] end = new long[1];
        Throwable[] failed = new Throwable[2];
        int every = Math.max(1, n / 64);
        Thread[] consumerOf = new Thread[1];   // set before either thread starts
        Thread producer = Thread.ofPlatform().name("producer").unstarted(() -> {
            try {
                ready.countDown();
                go.await();
                for (int i = 0; i < n; i++) {
                    for (int spins = 0; !q.offer(ITEM); spins++) idle(spins);
                }
            } catch (InterruptedException ignored) {
                // the race is being stopped
            } catch (Throwable t) {
                failed[0] = t;
                consumerOf[0].interrupt();   // it would wait for items that never come
            }
        });
        Thread consumer = Thread.ofPlatform().name("consumer").unstarted(() -> {
            try {
                ready.countDown();
                go.await();
                if (rec != null) rec.counter(COUNTER, 0);
                for (int i = 1; i <= n; i++) {
                    for (int spins = 0; q.poll() == null; spins++) {
                        if (Thread.interrupted()) return;
                        idle(spins);
                    }
                    if (rec != null && (i % every == 0 || i == n)) rec.counter(COUNTER, i);
                }
                end[0] = System.nanoTime();
            } catch (InterruptedException ignored) {
                // the race is being stopped
            } catch (Throwable t) {
                failed[1] = t;
            }
        });
        consumerOf[0] = consumer;
        producer.start();
        consumer.start();
        long start;
        try {
            ready.await();
            start = System.nanoTime();
            go.countDown();
            producer.join();
            consumer.join();
        } catch (InterruptedException e) {
            producer.interrupt();
            consumer.interrupt();
            producer.join();
            consumer.join();
            throw e;
        }
        for (Throwable t : failed) if (t != null) throw new IllegalStateException("the queue failed: " + t, t);
        return end[0] - start;
    }

    private static void idle(int spins) throws InterruptedException {
        if (spins < 64) {
            Thread.onSpinWait();
        } else {
            if (Thread.interrupted()) throw new InterruptedException();
            Thread.yield();
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String name = t.getClass().getName();
        // JShell's "this method uses a class that was never declared" (the library's jar is not loaded)
        if (name.endsWith("SPIResolutionException") || name.endsWith("UnresolvedReferenceException")) {
            return Language.french() ? "une classe qu'elle utilise n'est pas chargée : le %maven plus haut a-t-il échoué ?"
                    : "a class it uses is not loaded: did the %maven above fail?";
        }
        if (t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) {
            return (Language.french() ? "classe introuvable : " : "class not found: ") + t.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            rows.add(r.notRun() != null
                    ? List.of(r.label(), "—", "—", (Language.french() ? "pas lancée : " : "not run: ") + r.notRun())
                    : List.of(r.label(), String.format(Language.locale(), "%,d", r.items()), Format.millis(r.nanos()),
                    String.format(Language.locale(), "%,.0f", r.perSecond())));
        }
        List<String> header = Language.french() ? List.of("file", "éléments", "durée", "par seconde")
                : List.of("queue", "items", "time", "a second");
        String text = Format.text(header, rows);
        boolean ran = runs.stream().anyMatch(r -> r.notRun() == null);
        Map<String, Object> bundle = new HashMap<>();
        if (ran) bundle.putAll(chart().mimeBundle(accepted));
        else if (accepted.contains(HTML)) bundle.put(HTML, Format.html(header, rows));
        bundle.put(PLAIN, text + (runs.size() > 1 && ratio() > 1
                ? String.format(Locale.ROOT, "%n") + (Language.french() ? "la plus rapide / la plus lente : " : "fastest / slowest: ")
                + Format.times(ratio()) : ""));
        return bundle;
    }

    @Override
    public Map<String, Object> metadata(String mimeType) {
        boolean ran = runs.stream().anyMatch(r -> r.notRun() == null);
        return ran ? chart().metadata(mimeType) : Map.of();
    }

    @Override
    public String toString() {
        return (String) mimeBundle(Set.of(PLAIN)).get(PLAIN);
    }
}
