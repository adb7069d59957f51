package conclab.widgets;

import conclab.spi.Displayable;
import conclab.spi.Hosts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Controls and an output that shows what a function returns, run again each time a control changes:
 * {@code interact(intSlider("Threads", 1, 8, 2), n -> experiment(n).timeline())}.
 *
 * <p>A change to an idle interact (nothing running or waiting, no change in the last {@value #DEBOUNCE_MILLIS}
 * ms: a click on the slider's track, a key press) runs at once. Changes that follow within that time run
 * once they have been quiet for {@value #DEBOUNCE_MILLIS} ms: a drag through many values runs for its first
 * value and for where it stops. Runs go on a thread of their own, under the cell that made the interact. A run still
 * going when the next one starts is interrupted, and whatever it returns is ignored: the output always
 * shows the latest controls' result. The first run happens at once, on the calling thread, so the cell
 * shows its result (also in nbconvert and plain JShell).
 */
public final class Interact implements Displayable {

    /** Quiet time after a change before the function runs again. */
    public static final long DEBOUNCE_MILLIS = 80;

    private final Supplier<?> function;
    private final Output output = new Output();
    private final Box box;
    private final Runnable captured;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    /* Guarded by this. */
    private ScheduledFuture<?> pending;
    private Thread running;
    private long lastChange;
    private final long debounceMillis;

    Interact(Supplier<?> function, List<? extends Widget> controls) {
        this(function, controls, DEBOUNCE_MILLIS);
    }

    /** With another quiet time (tests). */
    Interact(Supplier<?> function, List<? extends Widget> controls, long debounceMillis) {
        this.function = function;
        this.debounceMillis = debounceMillis;
        this.lastChange = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(debounceMillis);   // the first change finds it idle
        List<Widget> children = new ArrayList<>(controls);
        children.add(output);
        box = Box.column(children);
        captured = Hosts.current().capture((Runnable) this::runLatest);
        for (Widget w : controls) w.listen((key, value) -> changed());
        generation.incrementAndGet();
        runOnce(generation.get());
    }

    /** The output the results go to. */
    public Output output() {
        return output;
    }

    /** The layout shown: the controls, then the output. */
    public Box box() {
        return box;
    }

    /** How many runs finished and were shown. */
    public long runs() {
        return completed.get();
    }

    private synchronized void changed() {
        generation.incrementAndGet();
        long now = System.nanoTime();
        boolean idle = pending == null && (running == null || !running.isAlive()) && now - lastChange >= TimeUnit.MILLISECONDS.toNanos(debounceMillis);
        lastChange = now;
        if (pending != null) pending.cancel(false);
        if (idle) {
            start();   // one change on a quiet interact: nothing to wait for
        } else {
            pending = Registry.schedule(this::startPending, debounceMillis);
        }
    }

    private synchronized void startPending() {
        pending = null;
        start();
    }

    private synchronized void start() {
        if (running != null) running.interrupt();   // the previous run is out of date
        running = Thread.ofVirtual().name("interact").start(captured);
    }

    private void runLatest() {
        runOnce(generation.get());
    }

    private void runOnce(long gen) {
        Object result;
        try {
            result = function.get();
        } catch (RuntimeException | Error e) {
            if (Thread.currentThread().isInterrupted() || gen != generation.get()) return;
            result = e.toString();
        }
        if (gen != generation.get()) return;   // the controls changed meanwhile: a newer run shows
        output.replace(result);
        completed.incrementAndGet();
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        return box.mimeBundle(accepted);
    }

    @Override
    public String toString() {
        return box.text();
    }
}
