package conclab.task;

import conclab.trace.Latencies;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class LoadTest {

    @Test
    void open_load_keeps_its_rate_and_obeys_littles_law() throws Exception {
        var r = Load.open(Work.sleep(Duration.ofMillis(20)), 200, Duration.ofMillis(500)).run();
        assertEquals(100, r.requests());
        assertEquals(100, r.latencies().percentiles().count());
        assertTrue(r.latencies().percentiles().p50() >= 20_000_000, "a request takes at least its sleep");
        // L = λW holds by construction of the measures; it is the relation the lesson shows
        assertEquals(r.throughput() * r.meanLatencyNanos() / 1e9, r.meanInSystem(), 1e-9);
        assertTrue(r.throughput() > 100 && r.throughput() < 220, "throughput " + r.throughput());
    }

    @Test
    void a_saturated_pool_shows_queueing_in_latency_measured_from_the_due_time() throws Exception {
        // one worker, 10 ms requests, due every 5 ms: each waits longer than the one before
        var r = Load.open(Work.sleep(Duration.ofMillis(10)), 200, Duration.ofMillis(200)).workers(1).run();
        var p = r.latencies().percentiles();
        // 40 requests of at least 10 ms on one worker end at least 400 ms after the start; the last was
        // due at 195 ms: its latency, counted from its due time, is at least 205 ms
        assertEquals(40, p.count());
        assertTrue(p.max() >= 200_000_000L, "max latency " + p.max() / 1e6 + " ms");
        long service = conclab.trace.Stats.of(r.trace(), 1).latency().p50();
        assertTrue(service < p.max() / 4, "service time " + service / 1e6 + " ms is not what a request waits");
    }

    @Test
    void the_expected_interval_correction_adds_the_omitted_requests() {
        Latencies plain = new Latencies(), corrected = new Latencies();
        for (int i = 0; i < 99; i++) {
            plain.record(1_000_000);
            corrected.record(1_000_000, 10_000_000);
        }
        plain.record(1_000_000_000);
        corrected.record(1_000_000_000, 10_000_000);
        assertEquals(100, plain.percentiles().count());
        assertTrue(corrected.percentiles().count() > 150, "a 1 s stall hid ~99 requests due every 10 ms");
        assertTrue(corrected.percentiles().p90() > 10 * plain.percentiles().p90());
    }
}
