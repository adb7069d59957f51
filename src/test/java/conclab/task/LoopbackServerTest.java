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
            // a virtual thread's blocking socket read ends when it is interrupted (its socket is closed):
            // the clients end now instead of after the 30 s their requests would take
            for (Thread c : clients) c.interrupt();
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


    @Test
    void a_pause_takes_the_end_of_each_period() {
        // pauses of 20 at the end of every 100, counted from 1000
        assertEquals(1000, LoopbackServer.pauseEnd(1000, 100, 20, 1000), "start of a period: no pause");
        assertEquals(1079, LoopbackServer.pauseEnd(1000, 100, 20, 1079), "just before the pause");
        assertEquals(1100, LoopbackServer.pauseEnd(1000, 100, 20, 1080), "the pause begins");
        assertEquals(1100, LoopbackServer.pauseEnd(1000, 100, 20, 1099), "inside the pause");
        assertEquals(1100, LoopbackServer.pauseEnd(1000, 100, 20, 1100), "the next period begins");
        assertEquals(1500, LoopbackServer.pauseEnd(1000, 100, 20, 1490), "a later period");
        assertEquals(900, LoopbackServer.pauseEnd(1000, 100, 20, 900), "before the origin");
        assertEquals(1100, LoopbackServer.pauseEnd(1000, 100, 100, 1000), "a pause as long as the period");
    }

    @Test
    void an_answer_ready_during_a_stall_waits_for_its_end() throws Exception {
        try (LoopbackServer server = LoopbackServer.start(Duration.ZERO)) {
            long origin = System.nanoTime();
            // pauses from 0 ms to 150 ms after the call (the whole first period is a pause)
            server.stalls(Duration.ofMillis(150), Duration.ofMillis(150));
            server.request(Duration.ZERO, 8);
            long took = System.nanoTime() - origin;
            assertTrue(took >= 150_000_000L, "answered " + took / 1e6 + " ms after the stall began");
            assertTrue(server.toString().contains("stalls"), server.toString());
            server.stalls(Duration.ofMillis(150), Duration.ZERO);
            assertFalse(server.toString().contains("stalls"), "length zero turns stalls off");
        }
    }

    @Test
    void stalls_are_checked() {
        try (LoopbackServer server = LoopbackServer.start(Duration.ZERO)) {
            assertThrows(IllegalArgumentException.class, () -> server.stalls(Duration.ZERO, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> server.stalls(Duration.ofMillis(10), Duration.ofMillis(11)));
            assertThrows(IllegalStateException.class,
                    () -> LoopbackServer.shared().stalls(Duration.ofMillis(10), Duration.ofMillis(1)));
        } catch (java.io.IOException e) {
            fail(e);
        }
    }
}
