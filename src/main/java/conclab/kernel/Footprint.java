package conclab.kernel;

import conclab.kernel.wire.Message;
import conclab.kernel.wire.Transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What the kernel costs the machine while nobody uses it: the memory limit it lives under, said once at
 * start-up, and the heap given back once the kernel has gone idle.
 *
 * <p><b>The limit.</b> The JVM sizes its heap from its cgroup's memory limit (v1 and v2) by itself, and
 * the kernelspec's launcher passes JupyterHub's {@code MEM_LIMIT} as {@code -XX:MaxRAM} when it is set
 * (see {@link Installer#JVM_OPTIONS}): the heap may then grow to {@code MaxRAMPercentage} of it. This class
 * only reads the same limits to say, in one line of the server's log, which one the heap was sized from.
 *
 * <p><b>Giving memory back.</b> The serial collector grows the heap while JShell compiles and never
 * returns the space except after a full collection, which an idle kernel never runs. So once no shell
 * request has come for {@link #IDLE_MILLIS}, and only if requests ran since the last time, one
 * full collection runs ({@link #collectTight}): the heap then shrinks to its live data plus
 * {@link #IDLE_MAX_FREE_RATIO} % and the freed pages go back to the system. It runs on its own daemon thread at minimum priority; a request
 * arriving meanwhile is not delayed more than one collection of the live data (tens of milliseconds).
 *
 * <p><b>No chart warm-up at start-up.</b> Drawing throw-away charts so that the first real one is quick
 * ({@code Charts.warmUpInBackground}) cost every kernel over a second of CPU and its JIT compilations in its
 * first seconds, on the same cores as every other kernel of a class; the AOT cache already holds the charts'
 * classes, so the first chart of a session now pays for the rest itself (README, "Figures"). A single
 * learner's server ({@code ./lab start}) asks for the warm-up with {@code CONCLAB_CHART_WARMUP=start}.
 *
 * <p>Thread-safe: the shell thread calls {@link #busy}/{@link #idle}; the trimming thread waits on this
 * object's monitor.
 */
final class Footprint {

    /** How long the shell must stay quiet before the heap is trimmed. */
    static final long IDLE_MILLIS = 4_000;

    private final Log log;
    private final long idleMillis;
    /* guarded by this: requests in progress, whether any ran since the last trim, when the last one ended */
    private int busy;
    private boolean dirty = true;   // the start-up itself leaves garbage behind
    private long quietSince = System.nanoTime();
    private int trims;

    Footprint(Log log, long idleMillis) {
        this.log = log;
        this.idleMillis = idleMillis;
    }

    /** Starts the trimming thread. */
    Footprint start() {
        Thread t = Thread.ofPlatform().name("conclab-idle-trim").daemon(true).stackSize(256 << 10)
                .unstarted(this::trimLoop);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return this;
    }

    /** {@code loop}, telling this footprint when each request begins and ends. */
    BiConsumer<Transport.Channel, Message> around(BiConsumer<Transport.Channel, Message> loop) {
        return (ch, m) -> {
            busy();
            try {
                loop.accept(ch, m);
            } finally {
                idle();
            }
        };
    }

    synchronized void busy() {
        busy++;
        dirty = true;
    }

    synchronized void idle() {
        busy--;
        quietSince = System.nanoTime();
        notifyAll();
    }

    /** Also marks work done outside a request (JShell's start, a {@code %reset}) as worth a trim. */
    synchronized void touched() {
        dirty = true;
        quietSince = System.nanoTime();
        notifyAll();
    }

    /** Whether the charts warm up in the background once JShell is ready: {@code CONCLAB_CHART_WARMUP=start}. */
    static boolean chartWarmUpAtStart(java.util.Map<String, String> env) {
        return "start".equalsIgnoreCase(env.getOrDefault("CONCLAB_CHART_WARMUP", "").strip());
    }

    synchronized int trims() {
        return trims;
    }

    private void trimLoop() {
        try {
            while (true) {
                synchronized (this) {
                    while (true) {
                        long left = idleMillis - (System.nanoTime() - quietSince) / 1_000_000;
                        if (busy == 0 && dirty && left <= 0) break;
                        if (busy > 0 || !dirty) wait();
                        else wait(Math.max(1, left));
                    }
                    dirty = false;
                    trims++;
                }
                trim();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The heap's free share kept by an idle collection, in percent: while cells run the kernelspec's
     * {@code -XX:MaxHeapFreeRatio=30} leaves room to grow without a collection at every step, but an idle
     * kernel needs none of it, and its young generation is sized from the old one's (a third of the heap
     * under the serial collector): 30 % free kept about 20 MB more resident after 20 small cells.
     */
    static final int IDLE_MAX_FREE_RATIO = 10;

    private void trim() {
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory();
        long t0 = System.nanoTime();
        collectTight();
        if (log.debugging()) {
            log.debug("idle: heap " + (before >> 20) + " → " + (rt.totalMemory() >> 20) + " MB committed, "
                    + ((rt.totalMemory() - rt.freeMemory()) >> 20) + " MB live, in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }

    /**
     * One full collection that keeps at most {@link #IDLE_MAX_FREE_RATIO} % of the heap free, then the
     * kernelspec's ratios again (both flags are manageable at run time); a JVM that refuses the change (other
     * flags, another collector) gets a plain {@code System.gc()} under its own ratios.
     */
    static void collectTight() {
        com.sun.management.HotSpotDiagnosticMXBean vm;
        String min, max;
        try {
            vm = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            min = vm.getVMOption("MinHeapFreeRatio").getValue();
            max = vm.getVMOption("MaxHeapFreeRatio").getValue();
            if (Integer.parseInt(max) > IDLE_MAX_FREE_RATIO) {
                if (Integer.parseInt(min) > IDLE_MAX_FREE_RATIO) vm.setVMOption("MinHeapFreeRatio", "0");
                vm.setVMOption("MaxHeapFreeRatio", String.valueOf(IDLE_MAX_FREE_RATIO));
            }
        } catch (RuntimeException | Error e) {
            System.gc();
            return;
        }
        try {
            System.gc();
        } finally {
            try {
                vm.setVMOption("MaxHeapFreeRatio", max);
                vm.setVMOption("MinHeapFreeRatio", min);
            } catch (RuntimeException ignored) {
                // the ratios stay tight: the heap grows at each collection that needs it, as before
            }
        }
    }

    // ------------------------------------------------------------------ the limit

    /** A memory limit and where it comes from. */
    record Limit(long bytes, String source) {}

    /** The one start-up line: the heap's maximum and the limit it was sized from. */
    static String limitLine(long maxHeap, Optional<Limit> cgroup, Optional<Limit> memLimit, long machine) {
        String heap = "heap up to " + mb(maxHeap) + " MB";
        String from;
        if (memLimit.isPresent() && (cgroup.isEmpty() || memLimit.get().bytes() <= cgroup.get().bytes())) {
            from = "sized from MEM_LIMIT (" + mb(memLimit.get().bytes()) + " MB)"
                    + cgroup.map(c -> ", under the " + c.source() + " of " + mb(c.bytes()) + " MB").orElse("");
        } else if (cgroup.isPresent()) {
            from = "sized from the " + cgroup.get().source() + " of " + mb(cgroup.get().bytes()) + " MB"
                    + memLimit.map(l -> " (MEM_LIMIT " + mb(l.bytes()) + " MB is higher)").orElse("");
        } else {
            from = "no memory limit (no cgroup limit, no MEM_LIMIT): sized from the machine's " + mb(machine) + " MB";
        }
        return "memory: " + heap + ", " + from;
    }

    static String limitLine() {
        return limitLine(Runtime.getRuntime().maxMemory(), cgroupLimit(Path.of("/proc/self/cgroup"),
                Path.of("/sys/fs/cgroup")), memLimit(System.getenv("MEM_LIMIT")), machineMemory());
    }

    /** JupyterHub's MEM_LIMIT (bytes), when set and a number. */
    static Optional<Limit> memLimit(String value) {
        if (value == null || !value.strip().matches("\\d{1,19}")) return Optional.empty();
        try {
            long v = Long.parseLong(value.strip());
            return v > 0 ? Optional.of(new Limit(v, "MEM_LIMIT")) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The lowest memory limit on this process's cgroup and its ancestors: cgroup v2 ({@code memory.max}
     * under the unified hierarchy) or v1 ({@code memory.limit_in_bytes} under the memory controller).
     */
    static Optional<Limit> cgroupLimit(Path procSelfCgroup, Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procSelfCgroup);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            if (f[0].equals("0") && f[1].isEmpty() && Files.isRegularFile(root.resolve("cgroup.controllers"))) {
                Optional<Limit> v2 = lowest(root, f[2], "memory.max", "cgroup v2 limit");
                if (v2.isPresent()) return v2;
            }
            if (List.of(f[1].split(",")).contains("memory")) {
                Optional<Limit> v1 = lowest(root.resolve("memory"), f[2], "memory.limit_in_bytes", "cgroup v1 limit");
                if (v1.isPresent()) return v1;
            }
        }
        return Optional.empty();
    }

    /* the lowest limit in file from dir/path up to dir (a container sees its own cgroup as dir itself) */
    private static Optional<Limit> lowest(Path dir, String path, String file, String what) {
        long low = Long.MAX_VALUE;
        Path p = dir;
        for (String part : path.split("/")) {
            low = Math.min(low, read(p.resolve(file)));
            if (!part.isEmpty()) p = p.resolve(part);
        }
        low = Math.min(low, read(p.resolve(file)));
        return low < (1L << 60) ? Optional.of(new Limit(low, what)) : Optional.empty();
    }

    private static long read(Path f) {
        try {
            String s = Files.readString(f).strip();
            return s.matches("\\d{1,19}") ? Long.parseLong(s) : Long.MAX_VALUE;   // "max": none
        } catch (IOException | NumberFormatException | SecurityException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long machineMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: say what the JVM saw instead
        }
        return Runtime.getRuntime().maxMemory() * 4;
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }
}
