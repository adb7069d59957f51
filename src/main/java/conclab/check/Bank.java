package conclab.check;

import conclab.spi.Hosts;
import conclab.check.Rendezvous;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Accounts whose locks are watched, and the audit of a {@code transfer} method: the check of lesson 05's
 * lock-ordering exercise. The audit runs transfers in opposite directions on threads of its own, first
 * with the worst timing forced (each thread, once it holds its first lock, waits until the others hold
 * one too or are blocked; each balance change waits between its read and its write), then at full
 * speed, and reports:
 * <ul>
 *   <li>a deadlock: a cycle of threads each waiting for a lock another one holds (found in the bank's own
 *       wait-for table, or by the JVM's {@code ThreadMXBean} for monitors); the bank is then closed, which
 *       ends the waiting threads, so nothing is left blocked;
 *   <li>whether the money adds up: every transfer done once, none lost;
 *   <li>whether every balance changed while its account's lock was held;
 *   <li>the order in which each thread took the accounts' locks while holding another (as Linux's lockdep
 *       does): both 1 → 2 and 2 → 1 means a deadlock is possible, even in a run that did not deadlock.
 *       Only waiting acquisitions count ({@code lock()}, {@code lockInterruptibly()}): a {@code tryLock}
 *       cannot wait for ever. Orders are compared within one bank (one round), so any order that is fixed
 *       for a given pair of accounts passes, even one that differs between rounds (by identity hash, say);
 *   <li>whether two transfers of four different accounts (1 → 2 and 4 → 3) could hold their locks at the
 *       same time: with the worst timing, each waits, once it holds its first lock, until the other holds
 *       one too or is stuck; a lock for the whole bank around the transfer keeps the second out every time.
 * </ul>
 *
 * <pre>{@code
 * Bank.Audit audit = Bank.audit((from, to, amount) -> transfer(from, to, amount));
 * audit.done();        // no deadlock, every transfer done once
 * audit.ordered();     // both locks held while the money moved, always in one order
 * }</pre>
 */
public final class Bank {

    /** A transfer of {@code amount} from one account to another, as a lesson writes it. */
    @FunctionalInterface
    public interface Transfer {
        void transfer(Account from, Account to, long amount) throws Exception;
    }

    private final Rendezvous rendezvous;
    private final List<Account> accounts = new ArrayList<>();
    /** Threads waiting, untimed, for an account's lock. */
    private final Map<Thread, Account> waitsFor = new ConcurrentHashMap<>();
    /** "1 → 2": a thread holding account 1's lock waited for account 2's. */
    private final Set<String> orders = ConcurrentHashMap.newKeySet();
    private final Set<String> unguarded = ConcurrentHashMap.newKeySet();
    /** Set when a thread held two of the bank's locks at once. */
    private volatile boolean bothHeld;
    /** Set when a thread took its first account lock while another thread held a lock of this bank. */
    private volatile boolean overlapped;
    private volatile boolean closed;

    private Bank(Rendezvous rendezvous) {
        this.rendezvous = rendezvous;
    }

    /** A bank whose locks are watched, at full speed (nothing waits on purpose). */
    public static Bank open() {
        return new Bank(null);
    }

    /** Opens an account; not thread-safe: open accounts before threads use them. */
    public Account account(int id, long balance) {
        Account a = new Account(this, id, balance);
        accounts.add(a);
        return a;
    }

    /** Every later acquisition, wait and balance change of this bank's accounts throws {@link CancellationException}. */
    public void close() {
        closed = true;
        if (rendezvous != null) rendezvous.close();
    }

    // ------------------------------------------------------------------ called by the accounts

    void ensureOpen() {
        if (closed) throw new CancellationException("the bank was closed by the check that opened it");
    }

    void step() {
        if (rendezvous != null) rendezvous.step();
    }

    void unguarded(Account a) {
        unguarded.add(conclab.text.Messages.get("bank.unguarded", String.valueOf(a), Thread.currentThread().getName()));
    }

    void waiting(Account forLock, boolean untimed) {
        Thread me = Thread.currentThread();
        if (forLock == null) {
            waitsFor.remove(me);
            if (rendezvous != null) rendezvous.waiting(null);
            return;
        }
        if (untimed) waitsFor.put(me, forLock);
        if (rendezvous != null) rendezvous.waiting(() -> {
            Thread owner = forLock.owner();
            return owner != null && owner != me;
        });
    }

    /** The calling thread is about to wait for {@code a}'s lock if it must: notes the locks it holds. */
    void attempt(Account a) {
        for (Account other : accounts) {
            if (other != a && other.heldByCurrentThread()) orders.add(other.id() + " → " + a.id());
        }
    }

