package conclab.kernel.cell;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What threads are doing: survivors of an interrupt, deadlocks, the {@code %threads} table. */
public final class Liveness {

    private static final String DIM = "\u001b[2m", RESET = "\u001b[0m", RED = "\u001b[1;31m",
            GREEN = "\u001b[0;32m";

    /** Threads of the kernel and the JVM, not of cells. */
    private static final java.util.regex.Pattern KERNEL_THREADS = java.util.regex.Pattern.compile(
            "conclab-.*|main|iothread-\\d+|reaper-\\d+|Common-Cleaner|VirtualThread-unblocker|process reaper.*"
                    + "|Attach Listener|Signal Dispatcher|Finalizer|Reference Handler|Notification Thread");

    private Liveness() {}

    /** Threads of {@code ctx} still alive after waiting up to {@code graceMillis} for them to end. */
    public static List<Thread> survivors(CellContext ctx, long graceMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        for (Thread t : ctx.liveThreads()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) break;
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ctx.liveThreads();
    }

    /**
     * Lines saying that {@code ctx}'s snippet thread {@code t} ignored the stop and still runs, with its
     * top frames, and the advice to restart.
     */
    public static List<String> unstoppableReport(CellContext ctx, Thread t) {
        List<String> out = new ArrayList<>();
        out.add(RED + conclab.text.Messages.get("kernel.interrupted") + RESET + ": " + conclab.text.Messages.get("kernel.unstoppable", ctx.label(), t.getName()));
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(12, st.length); i++) out.add(DIM + "  at " + st[i] + RESET);
        out.add(GREEN + conclab.text.Messages.get("kernel.unstoppable.advice") + RESET);
        return out;
    }

    /** Lines naming each survivor with its top frames, and the advice to restart. */
    public static List<String> survivorReport(List<Thread> survivors) {
        List<String> out = new ArrayList<>();
        if (survivors.isEmpty()) return out;
        out.add(RED + conclab.text.Messages.get("kernel.survivors") + RESET + " " + conclab.text.Messages.get("kernel.survivors.advice"));
        for (Thread t : survivors) {
            out.add("  " + conclab.text.Messages.get("kernel.thread", t.getName(), t.getState().toString()));
            StackTraceElement[] st = t.getStackTrace();
            for (int i = 0; i < Math.min(4, st.length); i++) out.add(DIM + "      at " + st[i] + RESET);
        }
        return out;
    }

    /** Lines describing each deadlock among live threads, or none. */
    public static List<String> deadlocks() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.findDeadlockedThreads();
        List<String> out = new ArrayList<>();
        if (ids == null) return out;
        ThreadInfo[] infos = mx.getThreadInfo(ids, true, true);
        boolean anyInterruptible = java.util.Arrays.stream(infos).anyMatch(i -> i != null && interruptible(i));
        out.add(RED + conclab.text.Messages.get("kernel.deadlock") + RESET + ": " + conclab.text.Messages.get(anyInterruptible
                ? "kernel.deadlock.interruptible" : "kernel.deadlock.uninterruptible"));
        for (ThreadInfo info : infos) {
            if (info == null) continue;
            out.add("  " + conclab.text.Messages.get(interruptible(info) ? "kernel.deadlock.waits.interruptibly" : "kernel.deadlock.waits",
                    info.getThreadName(), describe(info.getLockInfo()), String.valueOf(info.getLockOwnerName())));
            for (MonitorInfo m : info.getLockedMonitors()) out.add(DIM + "      " + conclab.text.Messages.get("kernel.deadlock.holds", describe(m)) + RESET);
            for (LockInfo l : info.getLockedSynchronizers()) out.add(DIM + "      " + conclab.text.Messages.get("kernel.deadlock.holds", describe(l)) + RESET);
            StackTraceElement[] st = info.getStackTrace();
            for (int i = 0; i < Math.min(3, st.length); i++) out.add(DIM + "      at " + st[i] + RESET);
        }
        return out;
    }

    /** Whether the thread waits in a call that an interrupt ends (lockInterruptibly, a timed tryLock, ...). */
    private static boolean interruptible(ThreadInfo info) {
        for (StackTraceElement e : info.getStackTrace()) {
            String m = e.getMethodName();
            if (m.equals("lockInterruptibly") || m.equals("acquireInterruptibly") || m.equals("tryLock")
                    || m.equals("tryAcquireNanos") || m.equals("await")) return true;
            String c = e.getClassName();
            if (!c.startsWith("java.util.concurrent.") && !c.startsWith("jdk.internal.")) return false;   // past the lock's frames
        }
        return false;
    }

    private static String describe(LockInfo l) {
        return l == null ? "?" : l.getClassName() + "@" + Integer.toHexString(l.getIdentityHashCode());
    }

    /** The {@code %threads} table: live platform threads, state, the cell they belong to; then deadlocks. */
    public static String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-32s %-14s %-10s %s%n", "thread", "state", "cell", "running"));
        List<Map.Entry<Thread, StackTraceElement[]>> all = new ArrayList<>(Thread.getAllStackTraces().entrySet());
        all.sort(Comparator.comparing(e -> e.getKey().getName()));
        for (var e : all) {
            Thread t = e.getKey();
            if (t.getThreadGroup() == null || KERNEL_THREADS.matcher(t.getName()).matches()) continue;
            String group = t.getThreadGroup().getName();
            String cell = group.startsWith("cell-") ? "[" + group.substring(5) + "]" : "";
            String top = e.getValue().length == 0 ? "" : e.getValue()[0].toString();
            // threads of no cell in the JVM's own groups are the kernel's or the JDK's (javac's file system,
            // cleaners): not the learner's business; common-pool workers are, whoever started them
            if ((group.equals("system") || group.equals("main")) && cell.isEmpty()
                    && !t.getName().startsWith("ForkJoinPool")) continue;
            sb.append(String.format("%-32s %-14s %-10s %s%n", clip(t.getName(), 32), t.getState(), cell, clip(top, 70)));
        }
        sb.append("(virtual threads are not listed; a cell's own threads are interrupted with the cell)\n");
        List<String> dl = deadlocks();
        if (!dl.isEmpty()) sb.append(String.join("\n", dl)).append('\n');
        return sb.toString();
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
