package conclab.balance;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue a pool of workers takes its jobs from, told which client each job came from; the order in
 * which {@link #take()} hands them out is the queue's idea of fairness. Every method may be called by
 * many threads at once; a job {@link #put} happens-before the {@link #take} that returns it.
 *
 * <pre>{@code
 * TaskQueue q = TaskQueue.weighted(Map.of("gold", 3));   // gold gets 3 shares, every other client 1
 * q.put("gold", job);
 * Runnable next = q.take();                              // waits while the queue is empty
 * }</pre>
 */
public interface TaskQueue {

    /** Adds {@code job}, sent by {@code client}; never blocks (the queue is unbounded). */
    void put(String client, Runnable job);

    /** The next job to run, waiting while there is none. */
    Runnable take() throws InterruptedException;

    /** One shared first-in first-out queue: jobs run in the order they arrived, whoever sent them. */
    static TaskQueue fifo() {
        var q = new LinkedBlockingQueue<Runnable>();
        return new TaskQueue() {
            @Override public void put(String client, Runnable job) { q.add(Objects.requireNonNull(job)); }
            @Override public Runnable take() throws InterruptedException { return q.take(); }
            @Override public String toString() { return "one shared FIFO queue"; }
        };
    }

    /**
     * Weighted fair queuing: each client has a share of the workers in proportion to its weight
     * ({@code weights}, 1 for a client it does not name), when everyone has jobs waiting; a client that
     * sends less than its share gets all it asks for, and the others divide the rest. Jobs are counted
     * as equal; within a client, first in first out.
     */
    static TaskQueue weighted(Map<String, Integer> weights) {
        return new Queues.Weighted(weights);
    }

    /**
     * Strict priorities: a job of level 0 (the highest) always goes before any of level 1, and so on;
     * {@code levels} gives each client's level, 0 for a client it does not name. Under a load of level 0
     * alone above capacity, the other levels wait as long as it lasts: they starve.
     */
    static TaskQueue strictPriority(Map<String, Integer> levels) {
        return new Queues.Levels(levels, null);
    }

    /**
     * Priorities with ageing: a job gains one level for every {@code perLevel} it waits, so a job of
     * level {@code k} that has waited {@code k × perLevel} goes before a job of level 0 that just
     * arrived. Nothing starves: a job waits at most about its level times {@code perLevel} longer than
     * the jobs above it.
     */
    static TaskQueue ageing(Map<String, Integer> levels, Duration perLevel) {
        if (perLevel.isNegative() || perLevel.isZero()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.perlevel_positive"));
        return new Queues.Levels(levels, perLevel);
    }
}

/** The queues of {@link TaskQueue}'s factories. Each one is guarded by its own lock. */
final class Queues {

    private Queues() {}

    /**
     * Weighted fair queuing with a virtual clock (start-time fair queuing): a job of client c gets the
     * finish tag max(V, last finish tag of c) + 1/weight(c); take() serves the smallest finish tag and
     * moves V to that job's start tag. A client idle for a while restarts at V, so it cannot save up
     * credit. Ties go to the earlier job (seq).
     */
    static final class Weighted implements TaskQueue {
        private record Tagged(double start, double finish, long seq, Runnable job) {}

        private final Map<String, Integer> weights;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notEmpty = lock.newCondition();
        private final PriorityQueue<Tagged> jobs = new PriorityQueue<>((a, b) ->
                a.finish != b.finish ? Double.compare(a.finish, b.finish) : Long.compare(a.seq, b.seq));
        private final Map<String, Double> lastFinish = new HashMap<>();   // guarded by lock
        private double virtualTime;                                        // guarded by lock
        private long seq;                                                  // guarded by lock

        Weighted(Map<String, Integer> weights) {
            weights.forEach((c, w) -> { if (w == null || w < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.weight_min1", c)); });
            this.weights = Map.copyOf(weights);
        }

        @Override
        public void put(String client, Runnable job) {
            Objects.requireNonNull(job);
            lock.lock();
            try {
                double start = Math.max(virtualTime, lastFinish.getOrDefault(client, 0.0));
                double finish = start + 1.0 / weights.getOrDefault(client, 1);
                lastFinish.put(client, finish);
                jobs.add(new Tagged(start, finish, seq++, job));
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Runnable take() throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (jobs.isEmpty()) notEmpty.await();
                Tagged next = jobs.poll();
                virtualTime = Math.max(virtualTime, next.start);
                return next.job;
            } finally {
                lock.unlock();
            }
        }

        @Override public String toString() { return "weighted fair queuing " + weights; }
    }

    /**
     * One FIFO per level; take() serves the level whose oldest job has the smallest arrival time plus
     * level × perLevel (with ageing), or the first non-empty level (strict, perLevel null).
     */
    static final class Levels implements TaskQueue {
        private record Waiting(long arrived, Runnable job) {}

        private final Map<String, Integer> levels;
        private final Duration perLevel;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition notEmpty = lock.newCondition();
        private final ArrayDeque<Waiting>[] byLevel;   // guarded by lock
        private int size;                              // guarded by lock

        @SuppressWarnings("unchecked")
        Levels(Map<String, Integer> levels, Duration perLevel) {
            levels.forEach((c, l) -> { if (l == null || l < 0 || l > 9) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.level_range", c)); });
            this.levels = Map.copyOf(levels);
            this.perLevel = perLevel;
            int max = levels.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            byLevel = new ArrayDeque[max + 1];
            for (int i = 0; i <= max; i++) byLevel[i] = new ArrayDeque<>();
        }

        @Override
        public void put(String client, Runnable job) {
            Objects.requireNonNull(job);
            lock.lock();
            try {
                byLevel[levels.getOrDefault(client, 0)].addLast(new Waiting(System.nanoTime(), job));
                size++;
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Runnable take() throws InterruptedException {
            lock.lockInterruptibly();
            try {
                while (size == 0) notEmpty.await();
                int best = -1;
                long bestRank = Long.MAX_VALUE;
                for (int l = 0; l < byLevel.length; l++) {
                    Waiting head = byLevel[l].peekFirst();
                    if (head == null) continue;
                    if (perLevel == null) { best = l; break; }
                    long rank = head.arrived + l * perLevel.toNanos();
                    if (best < 0 || rank - bestRank < 0) { best = l; bestRank = rank; }
                }
                size--;
                return byLevel[best].pollFirst().job;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String toString() {
            return (perLevel == null ? "strict priorities " : "priorities with ageing (a level every " + perLevel.toMillis() + " ms) ") + levels;
        }
    }
}
