package conclab.chart;

import conclab.chart.internal.Throttle;
import conclab.spi.DisplayHandle;
import conclab.spi.Displayable;
import conclab.spi.Host;
import conclab.spi.Hosts;
import conclab.trace.Trace;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A chart that follows a running experiment: shown once, then updated in place through its
 * {@link DisplayHandle} at most once per interval (250 ms by default), and a last time, always, when the
 * experiment is finished, so what stays on screen is the finished chart.
 *
 * <pre>{@code
 * var live = LiveChart.timeline(recorder::snapshot).show();   // a Supplier<Trace>
 * ... experiment.onProgress(p -> live.refresh()) ...           // or live.autoRefresh()
 * live.finish();
 * }</pre>
 *
 * <p>Thread-safe: {@link #refresh()} may be called from any thread, as often as wanted; calls within the
 * interval return at once without rendering. {@link #finish()} may be called once or more; after it,
 * refreshes do nothing. The clock is injectable for tests ({@link #clock(LongSupplier)}).
 */
public final class LiveChart implements Displayable {

    /** The default interval between updates. */
    public static final Duration INTERVAL = Duration.ofMillis(250);

    private final Supplier<? extends LabChart<?>> source;
    private LongSupplier clock = System::nanoTime;
    private Duration interval = INTERVAL;
    /* set by show(), read by refreshing threads: volatile publishes the handle and throttle */
    private volatile DisplayHandle handle;
    private volatile Throttle throttle;
    private volatile boolean finished;
    private volatile ScheduledExecutorService timer;

    private LiveChart(Supplier<? extends LabChart<?>> source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** A live chart that renders {@code chart.get()} at each update. */
    public static LiveChart of(Supplier<? extends LabChart<?>> chart) {
        return new LiveChart(chart);
    }

    /** A live timeline of the trace {@code trace.get()} returns at each update. */
    public static LiveChart timeline(Supplier<Trace> trace) {
        return new LiveChart(() -> Charts.timeline(trace.get()));
    }

    /** A live concurrency chart of the trace {@code trace.get()} returns at each update. */
    public static LiveChart concurrency(Supplier<Trace> trace) {
        return new LiveChart(() -> Charts.concurrency(trace.get()));
    }

    /** The nanosecond clock deciding when an update is due (default {@code System::nanoTime}). */
    public LiveChart clock(LongSupplier nanoTime) {
        this.clock = Objects.requireNonNull(nanoTime, "nanoTime");
        return this;
    }

    /** The least time between two updates (default 250 ms). */
    public LiveChart interval(Duration interval) {
        if (interval.isNegative()) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.interval_negative"));
        this.interval = interval;
        return this;
    }

    /** Shows the chart now through {@link Hosts#current()}. */
    public LiveChart show() {
        return show(Hosts.current());
    }

    /** Shows the chart now through {@code host}; later updates replace it in place. */
    public synchronized LiveChart show(Host host) {
        if (handle != null) throw new IllegalStateException("already shown");
        Throttle t = new Throttle(clock, interval.toNanos());
        t.force();
        throttle = t;
        handle = host.display(source.get());
        return this;
    }

    /**
     * Updates the display if the interval has passed since the last update.
     *
     * @return true when an update was sent
     */
    public boolean refresh() {
        DisplayHandle h = handle;
        Throttle t = throttle;
        if (h == null || finished || !t.tryAcquire()) return false;
        LabChart<?> chart = source.get();
        synchronized (this) {
            if (finished) return false; // the final update won the race: never overwrite it
            h.update(chart);
        }
        return true;
    }

    /** Sends the final update (always, throttle or not) and stops refreshing. Idempotent. */
    public void finish() {
        ScheduledExecutorService s = timer;
        if (s != null) s.shutdownNow();
        synchronized (this) {
            if (finished) return;
            finished = true;
            if (handle != null) {
                handle.update(source.get());
                throttle.force();
            }
        }
    }

    /**
     * Refreshes on a daemon thread every interval until {@link #finish()}. The thread runs under the
     * host's context of the calling thread (in a notebook: this cell).
     */
    public synchronized LiveChart autoRefresh(Host host) {
        if (timer != null) return this;
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "conclab-live-chart");
            th.setDaemon(true);
            return th;
        });
        long ms = Math.max(1, interval.toMillis());
        Runnable tick = () -> refresh();
        s.scheduleWithFixedDelay(host.capture(tick), ms, ms, TimeUnit.MILLISECONDS);
        timer = s;
        return this;
    }

    /** {@link #autoRefresh(Host)} with {@link Hosts#current()}. */
    public LiveChart autoRefresh() {
        return autoRefresh(Hosts.current());
    }

    /** True once {@link #finish()} was called. */
    public boolean finished() {
        return finished;
    }

    /** The chart as it is now (rendered from the source). */
    public LabChart<?> chart() {
        return source.get();
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        return source.get().mimeBundle(accepted);
    }

    @Override
    public String toString() {
        return source.get().toString();
    }
}
