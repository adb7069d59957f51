package conclab.task;

import conclab.trace.Recorder;
import conclab.trace.Stats;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * A workload run by several strategies, several times: the experiment of a lesson in one line.
 * <pre>{@code
 * var runs = Experiment.of(Work.cpu(Duration.ofMillis(20))).tasks(16)
 *         .on(Strategy.sequential(), Strategy.platform(2), Strategy.platform(2).withGil(), Strategy.virtual())
 *         .repeat(5).run();
 * }</pre>
 * Before measuring, each strategy runs {@link #warmup(int) warm-up} rounds (1 by default) whose results
 * are discarded, and said so in the result. Measured repetitions are interleaved (every strategy once,
 * then every strategy again), so a noisy moment of the machine spreads over all strategies. The first
 * strategy is the baseline of speedups unless {@link #baseline(Strategy)} names another.
 *
 * <p>A builder: not thread-safe, each setter returns this. {@link #run()} may be called more than once.
 */
public final class Experiment {

    /** What {@link #progress(Consumer)} reports after each run, on the thread calling {@link #run()}. */
    public record Progress(int done, int total, String strategy, boolean warmup) {}

    private final Work work;
    private int tasks = 16;
    private final List<Strategy> strategies = new ArrayList<>();
    private int repeat = 3;
    private int warmup = 1;
    private Strategy baseline;
    private Consumer<Progress> progress = p -> {};
    private java.time.Duration jfrThreshold;
    private StopSignal stop;

    private Experiment(Work work) {
        this.work = Objects.requireNonNull(work, "work");
    }

    /** An experiment running {@code work}. */
    public static Experiment of(Work work) {
        return new Experiment(work);
    }

    /** Tasks per run (16 by default). */
    public Experiment tasks(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.tasks_lt1"));
        this.tasks = n;
        return this;
    }

    /** Adds strategies to compare. */
    public Experiment on(Strategy... s) {
        for (Strategy x : s) strategies.add(Objects.requireNonNull(x));
        return this;
    }

    /** Measured runs per strategy (3 by default). */
    public Experiment repeat(int n) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.repeat_lt1"));
        this.repeat = n;
        return this;
    }

    /** Discarded warm-up runs per strategy (1 by default; 0 for none). */
    public Experiment warmup(int n) {
        if (n < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.warmup_negative"));
        this.warmup = n;
        return this;
    }

    /** The strategy speedups are measured against (it is added if not there). */
    public Experiment baseline(Strategy s) {
        this.baseline = Objects.requireNonNull(s);
        return this;
    }

    /**
     * Adds JDK Flight Recorder events of at least {@code threshold} to each measured run's trace as
     * markers (GC pauses, pinned virtual threads, contended monitors, long parks); see
     * {@link conclab.trace.JfrMarkers}; events of threads that ran no task of the run are left out. The
     * recorder's start-up (a second or more the first time) and shut-down are outside each run's wall time.
     */
    public Experiment withJfr(java.time.Duration threshold) {
        this.jfrThreshold = Objects.requireNonNull(threshold);
        return this;
    }

    /**
     * Lets {@code signal} stop the experiment while it runs (a Stop button: {@code stopOn(stopButton())}):
     * the tasks of the run in progress are cancelled (interrupted, then waited for), no further run
     * starts, and {@link #run()} returns what was measured, the cancelled run included as it stood
     * ({@link Runs#stopped()}). Only this experiment's tasks are touched: other threads, and the cell, go on.
     * The signal is armed from the start of {@link #run()} to its end; a stop asked outside it does nothing.
     */
    public Experiment stopOn(StopSignal signal) {
        this.stop = Objects.requireNonNull(signal, "signal");
        return this;
    }

    /** A hook called after each run, on the thread calling {@link #run()}; {@link #progressBar()} shows it. */
    public Experiment progress(Consumer<Progress> hook) {
        this.progress = Objects.requireNonNull(hook);
        return this;
    }

    /**
     * A hook for {@link #progress(Consumer)} that shows the runs on a {@link conclab.chart.Progress} bar,
     * noting the strategy running (and whether it is a warm-up run), finished with the last run. One bar
     * per experiment: it is shown on the first report.
     */
    public static Consumer<Progress> progressBar() {
        return new Consumer<>() {
            /* the thread running the experiment only */
            private conclab.chart.Progress bar;

            @Override
            public void accept(Progress p) {
                boolean first = bar == null;
                if (first) bar = conclab.chart.Progress.of("runs", p.total());
                bar.note(p.strategy() + (p.warmup() ? " (warm-up)" : ""));
                bar.set(p.done());
                if (first) bar.show();
                if (p.done() >= p.total()) bar.finish();
            }
        };
    }

    /**
     * Runs the experiment.
     *
     * @throws CancellationException if the calling thread is interrupted (every task of the current run
     *                               was cancelled and has ended; the interrupt status is kept); a stop
     *                               asked through {@link #stopOn} is not an interrupt: run returns
     * @throws TaskFailedException   if tasks of a run failed
     */
    public Runs run() {
        List<Strategy> all = new ArrayList<>(strategies);
        if (baseline != null && !all.contains(baseline)) all.addFirst(baseline);
        if (all.isEmpty()) throw new IllegalStateException("no strategy: call on(...) first");
        Strategy base = baseline != null ? baseline : all.getFirst();
        List<String> names = uniqueNames(all);
        int total = all.size() * (warmup + repeat), done = 0;
        List<Runs.Run> runs = new ArrayList<>();
        Stopper stopper = new Stopper(Thread.currentThread());
        try (StopSignal.Armed armed = stop == null ? null : stop.whenStopped(stopper::stop)) {
            rounds:
            for (int round = -warmup; round < repeat; round++) {
                for (int s = 0; s < all.size(); s++) {
                    Strategy st = all.get(s);
                    Trace t = once(st, names.get(s), round < 0 ? -1 : round, stopper);
                    boolean stopped = stopper.stopped();
                    // a run cancelled before any measured one is kept (a warm-up too): the result shows the stop
                    if (round >= 0 || (stopped && runs.isEmpty())) {
                        runs.add(new Runs.Run(names.get(s), st.workers(tasks), st.carriers(tasks), Math.max(round, 0), t,
                                Stats.of(t, st.workers(tasks))));
                    }
                    progress.accept(new Progress(++done, total, names.get(s), round < 0));
                    if (stopped) break rounds;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("experiment interrupted");
            c.initCause(e);
            throw c;
        } finally {
            stopper.finish();
        }
        if (!stopper.stopped()) {
            return new Runs(work.name(), tasks, repeat, warmup, names.get(all.indexOf(base)), names, runs, false);
        }
        List<String> measured = names.stream().filter(n -> runs.stream().anyMatch(r -> r.strategy().equals(n))).toList();
        String baseName = names.get(all.indexOf(base));
        if (!measured.isEmpty() && !measured.contains(baseName)) baseName = measured.getFirst();
        return new Runs(work.name(), tasks, repeat, warmup, baseName, measured, runs, true);
    }

    /**
     * The stop of one {@link #run()}: interrupts the running thread once, only while the run lasts, and
     * takes back its own interrupt at the end so that the caller goes on.
     */
    private static final class Stopper {
        private final Thread runner;
        /* Guarded by this. */
        private boolean stopped, finished;

        Stopper(Thread runner) {
            this.runner = runner;
        }

        synchronized void stop() {
            if (finished || stopped) return;
            stopped = true;
            runner.interrupt();             // the strategy cancels its tasks, waits for them and throws
        }

        synchronized boolean stopped() {
            return stopped;
        }

        /* On the runner, after disarming: no interrupt of ours can come later. */
        void finish() {
            boolean ours;
            synchronized (this) {
                finished = true;
                ours = stopped;
            }
            if (ours) Thread.interrupted();
        }
    }

    private Trace once(Strategy s, String name, int rep, Stopper stopper) throws InterruptedException {
        if (jfrThreshold != null && rep >= 0) {
            // the flight recorder starts and stops outside the run's wall time
            try (var jfr = conclab.trace.JfrMarkers.start(jfrThreshold)) {
                Recorder rec = recorder(s, name, rep);
                runInto(s, rec, stopper);
                Trace t = rec.stop();
                jfr.close();
                return jfr.addTo(t);
            }
        }
        Recorder rec = recorder(s, name, rep);
        runInto(s, rec, stopper);
        return rec.stop();
    }

    /* Runs the tasks; a stop asked through stopOn ends the run early with what it recorded so far. */
    private void runInto(Strategy s, Recorder rec, Stopper stopper) throws InterruptedException {
        try {
            s.run(work, tasks, rec);
        } catch (InterruptedException e) {
            if (!stopper.stopped()) throw e;
            rec.meta("stopped", "true");
        }
    }

    private Recorder recorder(Strategy s, String name, int rep) {
        return Recorder.start(name)
                .meta("work", work.name())
                .meta("tasks", Integer.toString(tasks))
                .meta("runs", Integer.toString(repeat))
                .meta("workers", Integer.toString(s.workers(tasks)))
                .meta("repetition", rep < 0 ? "warm-up" : Integer.toString(rep));
    }

    private static List<String> uniqueNames(List<Strategy> all) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (Strategy s : all) {
            String n = s.name();
            for (int k = 2; !seen.add(n); k++) n = s.name() + " #" + k;
            out.add(n);
        }
        return out;
    }
}
