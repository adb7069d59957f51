package conclab.check;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

class CallProbeTest {

    private static List<String> oneByOne(List<Callable<String>> calls) throws Exception {
        List<String> out = new ArrayList<>();
        for (var c : calls) out.add(c.call());
        return out;
    }

    private static List<String> onThreads(List<Callable<String>> calls) throws InterruptedException {
        String[] r = new String[calls.size()];
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < r.length; i++) {
            int id = i;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    r[id] = calls.get(id).call();
                } catch (Exception e) {
                    r[id] = e.toString();
                }
            }));
        }
        for (var t : ts) t.join();
        return List.of(r);
    }

    @Test
    void calls_in_flight_together_overlap_and_one_at_a_time_does_not() {
        var together = CallProbe.of(4).overlap(4);
        var out = together.run(() -> onThreads(together.calls()));
        assertTrue(out.ok());
        assertEquals(together.replies(), out.value());
        assertTrue(together.overlapped());
        assertTrue(together.ranOffCaller());
        assertEquals(4, together.threads().size());

        var serial = CallProbe.of(3).overlap(3).deadline(Duration.ofMillis(200));
        var out2 = serial.run(() -> oneByOne(serial.calls()));
        assertEquals(serial.replies(), out2.value(), "the calls still return, after the deadline");
        assertFalse(serial.overlapped());
        assertFalse(serial.ranOffCaller());
    }

    /** Starts a thread per call and returns a view of the array the threads fill in, without joining. */
    private static List<String> neverJoined(List<Callable<String>> calls) {
        String[] r = new String[calls.size()];
        for (int i = 0; i < r.length; i++) {
            int id = i;
            Thread.ofPlatform().start(() -> {
                try {
                    r[id] = calls.get(id).call();
                } catch (Exception e) {
                    r[id] = e.toString();
                }
            });
        }
        return java.util.Arrays.asList(r);
    }

    @Test
    void held_replies_tell_a_method_that_joins_from_one_that_returns_before_its_calls() {
        for (int round = 0; round < 20; round++) {
            var joined = CallProbe.of(4).overlap(4).holdRepliesUntilCallerWaits();
            var good = joined.run(() -> onThreads(joined.calls()));
            assertEquals(joined.replies(), good.value(), "round " + round);

            var early = CallProbe.of(4).overlap(4).holdRepliesUntilCallerWaits();
            var bad = early.run(() -> neverJoined(early.calls()));
            assertTrue(bad.ok());
            assertTrue(bad.value().stream().allMatch(java.util.Objects::isNull),
                    "round " + round + ": returned before any call replied, as copied then: " + bad.value());
            assertTrue(Attempt.eventually(() -> early.callsMade() == 4 && early.completed().size() == 4,
                    Duration.ofSeconds(10)), "the calls still reply once the method returned");
        }
    }

    /** A thread per call, each adding its reply to one shared list; waits (joins) or sleeps, as told. */
    private static List<String> addingToOneList(List<Callable<String>> calls, boolean join) throws InterruptedException {
        List<String> r = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> ts = new ArrayList<>();
        for (var c : calls) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    r.add(c.call());
                } catch (Exception e) {
                    r.add(e.toString());
                }
            }));
        }
        if (join) for (var t : ts) t.join();
        else Thread.sleep(300);
        return new ArrayList<>(r);
    }

    @Test
    void held_replies_come_back_in_reverse_order_and_not_to_a_sleeping_caller() {
        for (int round = 0; round < 5; round++) {
            var listed = CallProbe.of(4).overlap(4).holdRepliesUntilCallerWaits();
            var arrived = listed.run(() -> addingToOneList(listed.calls(), true));
            assertEquals(listed.replies().reversed(), arrived.value(), "round " + round + ": in the order they were handed back");

            var slept = CallProbe.of(4).overlap(4).holdRepliesUntilCallerWaits();
            var early = slept.run(() -> addingToOneList(slept.calls(), false));
            assertEquals(List.of(), early.value(), "round " + round + ": a sleep is no wait: nothing was handed back yet");
        }
    }

    @Test
    void a_caller_that_spins_gets_no_replies_but_a_reason() {
        var probe = CallProbe.of(2).overlap(2).holdRepliesUntilCallerWaits().deadline(Duration.ofMillis(300));
        var out = probe.run(() -> {
            String[] r = new String[2];
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int id = i;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        r[id] = probe.calls().get(id).call();
                    } catch (Exception e) {
                        r[id] = e.getMessage();
                    }
                }));
            }
            for (var t : ts) while (t.isAlive()) Thread.onSpinWait();
            return List.of(r);
        });
        assertTrue(out.ok());
        assertTrue(out.value().stream().allMatch(s -> s.contains("join")), "each call says why: " + out.value());
    }

    /** Consumers taking calls from a queue until a STOP each; joined or not, as told. */
    private static List<String> pipeline(List<Callable<String>> calls, boolean join) throws InterruptedException {
        Callable<String> stop = () -> "stop";
        var queue = new java.util.concurrent.ArrayBlockingQueue<Callable<String>>(2);
        var replies = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (var call = queue.take(); call != stop; call = queue.take()) replies.add(call.call());
                } catch (Exception e) {
                    // ends
                }
            }));
        }
        for (var call : calls) queue.put(call);
        for (int c = 0; c < 3; c++) queue.put(stop);
        if (join) for (var t : ts) t.join();
        return new ArrayList<>(replies);
    }

    @Test
    void the_last_reply_waits_for_a_caller_that_joins_and_not_for_one_that_returns() {
        for (int round = 0; round < 10; round++) {
            var joined = CallProbe.of(9).overlap(3).holdLastReplyUntilCallerWaits();
            var good = joined.run(() -> pipeline(joined.calls(), true));
            assertEquals(9, good.value().size(), "round " + round + ": " + good);

            var returned = CallProbe.of(9).overlap(3).holdLastReplyUntilCallerWaits();
            var bad = returned.run(() -> pipeline(returned.calls(), false));
            assertTrue(bad.value().size() < 9, "round " + round + ": the last reply came after the method returned: " + bad);
        }
    }

    @Test
    void replies_carry_a_token_of_the_probe() {
        var a = CallProbe.of(2);
        var b = CallProbe.of(2);
        assertNotEquals(a.replies(), b.replies());
        assertTrue(a.reply(1).startsWith("reply 1 #"));
    }

    @Test
    void a_forced_finish_order_is_what_a_completion_service_sees() throws Exception {
        for (int k = 0; k < 50; k++) {
            var probe = CallProbe.of(4).finishIn(2, 0, 3, 1);
            var pool = probe.pool(4, "probe-pool-");
            try {
                var done = new ExecutorCompletionService<String>(pool);
                for (var c : probe.calls()) done.submit(c);
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 4; i++) got.add(done.take().get());
                assertEquals(probe.repliesInFinishOrder(), got);
                assertTrue(probe.overlapped());
                assertTrue(probe.ranOnThreadsNamed("probe-pool-"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void futures_in_submission_order_do_not_see_the_finish_order() throws Exception {
        var probe = CallProbe.of(3).finishIn(1, 2, 0);
        var pool = probe.pool(3, "probe-pool-");
        try {
            List<String> got = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(probe.calls())) got.add(f.get());
            assertEquals(probe.replies(), got);
            assertNotEquals(probe.repliesInFinishOrder(), got);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void run_gives_up_on_code_that_blocks_and_interrupts_it() {
        var probe = CallProbe.of(1).deadline(Duration.ofMillis(100));
        var out = probe.run(() -> {
            Thread.sleep(60_000);
            return "late";
        });
        assertFalse(out.finished());
    }

    @Test
    void attempt_sees_a_thread_waiting_on_a_condition() {
        var lock = new ReentrantLock();
        Condition c = lock.newCondition();
        var a = Attempt.start(() -> {
            lock.lock();
            try {
                c.await();
                return "woken";
            } finally {
                lock.unlock();
            }
        });
        assertTrue(Attempt.eventually(() -> Attempt.waiters(lock, c) == 1, Duration.ofSeconds(5)));
        lock.lock();
        try {
            c.signal();
        } finally {
            lock.unlock();
        }
        var out = a.await(Duration.ofSeconds(5));
        assertTrue(out.ok());
        assertEquals("woken", out.value());
        var stuck = Attempt.start(() -> {
            Thread.sleep(60_000);
            return null;
        });
        assertFalse(stuck.await(Duration.ofMillis(50)).finished());
        stuck.cancel();
        assertTrue(stuck.await(Duration.ofSeconds(5)).finished());
        assertInstanceOf(InterruptedException.class, stuck.await(Duration.ZERO).error());
    }
}
