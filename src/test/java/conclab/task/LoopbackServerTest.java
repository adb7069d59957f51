package conclab.task;

import conclab.trace.CounterSample;
import conclab.trace.Recorder;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import static org.junit.jupiter.api.Assertions.*;

class LoopbackServerTest {

    @Test
    void the_server_counts_requests_in_flight_and_their_peak() throws Exception {
        try (var server = LoopbackServer.start(Duration.ofSeconds(30))) {
            Recorder rec = Recorder.start("db");
            server.recordInto(rec);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try {
                        server.request(Duration.ZERO, 8);
                    } catch (java.io.IOException e) {
                        // the server closes under it at the end of the test
                    }
                }));
            }
            while (server.inFlight() < 5) Thread.sleep(1); // all five are being served (30 s each)
            assertEquals(5, server.peakInFlight());
            assertEquals(5, server.resetPeak());
            assertEquals(5, server.peakInFlight(), "a new peak starts from what is in flight now");
            Trace t = rec.stop();
            double max = t.counters().stream().filter(c -> c.name().equals("requests in flight"))
                    .mapToDouble(CounterSample::value).max().orElse(-1);
            assertEquals(5, max);
            server.close();
            for (Thread c : clients) c.join();
        }
    }

    @Test
    void clients_that_take_a_permit_each_never_overlap_beyond_the_permits() throws Exception {
        try (var server = LoopbackServer.start(Duration.ofMillis(5))) {
            Semaphore permits = new Semaphore(3);
            Work query = Work.io(server);
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int k = i;
                clients.add(Thread.ofVirtual().start(() -> {
                    try {
                        permits.acquire();
                        try {
                            query.run(k);
                        } finally {
                            permits.release();
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread c : clients) c.join();
            assertEquals(30, server.served());
            // the server stops counting a request before it answers: a released permit never overlaps
            assertTrue(server.peakInFlight() <= 3, "peak " + server.peakInFlight());
            assertEquals(0, server.inFlight());
        }
    }
}
