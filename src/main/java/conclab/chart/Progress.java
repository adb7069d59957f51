package conclab.chart;

import conclab.chart.internal.TextArt;
import conclab.chart.internal.Throttle;
import conclab.spi.DisplayHandle;
import conclab.spi.Displayable;
import conclab.spi.Host;
import conclab.spi.Hosts;
import conclab.trace.Html;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The library's progress bar: shown once, updated in place at most every 250 ms as work advances, and a
 * last time when finished. In a notebook it is an HTML bar; in JShell a line of text such as
 * {@code runs  ███████████▌        57%  57/100  1.2 s  platform(2)} (the last part is an optional
 * {@link #note(String) note}). Workers advance it ({@code Charts.progress(label, total).show()});
 * an experiment shows its runs on one through {@code experiment(...).progress(progressBar())}.
 *
 * <p>Thread-safe: any number of threads may {@link #advance()}; counting is one atomic add, and at most
 * one caller per interval renders.
 */
public final class Progress implements Displayable {

    private final String label;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private LongSupplier clock = System::nanoTime;
    private Duration interval = LiveChart.INTERVAL;
    private int width = 30;
    /* written by show(), read by advancing threads */
    private volatile DisplayHandle handle;
    private volatile Throttle throttle;
    private volatile long startNanos;
    private volatile long endNanos = -1;
    /* any thread may set it; read when rendering */
    private volatile String note = "";

    private Progress(String label, long total) {
        if (total < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.total_negative"));
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
    }

    /** A progress bar of {@code total} steps. */
    public static Progress of(String label, long total) {
        return new Progress(label, total);
    }

    /** The nanosecond clock (default {@code System::nanoTime}). */
    public Progress clock(LongSupplier nanoTime) {
        this.clock = Objects.requireNonNull(nanoTime, "nanoTime");
        return this;
    }

    /** The least time between two updates (default 250 ms). */
    public Progress interval(Duration interval) {
        this.interval = Objects.requireNonNull(interval, "interval");
        return this;
    }

    /** Bar width in characters (default 30). */
    public Progress width(int width) {
        if (width < 5) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.width_min5"));
        this.width = width;
        return this;
    }

    /** Shows the bar now through {@link Hosts#current()}. */
    public Progress show() {
        return show(Hosts.current());
    }

    /** Shows the bar now through {@code host}. */
    public synchronized Progress show(Host host) {
        if (handle != null) throw new IllegalStateException("already shown");
        startNanos = clock.getAsLong();
        Throttle t = new Throttle(clock, interval.toNanos());
        t.force();
        throttle = t;
        handle = host.display(this);
        return this;
    }

    /** One step done. */
    public void advance() {
        advance(1);
    }

    /** {@code n} steps done. */
    public void advance(long n) {
        done.addAndGet(n);
        maybeUpdate();
    }

    /** Sets the steps done. */
    public void set(long done) {
        this.done.set(done);
        maybeUpdate();
    }

    private void maybeUpdate() {
        DisplayHandle h = handle;
        if (h == null || endNanos >= 0 || !throttle.tryAcquire()) return;
        synchronized (this) {
            if (endNanos < 0) h.update(this);
        }
    }

    /** A short note shown after the counts, such as what runs now; any thread may set it. */
    public void note(String note) {
        this.note = note == null ? "" : note;
        maybeUpdate();
    }

    /** Marks the work finished and sends the final update. Idempotent. */
    public synchronized void finish() {
        if (endNanos >= 0) return;
        endNanos = clock.getAsLong();
        if (handle != null) handle.update(this);
    }

    /** Steps done so far. */
    public long done() {
        return done.get();
    }

    /** Steps in all. */
    public long total() {
        return total;
    }

    /** Fraction done, 0..1. */
    public double fraction() {
        return total == 0 ? 1 : Math.min(1.0, (double) done.get() / total);
    }

    /** The one-line text form. */
    public String text() {
        double f = fraction();
        String bar = TextArt.bar(f, 1, width);
        long end = endNanos;
        double secs = handle == null ? 0 : ((end >= 0 ? end : clock.getAsLong()) - startNanos) / 1e9;
        String n = note;
        return conclab.text.Messages.format("%s  %s%s %3.0f%%  %d/%d  %s%s%s", label, bar,
                " ".repeat(Math.max(0, width - bar.length())), f * 100, done.get(), total,
                conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", secs), "s"),
                n.isEmpty() ? "" : "  " + n, end >= 0 ? "  " + conclab.text.Messages.get("progress.done") : "");
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (accepted.contains(HTML)) {
            String pct = String.format(Locale.ROOT, "%.1f", fraction() * 100);
            out.put(HTML, "<div style=\"font-family:sans-serif;font-size:13px\"><span>" + Html.escape(label)
                    + "</span> <progress max=\"100\" value=\"" + pct + "\" style=\"width:20em\"></progress> "
                    + Html.escape(text().substring(label.length() + 2 + width).strip()) + "</div>");
        }
        if (accepted.contains(PLAIN) || accepted.isEmpty()) out.put(PLAIN, text());
        return out;
    }

    @Override
    public String toString() {
        return text();
    }
}