    void acquired(Account a) {
        Thread me = Thread.currentThread();
        for (Account other : accounts) {
            if (other != a && other.heldByCurrentThread()) {
                bothHeld = true;
                return;
            }
        }
        for (Account other : accounts) {
            Thread owner = other.owner();
            if (owner != null && owner != me) overlapped = true;
        }
        step();                          // a first lock; with the worst timing the others take theirs too
    }

    /** A cycle of threads waiting for each other's account locks, described, or null. */
    String deadlock() {
        for (Thread start : waitsFor.keySet()) {
            List<String> links = new ArrayList<>();
            Set<Thread> seen = new LinkedHashSet<>();
            for (Thread t = start; t != null && seen.add(t); ) {
                Account wanted = waitsFor.get(t);
                Thread owner = wanted == null ? null : wanted.owner();
                if (owner == null) break;
                links.add(conclab.text.Messages.get("bank.waits", t.getName(), String.valueOf(wanted), owner.getName()));
                if (owner == start) return String.join("; ", links);
                t = owner;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ the audit

    /**
     * What an audit found: a deadlock (null if none), the first exception a transfer threw (null if
     * none), whether every thread finished, what is wrong with the balances (null if they add up), the
     * balance changes made without the account's lock, and the lock orders seen.
     */
    public record Audit(String deadlock, String failure, boolean finished, String money, List<String> unguarded,
                        List<String> orders, boolean bothHeld, boolean crossed, boolean oneAtATime) {

        public Audit {
            unguarded = List.copyOf(unguarded);
            orders = List.copyOf(orders);
        }

        /** Every transfer finished: no deadlock, no exception, nothing still running. */
        public boolean noDeadlock() {
            return deadlock == null && failure == null && finished;
        }

        public String deadlockHint() {
            if (deadlock != null) return conclab.text.Messages.get("bank.deadlock", deadlock);
            if (failure != null) return conclab.text.Messages.get("bank.threw", failure);
            if (!finished) return conclab.text.Messages.get("bank.unfinished");
            return "";
        }

        /** Every transfer done exactly once (an audit that stopped early at a deadlock says no). */
        public boolean moneyAddsUp() {
            return money == null && noDeadlock();
        }

        public String moneyHint() {
            return money != null ? money : conclab.text.Messages.get("bank.not_all_finished");
        }

        /** No deadlock, and every transfer done exactly once. */
        public boolean done() {
            return moneyAddsUp();
        }

        /** What went wrong, for {@link #done()}'s check. */
        public String doneHint() {
            return noDeadlock() ? moneyHint() : deadlockHint();
        }

        /**
         * Every balance changed under its account's lock, a transfer held both locks at once, no thread
         * of one bank waited for account 1's lock holding 2's as well as for 2's holding 1's ({@code crossed}),
         * and transfers of different accounts were not kept one at a time ({@code oneAtATime}).
         */
        public boolean ordered() {
            return unguarded.isEmpty() && bothHeld && !crossed && !oneAtATime;
        }

        public String orderHint() {
            if (!unguarded.isEmpty()) return conclab.text.Messages.get("bank.hold_both", unguarded.get(0));
            if (!bothHeld) return conclab.text.Messages.get("bank.never_both");
            if (crossed) return conclab.text.Messages.get("bank.both_orders");
            return conclab.text.Messages.get("bank.one_at_a_time");
        }
    }

    /**
     * Runs {@code transfer} as described in the class comment: three collisions with the worst timing
     * (two threads moving 1 and 10 from account 1 to 2, one moving 100 from 2 to 1), two transfers of four
     * different accounts with the worst timing (1 → 2 and 4 → 3, once each), then two threads moving 1 and
     * 2 in opposite directions 5,000 times each.
     */
    public static Audit audit(Transfer transfer) throws InterruptedException {
        Findings f = new Findings();
        for (int round = 0; round < 3 && f.clean(); round++) {
            Bank bank = new Bank(new Rendezvous(Duration.ofMillis(200)));
            Account a = bank.account(1, 1_000), b = bank.account(2, 1_000);
            bank.run(f, Duration.ofSeconds(5), List.of(
                    new Mover("a-to-b-1", transfer, a, b, 1, 1),
                    new Mover("a-to-b-2", transfer, a, b, 10, 1),
                    new Mover("b-to-a", transfer, b, a, 100, 1)));
            f.balances(a, 1_000 - 11 + 100, b, 1_000 + 11 - 100, conclab.text.Messages.get("bank.when.worst"));
        }
        if (f.clean()) {
            // a patience long enough for a correct transfer to reach its first lock on a busy core; a lock for
            // the whole bank leaves the second thread stuck on it, so that case does not wait for it
            Bank bank = new Bank(new Rendezvous(Duration.ofSeconds(2)));
            Account a = bank.account(1, 1_000), b = bank.account(2, 1_000), c = bank.account(3, 1_000), d = bank.account(4, 1_000);
            bank.run(f, Duration.ofSeconds(10), List.of(
                    new Mover("a-to-b", transfer, a, b, 1, 1),
                    new Mover("d-to-c", transfer, d, c, 1, 1)));
            f.balances(a, 999, b, 1_001, conclab.text.Messages.get("bank.when.worst"));
            if (f.clean() && !bank.overlapped) f.oneAtATime = true;
        }
        if (f.clean()) {
            Bank bank = open();
            Account a = bank.account(1, 1_000_000), b = bank.account(2, 1_000_000);
            int each = 5_000;
            bank.run(f, Duration.ofSeconds(10), List.of(
                    new Mover("a-to-b", transfer, a, b, 1, each),
                    new Mover("b-to-a", transfer, b, a, 2, each)));
            f.balances(a, 1_000_000 - each + 2L * each, b, 1_000_000 + each - 2L * each, conclab.text.Messages.get("bank.when.full_speed"));
        }
        return new Audit(f.deadlock, f.failure, f.finished, f.money, List.copyOf(f.unguarded), List.copyOf(f.orders), f.bothHeld,
                f.crossed, f.oneAtATime);
    }

    private record Mover(String name, Transfer transfer, Account from, Account to, long amount, int times) {}

    private static final class Findings {
        String deadlock, failure, money;
        boolean finished = true, bothHeld, crossed, oneAtATime;
        final Set<String> unguarded = new LinkedHashSet<>(), orders = new LinkedHashSet<>();

        boolean clean() {
            return deadlock == null && failure == null && finished && money == null;
        }

        void balances(Account a, long wantA, Account b, long wantB, String when) {
            if (!clean()) return;
            if (a.balance() != wantA || b.balance() != wantB) {
                money = conclab.text.Messages.get("bank.balances", when, conclab.text.Messages.format("%,d", a.balance()), conclab.text.Messages.format("%,d", b.balance()),
                        conclab.text.Messages.format("%,d", wantA), conclab.text.Messages.format("%,d", wantB),
                        conclab.text.Messages.get(a.balance() + b.balance() != wantA + wantB ? "bank.lost_update" : "bank.not_done"));
            }
        }
    }

    private void run(Findings f, Duration deadline, List<Mover> movers) throws InterruptedException {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (Mover m : movers) {
            Runnable body = Hosts.current().capture((Runnable) () -> {
                if (rendezvous != null) rendezvous.arrive();
                try {
                    for (int i = 0; i < m.times(); i++) m.transfer().transfer(m.from(), m.to(), m.amount());
                } catch (CancellationException e) {
                    // the bank was closed by the audit
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            Thread t = Thread.ofPlatform().name(m.name()).daemon().unstarted(body);
            if (rendezvous != null) rendezvous.expect(t);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        long end = System.nanoTime() + deadline.toNanos();
        String seen = null;
        while (threads.stream().anyMatch(Thread::isAlive) && System.nanoTime() < end) {
            String cycle = deadlock();
            if (cycle == null) cycle = monitorDeadlock(threads);
            if (cycle != null && cycle.equals(seen)) {
                f.deadlock = cycle;
                break;
            }
            seen = cycle;
            Thread.sleep(10);
        }
        boolean finished = threads.stream().noneMatch(Thread::isAlive);
        if (!finished) {
            close();
            for (Thread t : threads) t.join(Duration.ofSeconds(1));
            if (f.deadlock == null) f.finished = false;
        }
        Throwable first = failures.peek();
        if (first != null && f.failure == null) f.failure = first.toString();
        f.unguarded.addAll(unguarded);
        f.orders.addAll(orders);
        for (String o : orders) {        // "1 → 2": crossed when this bank also saw "2 → 1"
            String[] ends = o.split(" → ");
            if (orders.contains(ends[1] + " → " + ends[0])) f.crossed = true;
        }
        f.bothHeld |= bothHeld;
    }

    /** A deadlock among {@code threads} on monitors ({@code synchronized}), as the JVM sees it, or null. */
    private static String monitorDeadlock(List<Thread> threads) {
        var mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.findMonitorDeadlockedThreads();          // monitors only: a timed tryLock is no deadlock
        if (ids == null) return null;
        Set<Long> ours = new java.util.HashSet<>();
        threads.forEach(t -> ours.add(t.threadId()));
        List<String> links = new ArrayList<>();
        for (ThreadInfo info : mx.getThreadInfo(ids)) {
            if (info != null && ours.contains(info.getThreadId())) {
                links.add(conclab.text.Messages.get("bank.waits", info.getThreadName(), String.valueOf(info.getLockName()), String.valueOf(info.getLockOwnerName())));
            }
        }
        return links.isEmpty() ? null : String.join("; ", links);
    }
}
