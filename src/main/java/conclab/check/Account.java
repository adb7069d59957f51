package conclab.check;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bank account of a {@link Bank}: an id, a balance, and the lock that guards the balance. Money moves
 * with {@link #withdraw} and {@link #deposit}, which a caller must hold {@link #lock()} for (they note
 * it when not; the bank's audit reports it). The lock is a {@link ReentrantLock} the bank watches: it
 * records in which order each thread takes the bank's locks, finds a cycle of threads waiting for each
 * other (a deadlock), and ends the waits when the bank is closed.
 */
public final class Account {

    private final Bank bank;
    private final int id;
    private final Watched lock = new Watched();
    /** Guarded by lock. */
    private long balance;

    Account(Bank bank, int id, long balance) {
        this.bank = bank;
        this.id = id;
        this.balance = balance;
    }

    /** The account's number. */
    public int id() {
        return id;
    }

    /** The lock that guards the balance. */
    public Lock lock() {
        return lock;
    }

    /** The balance (a plain read: hold the lock for a value that means something). */
    public long balance() {
        return balance;
    }

    /** Takes {@code amount} out; hold {@link #lock()}. */
    public void withdraw(long amount) {
        change(-amount);
    }

    /** Puts {@code amount} in; hold {@link #lock()}. */
    public void deposit(long amount) {
        change(amount);
    }

    private void change(long delta) {
        bank.ensureOpen();
        if (!lock.isHeldByCurrentThread()) bank.unguarded(this);
        long b = balance;
        bank.step();                     // with the worst timing: others read their balances too
        balance = b + delta;
    }

    @Override
    public String toString() {
        return "account " + id;
    }

    /** True if the calling thread holds this account's lock. */
    boolean heldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** The thread holding this account's lock, or null. */
    Thread owner() {
        return lock.owner;
    }

    /*
     * The watched lock. Every blocking acquisition polls the real lock (tryLock, 1 ms) so that closing
     * the bank can end it with a CancellationException; an untimed wait is entered in the bank's
     * wait-for table (for deadlock detection), a timed one is not (it ends by itself).
     */
    private final class Watched implements Lock {
        private final ReentrantLock inner = new ReentrantLock();
        /** The holder; written by it after acquiring, cleared before its last unlock. */
        volatile Thread owner;

        boolean isHeldByCurrentThread() {
            return inner.isHeldByCurrentThread();
        }

        @Override
        public void lock() {
            try {
                acquire(true, false, Long.MAX_VALUE);
            } catch (InterruptedException e) {
                throw new AssertionError(e);     // not interruptible: never thrown
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            acquire(true, true, Long.MAX_VALUE);
        }

        @Override
        public boolean tryLock() {
            bank.ensureOpen();
            if (!inner.tryLock()) return false;
            acquired();
            return true;
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return acquire(false, true, unit.toNanos(time));
        }

        private boolean acquire(boolean untimed, boolean interruptible, long nanos) throws InterruptedException {
            bank.ensureOpen();
            if (untimed) bank.attempt(Account.this);
            if (inner.tryLock()) {
                acquired();
                return true;
            }
            long deadline = System.nanoTime() + nanos;
            boolean interrupted = false;
            bank.waiting(Account.this, untimed);
            try {
                while (true) {
                    bank.ensureOpen();
                    long left = untimed ? 1_000_000 : Math.min(1_000_000, deadline - System.nanoTime());
                    if (left <= 0) return false;
                    try {
                        if (inner.tryLock(left, TimeUnit.NANOSECONDS)) break;
                    } catch (InterruptedException e) {
                        if (interruptible) throw e;
                        interrupted = true;
                    }
                }
            } finally {
                bank.waiting(null, false);
                if (interrupted) Thread.currentThread().interrupt();
            }
            acquired();
            return true;
        }

        private void acquired() {
            owner = Thread.currentThread();
            bank.acquired(Account.this);
        }

        @Override
        public void unlock() {
            if (inner.getHoldCount() == 1) owner = null;
            inner.unlock();
        }

        @Override
        public Condition newCondition() {
            return inner.newCondition();
        }

        @Override
        public String toString() {
            return "lock of account " + id;
        }
    }
}
