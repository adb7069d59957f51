package conclab.chart;

import conclab.spi.DisplayHandle;
import conclab.spi.Host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/** A host that records displays and updates, with the fake clock time of each; installs nothing. */
final class FakeHost implements Host {

    record Event(String kind, String id, Object value, long atNanos) {}

    final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    final FakeClock clock;

    FakeHost(FakeClock clock) {
        this.clock = clock;
    }

    @Override public Runnable capture(Runnable task) { return task; }
    @Override public <T> Callable<T> capture(Callable<T> task) { return task; }
    @Override public boolean rich() { return true; }

    @Override
    public DisplayHandle display(Object value) {
        String id = "d" + events.size();
        events.add(new Event("display", id, value, clock.getAsLong()));
        return new DisplayHandle() {
            @Override public void update(Object v) { events.add(new Event("update", id, v, clock.getAsLong())); }
            @Override public String id() { return id; }
        };
    }

    List<Event> updates() {
        synchronized (events) {
            return events.stream().filter(e -> e.kind().equals("update")).toList();
        }
    }

    static final class FakeClock implements java.util.function.LongSupplier {
        private volatile long now;
        @Override public long getAsLong() { return now; }
        void advanceMillis(long ms) { now += ms * 1_000_000L; }
    }
}
