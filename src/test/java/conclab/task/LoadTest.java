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
        assertTrue(p.max() > 3 * p.p50() / 2 && p.max() > 100_000_000L,
                "latency grows with the queue: p50 " + p.p50() / 1e6 + " ms, max " + p.max() / 1e6 + " ms");
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
