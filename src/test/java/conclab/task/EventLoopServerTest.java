package conclab.task;

import conclab.trace.Recorder;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

class EventLoopServerTest {

    @Test
    void answers_with_the_loopback_protocol() throws Exception {
        try (var loop = EventLoopServer.start(Duration.ZERO)) {
            byte[] got = loop.request(Duration.ZERO, 300_000);   // more than one socket write
            assertEquals(300_000, got.length);
            for (int i = 0; i < got.length; i++) assertEquals((byte) i, got[i]);
            assertEquals(1, loop.served());
        }
    }

    @Test
    void a_waiting_request_does_not_hold_the_loop() throws Exception {
        try (var loop = EventLoopServer.start(Duration.ZERO)) {
            // a request the server answers only after a minute, still pending while others are served
            CompletableFuture<byte[]> pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return loop.request(Duration.ofMinutes(1), 8);
                } catch (java.io.IOException e) {
                    return new byte[0];
                }
            }, Executors.newVirtualThreadPerTaskExecutor());
            while (loop.openConnections() < 1) Thread.onSpinWait();
            for (int i = 0; i < 20; i++) assertEquals(4, loop.request(Duration.ZERO, 4).length);
            assertEquals(20, loop.served());
            assertFalse(pending.isDone());
            assertTrue(loop.peakConnections() >= 2);
            loop.close();                                  // closes the pending connection: a short answer
            assertEquals(0, pending.get().length);
        }
    }

    @Test
    void serves_many_connections_on_its_one_thread() throws Exception {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        try (var loop = EventLoopServer.start(Duration.ofMillis(5))) {
            Recorder rec = Recorder.start("loop");
            loop.recordInto(rec);
            List<Future<byte[]>> replies = new ArrayList<>();
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) replies.add(clients.submit(() -> loop.request(Duration.ZERO, 16)));
            }
            for (Future<byte[]> f : replies) assertEquals(16, f.get().length);
            assertEquals(200, loop.served());
            Trace t = rec.stop();
            assertFalse(t.counters().isEmpty());
            t.counters().forEach(c -> assertEquals("open connections", c.name()));
            assertTrue(loop.thread().isAlive());
            seen.add(loop.thread());
        }
        assertFalse(seen.iterator().next().isAlive(), "close waits for the loop thread");
    }
}
