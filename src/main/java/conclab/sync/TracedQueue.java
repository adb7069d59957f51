package conclab.sync;

import conclab.trace.SpanState;

import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link BlockingQueue} that records its depth over time as the counter {@code "<name> depth"} after
 * every change, and the waits of {@code put} (full) and {@code take} (empty) as
 * {@link SpanState#WAITING}. Bounded queues wrap an {@link ArrayBlockingQueue}, unbounded ones a
 * {@link LinkedBlockingQueue}; they behave exactly as those (an element's insertion happens-before its
 * removal by another thread). {@code offer(e)} and {@code poll()} never block.
 * Made by {@link conclab.Lab#queue(String, int)} and {@link conclab.Lab#unboundedQueue(String)}.
 *
 * <p>Each recorded depth is the queue's size read right after the change (a value the queue really
 * had, so a bounded queue's recorded depth never exceeds its capacity); with several threads, samples
 * may be a little out of order in time.
 */
public final class TracedQueue<E> extends Traced implements BlockingQueue<E> {

    private final BlockingQueue<E> q;
    private final int capacity;

    private TracedQueue(String name, BlockingQueue<E> q, int capacity) {
        super(name);
        this.q = q;
        this.capacity = capacity;
    }

    /** A bounded queue of {@code capacity}. */
    public static <E> TracedQueue<E> bounded(String name, int capacity) {
        return new TracedQueue<>(name, new ArrayBlockingQueue<>(capacity), capacity);
    }

    /** An unbounded queue. */
    public static <E> TracedQueue<E> unbounded(String name) {
        return new TracedQueue<>(name, new LinkedBlockingQueue<>(), Integer.MAX_VALUE);
    }

    /** The capacity ({@code Integer.MAX_VALUE} when unbounded). */
    public int capacity() {
        return capacity;
    }

    private <T> T depth(T result) {
        counter("depth", q.size());
        return result;
    }

    @Override
    public void put(E e) throws InterruptedException {
        if (!q.offer(e)) {
            SpanState before = enter(SpanState.WAITING);
            try {
                q.put(e);
            } finally {
                restore(before);
            }
        }
        depth(null);
    }

    @Override
    public E take() throws InterruptedException {
        E e = q.poll();
        if (e == null) {
            SpanState before = enter(SpanState.WAITING);
            try {
                e = q.take();
            } finally {
                restore(before);
            }
        }
        return depth(e);
    }

    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        if (q.offer(e)) return depth(true);
        SpanState before = enter(SpanState.WAITING);
        try {
            return depth(q.offer(e, timeout, unit));
        } finally {
            restore(before);
        }
    }

    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        E e = q.poll();
        if (e != null) return depth(e);
        SpanState before = enter(SpanState.WAITING);
        try {
            return depth(q.poll(timeout, unit));
        } finally {
            restore(before);
        }
    }

    @Override public boolean offer(E e) { return depth(q.offer(e)); }
    @Override public boolean add(E e) { return depth(q.add(e)); }
    @Override public E poll() { return depth(q.poll()); }
    @Override public E remove() { return depth(q.remove()); }
    @Override public boolean remove(Object o) { return depth(q.remove(o)); }
    @Override public boolean addAll(Collection<? extends E> c) { return depth(q.addAll(c)); }
    @Override public boolean removeAll(Collection<?> c) { return depth(q.removeAll(c)); }
    @Override public boolean retainAll(Collection<?> c) { return depth(q.retainAll(c)); }
    @Override public void clear() { q.clear(); depth(null); }
    @Override public int drainTo(Collection<? super E> c) { return depth(q.drainTo(c)); }
    @Override public int drainTo(Collection<? super E> c, int max) { return depth(q.drainTo(c, max)); }
    @Override public E element() { return q.element(); }
    @Override public E peek() { return q.peek(); }
    @Override public int remainingCapacity() { return q.remainingCapacity(); }
    @Override public int size() { return q.size(); }
    @Override public boolean isEmpty() { return q.isEmpty(); }
    @Override public boolean contains(Object o) { return q.contains(o); }
    @Override public boolean containsAll(Collection<?> c) { return q.containsAll(c); }
    /** An iterator of the wrapped queue; removals through it are not recorded. */
    @Override public Iterator<E> iterator() { return q.iterator(); }
    @Override public Object[] toArray() { return q.toArray(); }
    @Override public <T> T[] toArray(T[] a) { return q.toArray(a); }

    @Override
    public String toString() {
        return "TracedQueue[" + name() + ", " + q.size() + (capacity == Integer.MAX_VALUE ? "" : "/" + capacity) + "]";
    }

    /** Sends this primitive's counters to {@code rec} from every thread; returns this. */
    @Override
    public TracedQueue<E> recordInto(conclab.trace.Recorder rec) {
        super.recordInto(rec);
        return this;
    }
}
