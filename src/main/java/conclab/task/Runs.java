package conclab.task;

import conclab.chart.TimelineChart;
import conclab.chart.SpeedupSeries;
import conclab.chart.SpeedupChart;
import conclab.chart.Figure;
import conclab.chart.Charts;
import conclab.trace.Scaling;
import conclab.spi.Displayable;
import conclab.trace.Format;
import conclab.trace.Html;
import conclab.trace.Stats;
import conclab.trace.Trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The result of an {@link Experiment}: for each strategy and repetition, the run's {@link Trace} and
 * its {@link Stats}; summaries by strategy use the median run. Immutable and thread-safe. Shown in a
 * notebook as an HTML table (and as text in JShell) with, per strategy: workers (threads that ran
 * tasks), carriers (platform threads that could run them at once), median makespan and its range,
 * speedup and efficiency against the baseline, cores used (CPU time / wall time, where the JVM measures
 * it: platform threads), utilisation, imbalance and task latency percentiles.
 *
 * <p>Efficiency is speedup / carriers ({@link Strategy#carriers(int)}): for strategies on platform
 * threads the carriers are the workers; for one virtual thread per task they are the virtual thread
 * scheduler's carriers, at most one per core by default, not one per task, since only a mounted virtual
 * thread computes. So 5,000 virtual threads on 2 cores that double the speed are 100 % efficient, as a
 * pool of 2 that does the same. The speedup chart and the scaling fits use workers.
 */
public final class Runs implements Displayable {

    /**
     * One measured run.
     *
     * @param workers  threads that ran tasks ({@link Strategy#workers(int)})
     * @param carriers platform threads that could run tasks at once ({@link Strategy#carriers(int)})
     */
    public record Run(String strategy, int workers, int carriers, int repetition, Trace trace, Stats stats) {}

    private final String work;
    private final int tasks, repeat, warmup;
    private final String baseline;
    private final List<String> strategies;
    private final List<Run> runs;
    private final boolean stopped;

    Runs(String work, int tasks, int repeat, int warmup, String baseline, List<String> strategies, List<Run> runs,
         boolean stopped) {
        this.stopped = stopped;
        this.work = work;
        this.tasks = tasks;
        this.repeat = repeat;
        this.warmup = warmup;
        this.baseline = baseline;
        this.strategies = List.copyOf(strategies);
        this.runs = List.copyOf(runs);
    }

    /**
     * True when a stop signal ended the experiment early ({@link Experiment#stopOn}): the last run was
     * cancelled and shows only the tasks that ran before the stop, and the runs after it never happened.
     */
    public boolean stopped() { return stopped; }

    /** The workload's name. */
    public String work() { return work; }

    /** Tasks per run. */
    public int tasks() { return tasks; }

    /** Measured runs per strategy. */
    public int repeat() { return repeat; }

    /** Warm-up runs per strategy that were discarded. */
    public int warmup() { return warmup; }

    /** The baseline strategy's name. */
    public String baseline() { return baseline; }

    /** Strategy names, in the order given. */
    public List<String> strategies() { return strategies; }

    /** Every measured run, in the order run. */
    public List<Run> all() { return runs; }

    /** The runs of one strategy, by repetition. */
    public List<Run> of(String strategy) {
        List<Run> r = new ArrayList<>();
        for (Run x : runs) if (x.strategy().equals(strategy)) r.add(x);
        if (r.isEmpty()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.no_strategy", strategy, strategies));
        return r;
    }

    /** The traces of one strategy, by repetition. */
    public List<Trace> traces(String strategy) {
        return of(strategy).stream().map(Run::trace).toList();
    }

    /** Workers of one strategy (threads that ran tasks). */
    public int workers(String strategy) {
        return of(strategy).getFirst().workers();
    }

    /**
     * Carriers of one strategy: the platform threads that could run its tasks at once, what
     * {@link #efficiency(String)} divides by. Its workers on platform threads; on virtual threads, the
     * virtual thread scheduler's carriers, at most one per task.
     */
    public int carriers(String strategy) {
        return of(strategy).getFirst().carriers();
    }

    /** Makespans of one strategy in milliseconds, by repetition. */
    public double[] makespansMillis(String strategy) {
        return of(strategy).stream().mapToDouble(r -> r.stats().makespanMillis()).toArray();
    }

    /** The run with the median makespan (the lower median for an even count). */
    public Run median(String strategy) {
        List<Run> r = new ArrayList<>(of(strategy));
        r.sort((a, b) -> Long.compare(a.stats().makespanNanos(), b.stats().makespanNanos()));
        return r.get((r.size() - 1) / 2);
    }

    /** Median makespan of one strategy in nanoseconds (mean of the two middle runs for an even count). */
    public double medianMakespanNanos(String strategy) {
        long[] m = of(strategy).stream().mapToLong(r -> r.stats().makespanNanos()).sorted().toArray();
        int n = m.length;
        return n % 2 == 1 ? m[n / 2] : (m[n / 2 - 1] + m[n / 2]) / 2.0;
    }

    /** Baseline median makespan / this strategy's median makespan. */
    public double speedup(String strategy) {
        return medianMakespanNanos(baseline) / medianMakespanNanos(strategy);
    }

    /** Speedup / carriers: the share of the ideal speedup on the platform threads that ran the work. */
    public double efficiency(String strategy) {
        return speedup(strategy) / carriers(strategy);
    }

    /** The stats of the median run of one strategy. */
    public Stats stats(String strategy) {
        return median(strategy).stats();
    }

    /** The trace of the median run of one strategy (what a timeline shows). */
    public Trace trace(String strategy) {
        return median(strategy).trace();
    }

    /** Median makespans by strategy, in milliseconds. */
    public Map<String, Double> makespans() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String s : strategies) m.put(s, medianMakespanNanos(s) / 1e6);
        return m;
    }

    /** Speedups by strategy. */
    public Map<String, Double> speedups() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String s : strategies) m.put(s, speedup(s));
        return m;
    }

    /**
     * Amdahl's law fitted to the speedups of {@code strategies} (every repetition) against their worker
     * counts, for example platform(1), platform(2), platform(4); see {@link Scaling}.
     */
    public Scaling.AmdahlFit amdahl(String... strategies) {
        return Scaling.amdahl(points(strategies));
    }

    /** The Universal Scalability Law fitted as {@link #amdahl(String...)}. */
    public Scaling.UslFit usl(String... strategies) {
        return Scaling.usl(points(strategies));
    }

    /** One point per repetition of each strategy: its worker count and its speedup over the baseline. */
    private List<Scaling.Point> points(String... names) {
        List<String> use = names.length == 0 ? strategies : List.of(names);
        double base = medianMakespanNanos(baseline);
        List<Scaling.Point> out = new java.util.ArrayList<>();
        for (String s : use) {
            for (double ms : makespansMillis(s)) out.add(new Scaling.Point(workers(s), base / (ms * 1e6)));
        }
        return out;
    }

    /** Timelines of every strategy's median run, side by side. */
    public Figure timeline() {
        Figure f = Charts.figure().columns(Math.min(2, strategies.size()));
        for (String s : strategies) f.add(timeline(s));
        return f;
    }

    /** The timeline of {@code strategy}'s median run: one lane per thread, states coloured. */
    public TimelineChart timeline(String strategy) {
        return Charts.timeline(trace(strategy)).title(strategy + " · " + work);
    }

    /**
     * Speedup against workers, one series per kind of strategy (platform(1), platform(2), ... form one
     * series), every repetition a point, with the ideal line and Amdahl and USL fits where a series has
     * several worker counts. A strategy with one virtual thread per task is drawn at its number of tasks
     * (its threads), not at its carriers: the chart compares thread counts; the table's efficiency is per
     * carrier.
     */
    public SpeedupChart speedup() {
        double base = medianMakespanNanos(baseline) / 1e9;
        Map<String, SpeedupSeries> series = new LinkedHashMap<>();
        for (String s : strategies) {
            String kind = s.replaceAll("\\(\\d+\\)", "").strip();
            SpeedupSeries ss = series.getOrDefault(kind, SpeedupSeries.of(kind).withBaseline(base));
            double[] sec = java.util.Arrays.stream(makespansMillis(s)).map(m -> m / 1e3).toArray();
            series.put(kind, ss.with(workers(s), sec));
        }
        return Charts.speedup(List.copyOf(series.values()));
    }

    /** One line saying what was run: workload, tasks, repetitions, warm-up, JDK, cores. */
    public String caption() {
        Map<String, String> meta = runs.isEmpty() ? Map.of() : runs.getFirst().trace().meta();
        String cores = meta.getOrDefault("cores", "?");
        return conclab.text.Messages.get("runs.caption", work, String.valueOf(tasks),
                conclab.text.Messages.get(repeat == 1 ? "runs.median.one" : "runs.median.many", String.valueOf(repeat)),
                warmup > 0 ? conclab.text.Messages.get("runs.warmup", String.valueOf(warmup)) : "",
                meta.getOrDefault("jdk", "?"), conclab.text.Messages.get("1".equals(cores) ? "chart.facts.core" : "chart.facts.cores", cores))
                + (stopped ? "; " + stoppedNote() : "");
    }

    private String stoppedNote() {
        if (runs.isEmpty()) return conclab.text.Messages.get("runs.stopped.none");
        Trace last = runs.getLast().trace();
        long ran = last.spans().stream().mapToLong(conclab.trace.Span::taskId).filter(id -> id >= 0).distinct().count();
        String which = "warm-up".equals(last.meta().get("repetition")) ? conclab.text.Messages.get("runs.stopped.warmup")
                : conclab.text.Messages.get("runs.stopped.run", String.valueOf(runs.getLast().repetition() + 1));
        return conclab.text.Messages.get("runs.stopped.during", runs.getLast().strategy(), which, String.valueOf(ran),
                String.valueOf(tasks));
    }

    private static final List<String> HEADER = List.of("strategy", "workers", "carriers", "makespan", "min–max", "speedup",
            "efficiency", "cores used", "utilisation", "imbalance", "latency p50", "p99");

    private List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (String s : strategies) {
            Stats st = stats(s);
            double[] m = makespansMillis(s);
            double lo = Arrays.stream(m).min().orElse(0), hi = Arrays.stream(m).max().orElse(0);
            rows.add(List.of(s, Integer.toString(workers(s)), Integer.toString(carriers(s)), Format.millis((long) medianMakespanNanos(s)),
                    Format.millis((long) (lo * 1e6)) + "–" + Format.millis((long) (hi * 1e6)),
                    Format.times(speedup(s)), Format.percent(efficiency(s)),
                    Double.isNaN(st.parallelism()) ? "—" : conclab.text.Messages.format("%.2f", st.parallelism()),
                    Format.percent(st.utilisation()),
                    Format.percent(st.imbalance()), Format.millis(st.latency().p50()), Format.millis(st.latency().p99())));
        }
        return rows;
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (accepted.contains(HTML)) {
            m.put(HTML, "<div><p>" + Html.escape(caption()) + "; " + conclab.text.Messages.get("runs.against", Html.escape(baseline)) + "</p>\n"
                    + Format.html(HEADER, rows()) + "</div>");
        }
        m.put(PLAIN, toString());
        return m;
    }

    @Override
    public String toString() {
        return caption() + "; " + conclab.text.Messages.get("runs.against", baseline) + "\n" + Format.text(HEADER, rows());
    }
}
