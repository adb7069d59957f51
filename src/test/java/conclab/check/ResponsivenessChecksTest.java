package conclab.check;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Each instrument tells a right answer from the classic wrong one. */
class ResponsivenessChecksTest {

    @Test
    void handOffSeesWorkOnTheUiThreadAndShowFromAWorker() {
        var onUi = ResponsivenessChecks.handOff((ui, workers, work, show) -> { work.run(); show.run(); });
        assertFalse(onUi.uiStaysFree(), onUi.detail());
        var fromWorker = ResponsivenessChecks.handOff((ui, workers, work, show) -> workers.execute(() -> { work.run(); show.run(); }));
        assertTrue(fromWorker.uiStaysFree(), fromWorker.detail());
        assertFalse(fromWorker.showsOnUiWhenDone(), fromWorker.detail());
        var right = ResponsivenessChecks.handOff((ui, workers, work, show) -> workers.execute(() -> { work.run(); ui.execute(show); }));
        assertTrue(right.uiStaysFree() && right.showsOnUiWhenDone(), right.detail());
    }

    private static boolean isPrime(int n) {
        for (int d = 2; (long) d * d <= n; d++) if (n % d == 0) return false;
        return n > 1;
    }

    private static long count(int limit, AtomicInteger reached, boolean listens, boolean clears) {
        long count = 0;
        for (int n = 2; n < limit; n++) {
            if (listens && (clears ? Thread.interrupted() : Thread.currentThread().isInterrupted())) return count;
            if (isPrime(n)) count++;
            reached.set(n);
        }
        return count;
    }

    @Test
    void aLoopThatListensStopsEarlyWithItsCountAndTheFlag() {
        int limit = 200_000;
        var deaf = ResponsivenessChecks.stopsWhenInterrupted(r -> count(limit, r, false, false), limit, ResponsivenessChecksTest::isPrime);
        assertTrue(deaf.ended() && !deaf.early(), deaf.detail());
        var clears = ResponsivenessChecks.stopsWhenInterrupted(r -> count(limit, r, true, true), limit, ResponsivenessChecksTest::isPrime);
        assertTrue(clears.early() && clears.countRight() && !clears.flagKept(), clears.detail());
        var right = ResponsivenessChecks.stopsWhenInterrupted(r -> count(limit, r, true, false), limit, ResponsivenessChecksTest::isPrime);
        assertTrue(right.early() && right.countRight() && right.flagKept(), right.detail());
    }

    @Test
    void aTimeoutMustStopTheRequest() {
        var orphan = ResponsivenessChecks.cancelsOnTimeout((pool, request, limit, fallback) -> {
            var reply = pool.submit(request);
            try { return reply.get(limit.toMillis(), TimeUnit.MILLISECONDS); } catch (TimeoutException e) { return fallback; }
        });
        assertTrue(orphan.fastAnswered() && orphan.gaveUp() && !orphan.stopped(), orphan.detail());
        var right = ResponsivenessChecks.cancelsOnTimeout((pool, request, limit, fallback) -> {
            var reply = pool.submit(request);
            try { return reply.get(limit.toMillis(), TimeUnit.MILLISECONDS); }
            catch (TimeoutException e) { return fallback; }
            finally { reply.cancel(true); }
        });
        assertTrue(right.fastAnswered() && right.gaveUp() && right.stopped(), right.detail());
    }

    @Test
    void aLimitMustBeWaitedForButNotSleptThrough() {
        var seconds = ResponsivenessChecks.cancelsOnTimeout((pool, request, limit, fallback) -> {
            var reply = pool.submit(request);                   // toSeconds() of 100 ms is 0: no wait at all
            try { return reply.get(limit.toSeconds(), TimeUnit.SECONDS); }
            catch (TimeoutException e) { return fallback; }
            finally { reply.cancel(true); }
        });
        assertFalse(seconds.gaveUp(), seconds.detail());
        var sleeper = ResponsivenessChecks.cancelsOnTimeout((pool, request, limit, fallback) -> {
            var reply = pool.submit(request);                   // a ready answer still waits the whole limit
            Thread.sleep(limit.toMillis());
            if (reply.isDone()) return reply.get();
            reply.cancel(true);
            return fallback;
        });
        assertFalse(sleeper.fastAnswered(), sleeper.detail());
    }

    private static final ScopedValue<String> ID = ScopedValue.newInstance();
    private static final ThreadLocal<String> LOCAL = new ThreadLocal<>();

    private static String log(String what) {
        String id = ID.isBound() ? ID.get() : LOCAL.get();
        return (id == null ? "(no request)" : id) + ": " + what;
    }

    @Test
    void requestIdsMustBeBoundPerTaskAndNotLeak() {
        var leaky = ResponsivenessChecks.requestIds((id, pool) -> {
            var parts = new ArrayList<Future<String>>();
            for (var what : List.of("a", "b", "c")) parts.add(pool.submit(() -> { LOCAL.set(id); return log(what); }));
            var lines = new ArrayList<String>();
            for (var p : parts) lines.add(p.get());
            return lines;
        }, ResponsivenessChecksTest::log);
        assertTrue(leaky.idsRight() && leaky.together() && !leaky.noLeak(), leaky.detail());
        var hardCoded = ResponsivenessChecks.requestIds((id, pool) -> {
            var parts = new ArrayList<Future<String>>();
            for (var what : List.of("a", "b", "c")) parts.add(pool.submit(() -> ScopedValue.where(ID, "req-7").call(() -> log(what))));
            var lines = new ArrayList<String>();
            for (var p : parts) lines.add(p.get());
            return lines;
        }, ResponsivenessChecksTest::log);
        assertFalse(hardCoded.idsRight(), hardCoded.detail());
        var right = ResponsivenessChecks.requestIds((id, pool) -> {
            var parts = new ArrayList<Future<String>>();
            for (var what : List.of("a", "b", "c")) parts.add(pool.submit(() -> ScopedValue.where(ID, id).call(() -> log(what))));
            var lines = new ArrayList<String>();
            for (var p : parts) lines.add(p.get());
            return lines;
        }, ResponsivenessChecksTest::log);
        assertTrue(right.idsRight() && right.together() && right.noLeak(), right.detail());
    }
}
