package conclab.trace;

import conclab.spi.Displayable;
import org.HdrHistogram.Histogram;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The figures of one {@link Trace}: makespan, busy and idle time, utilisation per lane, imbalance,
 * throughput and task latency percentiles. Immutable; {@link #of(Trace, int)} computes it.
 *
 * <p>Definitions, stated once:
 * <ul>
 *   <li><b>makespan</b>: from the trace's origin to its end (wall time of the run);
 *   <li><b>busy</b> time of a lane: time spent inside tasks, in any state (a worker occupied by a task
 *       that sleeps is busy, not idle); <b>running</b> time: the part in {@code RUNNING} or
 *       {@code HOLDING_LOCK};
 *   <li><b>utilisation</b>: total busy time / (workers &times; makespan); <b>idle</b>: the rest of
 *       workers &times; makespan (never negative);
 *   <li><b>imbalance</b>: busiest lane / mean lane &minus; 1 (0 when every lane did the same);
 *   <li><b>throughput</b>: tasks per second of makespan;
 *   <li><b>latency</b> of a task: from its first span's start to its last span's end;
 *   <li><b>computing share</b>: CPU time / running time (below 1 when threads outnumber cores);
 *   <li><b>speedup</b> over a baseline: baseline makespan / this makespan; <b>efficiency</b>:
 *       speedup / workers.
 * </ul>
 *
 * @param label            the trace's label
 * @param workers          workers the strategy had, as the caller counts them (an experiment counts the
 *                         threads that ran tasks: one per task for one virtual thread per task)
 * @param makespanNanos    wall time of the run
 * @param tasks            distinct tasks in the trace
 * @param busyNanos        time inside tasks, summed over lanes
 * @param runningNanos     time running or holding a lock, summed over lanes
 * @param blockedNanos     time blocked (on a lock, or the GIL), summed over lanes
 * @param waitingNanos     time waiting (sleep, I/O, conditions), summed over lanes
 * @param cpuNanos         CPU time the tasks used as the JVM measured it (trace meta {@code cpu.nanos};
 *                         tasks on platform threads only), or -1 when unknown
 * @param busyPerLane      busy time per lane, lanes in name order
 * @param latency          percentiles of task latencies
 */
public record Stats(String label, int workers, long makespanNanos, int tasks, long busyNanos, long runningNanos,
                    long blockedNanos, long waitingNanos, long cpuNanos, Map<String, Long> busyPerLane, Latency latency)
        implements Displayable {

    public Stats {
        Objects.requireNonNull(label);
        if (workers < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.workers_lt1"));
        busyPerLane = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(busyPerLane));
    }

    /** Computes the figures of {@code trace} run by {@code workers} workers. */
    public static Stats of(Trace trace, int workers) {
        long busy = 0, running = 0, blocked = 0, waiting = 0;
        Map<String, Long> perLane = new TreeMap<>();
        Map<Long, long[]> perTask = new HashMap<>();
        for (Span s : trace.spans()) {
            if (s.taskId() < 0) continue;
            long d = s.durationNanos();
            busy += d;
            switch (s.state()) {
                case RUNNING, HOLDING_LOCK -> running += d;
                case BLOCKED -> blocked += d;
                case WAITING -> waiting += d;
            }
            perLane.merge(s.lane(), d, Long::sum);
            long[] se = perTask.get(s.taskId());
            if (se == null) perTask.put(s.taskId(), new long[] {s.startNanos(), s.endNanos()});
            else {
                se[0] = Math.min(se[0], s.startNanos());
                se[1] = Math.max(se[1], s.endNanos());
            }
        }
        Histogram h = new Histogram(3);
        for (long[] se : perTask.values()) h.recordValue(Math.max(0, se[1] - se[0]));
        long cpu = -1;
        try {
            cpu = Long.parseLong(trace.meta().getOrDefault("cpu.nanos", "-1"));
        } catch (NumberFormatException ignored) {
            // unknown
        }
        return new Stats(trace.label(), workers, trace.makespanNanos(), perTask.size(), busy, running, blocked,
                waiting, cpu, perLane, Latency.of(h));
    }

    /** busy / (workers &times; makespan); can exceed 1 when more threads than workers were busy. */
    public double utilisation() {
        return makespanNanos == 0 ? 0 : (double) busyNanos / ((double) workers * makespanNanos);
    }

    /** Worker time not spent inside a task: workers &times; makespan &minus; busy, at least 0. */
    public long idleNanos() {
        return Math.max(0, workers * makespanNanos - busyNanos);
    }

    /** Busy time of each lane / makespan. */
    public Map<String, Double> utilisationPerLane() {
        Map<String, Double> m = new LinkedHashMap<>();
        busyPerLane.forEach((k, v) -> m.put(k, makespanNanos == 0 ? 0 : (double) v / makespanNanos));
        return m;
    }

    /** Busiest lane / mean lane &minus; 1; 0 when balanced or when there is at most one lane. */
    public double imbalance() {
        if (busyPerLane.size() < 2) return 0;
        long max = 0, sum = 0;
        for (long v : busyPerLane.values()) {
            max = Math.max(max, v);
            sum += v;
        }
        double mean = (double) sum / busyPerLane.size();
        return mean == 0 ? 0 : max / mean - 1;
    }

    /** Tasks per second of makespan. */
    public double throughput() {
        return makespanNanos == 0 ? 0 : tasks * 1e9 / makespanNanos;
    }

    /**
     * CPU time / running time: near 1 when every running thread had a core, lower when more threads
     * were running than there were cores (running but not computing); NaN when CPU time is unknown.
     */
    public double computingShare() {
        return cpuNanos < 0 || runningNanos == 0 ? Double.NaN : (double) cpuNanos / runningNanos;
    }

    /**
     * CPU time / makespan: how many cores computed on average (at most the core count; at most 1 under
     * a GIL); NaN when CPU time is unknown.
     */
    public double parallelism() {
        return cpuNanos < 0 || makespanNanos == 0 ? Double.NaN : (double) cpuNanos / makespanNanos;
    }

    /** Makespan in milliseconds. */
    public double makespanMillis() {
        return makespanNanos / 1e6;
    }

    /** baseline makespan / this makespan. */
    public double speedupOver(Stats baseline) {
        return (double) baseline.makespanNanos / makespanNanos;
    }

    /** speedup over {@code baseline} / workers. */
    public double efficiencyOver(Stats baseline) {
        return speedupOver(baseline) / workers;
    }

    /**
     * Percentiles of task latencies, in nanoseconds, from an HdrHistogram with 3 significant digits.
     *
     * @param count  tasks measured
     * @param mean   mean
     * @param p50    median
     * @param p90    90th percentile
     * @param p99    99th percentile
     * @param max    largest
     */
    public record Latency(long count, double mean, long p50, long p90, long p99, long max) {
        /** The percentiles of a histogram of nanoseconds. */
        public static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) return new Latency(0, 0, 0, 0, 0, 0);
            return new Latency(h.getTotalCount(), h.getMean(), h.getValueAtPercentile(50),
                    h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue());
        }
    }

    static final String[] HEADER = {"run", "workers", "tasks", "makespan", "utilisation", "imbalance",
            "cpu/running", "throughput", "latency p50", "p99"};

    /** The row of this run in a table, in the order of {@link #HEADER}. */
    List<String> row() {
        return List.of(label, Integer.toString(workers), Integer.toString(tasks), Format.millis(makespanNanos),
                Format.percent(utilisation()), Format.percent(imbalance()),
                Double.isNaN(computingShare()) ? "—" : Format.percent(computingShare()),
                conclab.text.Messages.format("%.1f/s", throughput()), Format.millis(latency.p50()), Format.millis(latency.p99()));
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        List<List<String>> rows = List.of(row());
        Map<String, Object> m = new LinkedHashMap<>();
        if (accepted.contains(HTML)) m.put(HTML, Format.html(List.of(HEADER), rows));
        m.put(PLAIN, Format.text(List.of(HEADER), rows));
        return m;
    }

    @Override
    public String toString() {
        return Format.text(List.of(HEADER), List.of(row()));
    }
}
