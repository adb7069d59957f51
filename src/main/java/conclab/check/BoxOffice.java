package conclab.check;

import conclab.spi.Hosts;
import conclab.check.Rendezvous;
import conclab.check.SharedInt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Sellers racing to sell a box office's tickets: the check of lesson 04's check-then-act exercise. A box
 * office is made from a {@link SharedInt} holding the tickets left; its {@code buy()} says whether it
 * sold one. Each seller is a platform thread calling {@code buy()} until it says no.
 *
 * <pre>{@code
 * Function<SharedInt, BooleanSupplier> office = left -> new SafeTickets(left)::buy;
 * BoxOffice.Sale worst = BoxOffice.worstTiming(office);          // 1 ticket, 2, 3 and 4 sellers
 * BoxOffice.Sale busy = BoxOffice.sellOut(office, 100_000, 4);   // full speed
 * worst.exact();   // exactly the tickets there were sold, and none is left
 * }</pre>
 *
 * <p>With the worst timing, every read of {@code left.get()} waits until the other sellers have read too
 * or are blocked (on the box office's lock, say): two sellers that check before either acts both see the
 * last ticket, on every run and on any number of cores. A sale that does not end within its deadline
 * (10 s) is closed: the seller threads' next call on {@code left} throws and they end.
 */
public final class BoxOffice {

    private BoxOffice() {}

    /** How long a seller may keep running while another waits at a read, before that counts as spinning. */
    private static final Duration PATIENCE = Duration.ofMillis(500);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /**
     * What a sale came to: tickets there were, sellers, tickets sold ({@code buy()} said true), what
     * {@code left} ends at, whether every seller finished in time, how often a read waited in vain for a
     * seller that kept running, the first exception a {@code buy()} threw (null if none), and how many
     * sellers stopped on a {@code buy()} that said no while tickets were still left.
     */
    public record Sale(int tickets, int sellers, long sold, int left, boolean finished, long spins, String failure,
                       long refused) {

        /** A sale where no seller was refused while tickets were left. */
        public Sale(int tickets, int sellers, long sold, int left, boolean finished, long spins, String failure) {
            this(tickets, sellers, sold, left, finished, spins, failure, 0);
        }

        /**
         * Exactly the tickets there were sold, none left, every seller done, no exception, no spinning, and
         * no {@code buy()} said no while a ticket was left (left only goes down, so a {@code buy()} that saw
         * none left is never contradicted later).
         */
        public boolean exact() {
            return finished && failure == null && spins == 0 && sold == tickets && left == 0 && refused == 0;
        }

        /** What went wrong, for a check's hint ("" when {@link #exact()}). */
        public String hint() {
            String where = where();
            if (failure != null) return where + m("boxoffice.threw", failure);
            if (!finished) return where + m("boxoffice.unfinished", DEADLINE.toSeconds());
            if (spins > 0) return where + m("boxoffice.spinning", PATIENCE.toMillis());
            if (refused > 0) return where + m("boxoffice.refused", refused);
            if (sold > tickets) return where + m("boxoffice.oversold", sold);
            if (sold < tickets) return where + m("boxoffice.undersold", sold, left);
            if (left != 0) return where + m("boxoffice.left", left);
            return "";
        }

        @Override
        public String toString() {
            String hint = hint();
            return where() + m("boxoffice.summary", sold, left)
                    + (exact() ? m("boxoffice.exact") : " — " + hint.substring(hint.indexOf(": ") + 2));
        }

        private String where() {
            String h = m(sellers == 1 ? "boxoffice.seller" : "boxoffice.sellers", sellers) + ", "
                    + m(tickets == 1 ? "boxoffice.ticket" : "boxoffice.tickets", tickets);
            return h + (conclab.text.Language.french() ? "\u00A0: " : ": ");
        }

        /** A message of the bundle, numbers among {@code args} written the session's way ({@code %,d}). */
        private static String m(String key, Object... args) {
            Object[] shown = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                shown[i] = args[i] instanceof Number n ? conclab.text.Messages.format("%,d", n.longValue()) : String.valueOf(args[i]);
            }
            return conclab.text.Messages.get(key, shown);
        }
    }

    /**
     * One ticket, sold by 2, then 3, then 4 sellers with the worst timing; the first sale that is not
     * exact, else the last.
     */
    public static Sale worstTiming(Function<SharedInt, BooleanSupplier> office) throws InterruptedException {
        Sale last = null;
        for (int sellers = 2; sellers <= 4; sellers++) {
            last = run(office, 1, sellers, true);
            if (!last.exact()) return last;
        }
        return last;
    }

    /** {@code tickets} sold by {@code sellers} at full speed (reads never wait). */
    public static Sale sellOut(Function<SharedInt, BooleanSupplier> office, int tickets, int sellers) throws InterruptedException {
        return run(office, tickets, sellers, false);
    }

    private static Sale run(Function<SharedInt, BooleanSupplier> office, int tickets, int sellers, boolean worst)
            throws InterruptedException {
        Rendezvous r = worst ? new Rendezvous(PATIENCE) : null;
        SharedInt left = new SharedInt(tickets, r);
        BooleanSupplier buy;
        try {
            buy = office.apply(left);
        } catch (RuntimeException | Error e) {
            return new Sale(tickets, sellers, 0, left.peek(), true, 0, "while being made: " + e);
        }
        AtomicLong sold = new AtomicLong(), refused = new AtomicLong();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long runaway = 2L * tickets + 100;               // buy() that never says no stops here
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sellers; s++) {
            Runnable body = Hosts.current().capture((Runnable) () -> {
                if (r != null) r.arrive();
                try {
                    while (buy.getAsBoolean()) {
                        if (sold.incrementAndGet() >= runaway) return;
                    }
                    if (left.peek() > 0) refused.incrementAndGet();   // said no, with a ticket still there
                } catch (CancellationException e) {
                    // closed by the check
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            Thread t = Thread.ofPlatform().name("seller-" + (s + 1)).daemon().unstarted(body);
            if (r != null) r.expect(t);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        boolean finished = true;
        for (Thread t : threads) {
            long wait = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            finished &= t.join(Duration.ofMillis(wait));
        }
        if (!finished) {
            left.close();
            if (r != null) r.close();
            for (Thread t : threads) t.join(Duration.ofSeconds(1));
        }
        Throwable first = failures.peek();
        return new Sale(tickets, sellers, sold.get(), left.peek(), finished, r == null ? 0 : r.impatient(),
                first == null ? null : first.toString(), refused.get());
    }
}
