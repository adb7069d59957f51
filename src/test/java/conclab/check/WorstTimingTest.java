package conclab.check;

import conclab.check.SharedInt;
import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** The checks of lessons 04 and 05: the worst timing, forced, separates right from wrong on every run. */
class WorstTimingTest {

    static final Function<SharedInt, BooleanSupplier> CHECK_THEN_ACT =
            left -> () -> { if (left.get() > 0) { left.decrementAndGet(); return true; } return false; };

    static final Function<SharedInt, BooleanSupplier> LOCKED = left -> {
        ReentrantLock lock = new ReentrantLock();
        return () -> {
            lock.lock();
            try { return CHECK_THEN_ACT.apply(left).getAsBoolean(); } finally { lock.unlock(); }
        };
    };

    static final Function<SharedInt, BooleanSupplier> CAS = left -> () -> {
        while (true) {
            int n = left.get();
            if (n <= 0) return false;
            if (left.compareAndSet(n, n - 1)) return true;
        }
    };

    @Test
    void check_then_act_on_an_atomic_oversells_every_time() throws Exception {
        for (int i = 0; i < 5; i++) {
            BoxOffice.Sale s = BoxOffice.worstTiming(CHECK_THEN_ACT);
            assertFalse(s.exact(), s.toString());
            assertTrue(s.sold() > 1 && s.hint().contains("one atomic action"), s.hint());
        }
    }

    @Test
    void a_lock_or_a_compare_and_set_loop_sells_exactly() throws Exception {
        for (var office : java.util.List.of(LOCKED, CAS)) {
            assertTrue(BoxOffice.worstTiming(office).exact());
            assertTrue(BoxOffice.sellOut(office, 10_000, 3).exact());
        }
    }

    @Test
    void a_buy_that_gives_up_when_the_lock_is_taken_is_refused_every_time() throws Exception {
        Function<SharedInt, BooleanSupplier> giveUp = left -> {
            ReentrantLock lock = new ReentrantLock();
            return () -> {
                if (!lock.tryLock()) return false;
                try { return CHECK_THEN_ACT.apply(left).getAsBoolean(); } finally { lock.unlock(); }
            };
        };
        for (int i = 0; i < 5; i++) {
            BoxOffice.Sale s = BoxOffice.worstTiming(giveUp);
            assertFalse(s.exact(), s.toString());
            assertTrue(s.refused() > 0 && s.hint().contains("tryLock"), s.hint());
        }
    }

    @Test
    void a_semaphore_of_one_permit_is_a_lock_and_guarding_half_the_pair_with_it_oversells() throws Exception {
        Function<SharedInt, BooleanSupplier> semaphoreLock = left -> {
            var one = new java.util.concurrent.Semaphore(1);
            return () -> {
                one.acquireUninterruptibly();
                try { return CHECK_THEN_ACT.apply(left).getAsBoolean(); } finally { one.release(); }
            };
        };
        Function<SharedInt, BooleanSupplier> checkOnly = left -> {
            var one = new java.util.concurrent.Semaphore(1);
            return () -> {
                boolean some;
                one.acquireUninterruptibly();
                try { some = left.get() > 0; } finally { one.release(); }
                if (some) left.decrementAndGet();
                return some;
            };
        };
        for (int i = 0; i < 3; i++) {
            BoxOffice.Sale right = BoxOffice.worstTiming(semaphoreLock);
            assertTrue(right.exact(), right.toString());          // queued for the permit: not spinning
            BoxOffice.Sale wrong = BoxOffice.worstTiming(checkOnly);
            assertFalse(wrong.exact(), wrong.toString());
            assertTrue(wrong.sold() > 1, wrong.toString());       // the gap is forced, not a spin verdict
        }
    }

    @Test
    void a_buy_that_never_says_no_is_stopped() throws Exception {
        BoxOffice.Sale s = BoxOffice.sellOut(left -> () -> true, 10, 2);
        assertTrue(s.finished() && s.sold() > 10, s.toString());
    }

    static void ordered(Account from, Account to, long amount) {
        Account first = from.id() < to.id() ? from : to, second = first == from ? to : from;
        first.lock().lock();
        try {
            second.lock().lock();
            try { from.withdraw(amount); to.deposit(amount); } finally { second.lock().unlock(); }
        } finally { first.lock().unlock(); }
    }

    static void naive(Account from, Account to, long amount) {
        from.lock().lock();
        try {
            to.lock().lock();
            try { from.withdraw(amount); to.deposit(amount); } finally { to.lock().unlock(); }
        } finally { from.lock().unlock(); }
    }

    @Test
    void lock_order_passes_the_audit() throws Exception {
        Bank.Audit a = Bank.audit(WorstTimingTest::ordered);
        assertTrue(a.done() && a.ordered(), a.toString());
    }

    @Test
    void opposite_orders_deadlock_are_found_and_ended() throws Exception {
        long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("-to-")).count();
        Bank.Audit a = Bank.audit(WorstTimingTest::naive);
        assertFalse(a.done());
        assertNotNull(a.deadlock(), a.toString());
        assertFalse(a.ordered(), "1 → 2 and 2 → 1 recorded: " + a.orders());
        Thread.sleep(100);
        long after = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("-to-")).count();
        assertEquals(before, after, "the deadlocked threads were ended");
    }

    @Test
    void a_lock_for_the_whole_bank_around_the_right_order_is_reported_as_one_at_a_time() throws Exception {
        Object wholeBank = new Object();
        Bank.Audit a = Bank.audit((from, to, amount) -> {
            synchronized (wholeBank) {
                ordered(from, to, amount);
            }
        });
        assertTrue(a.done(), a.toString());
        assertTrue(a.oneAtATime(), a.toString());
        assertFalse(a.ordered(), a.toString());
    }

    @Test
    void an_order_fixed_within_each_bank_passes_even_when_it_differs_between_rounds() throws Exception {
        for (int run = 0; run < 3; run++) {
            Bank.Audit a = Bank.audit((from, to, amount) -> {
                boolean fromFirst = System.identityHashCode(from) < System.identityHashCode(to);
                Account first = fromFirst ? from : to, second = fromFirst ? to : from;
                first.lock().lock();
                try {
                    second.lock().lock();
                    try { from.withdraw(amount); to.deposit(amount); } finally { second.lock().unlock(); }
                } finally { first.lock().unlock(); }
            });
            assertTrue(a.done() && a.ordered() && !a.crossed() && !a.oneAtATime(), a.toString());
        }
    }

    @Test
    void no_locks_loses_money_and_is_reported() throws Exception {
        Bank.Audit a = Bank.audit((from, to, amount) -> { from.withdraw(amount); to.deposit(amount); });
        assertFalse(a.done(), a.toString());
        assertFalse(a.unguarded().isEmpty());
        assertFalse(a.ordered());
    }
}
