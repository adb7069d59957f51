package conclab.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.*;

class FootprintTest {

    @TempDir
    Path tmp;

    private static final long MB = 1 << 20;

    private Path file(String rel, String text) throws IOException {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void cgroupV1LimitIsTheLowestOnThePathToTheRoot() throws IOException {
        Path self = file("proc/cgroup", "5:cpu,cpuacct:/\n4:memory:/hub/alice\n0::/\n");
        file("cg/memory/memory.limit_in_bytes", "9223372036854771712\n");
        file("cg/memory/hub/memory.limit_in_bytes", String.valueOf(2048 * MB));
        file("cg/memory/hub/alice/memory.limit_in_bytes", String.valueOf(512 * MB));
        assertEquals(Optional.of(new Footprint.Limit(512 * MB, "cgroup v1 limit")),
                Footprint.cgroupLimit(self, tmp.resolve("cg")));
        file("cg/memory/hub/memory.limit_in_bytes", String.valueOf(256 * MB));   // the parent's is lower
        assertEquals(256 * MB, Footprint.cgroupLimit(self, tmp.resolve("cg")).orElseThrow().bytes());
    }

    @Test
    void cgroupV2LimitIsReadFromTheUnifiedHierarchy() throws IOException {
        Path self = file("proc/cgroup", "0::/user.slice/user-1000.slice/jupyter-alice.service\n");
        file("cg/cgroup.controllers", "cpu memory pids\n");
        file("cg/user.slice/memory.max", "max\n");
        file("cg/user.slice/user-1000.slice/jupyter-alice.service/memory.max", String.valueOf(512 * MB) + "\n");
        assertEquals(Optional.of(new Footprint.Limit(512 * MB, "cgroup v2 limit")),
                Footprint.cgroupLimit(self, tmp.resolve("cg")));
    }

    @Test
    void noLimitWhenUnlimitedOrUnreadable() throws IOException {
        Path self = file("proc/cgroup", "4:memory:/\n0::/\n");
        file("cg/memory/memory.limit_in_bytes", "9223372036854771712\n");
        assertEquals(Optional.empty(), Footprint.cgroupLimit(self, tmp.resolve("cg")));
        assertEquals(Optional.empty(), Footprint.cgroupLimit(tmp.resolve("absent"), tmp.resolve("cg")));
    }

    @Test
    void memLimitIsBytesOrNothing() {
        assertEquals(Optional.of(new Footprint.Limit(536870912, "MEM_LIMIT")), Footprint.memLimit("536870912"));
        assertEquals(Optional.empty(), Footprint.memLimit(null));
        assertEquals(Optional.empty(), Footprint.memLimit("512M"));
        assertEquals(Optional.empty(), Footprint.memLimit("0"));
    }

    @Test
    void theStartUpLineSaysWhichLimitTheHeapCameFrom() {
        var cg = Optional.of(new Footprint.Limit(512 * MB, "cgroup v1 limit"));
        var mem = Optional.of(new Footprint.Limit(1024 * MB, "MEM_LIMIT"));
        assertEquals("memory: heap up to 256 MB, sized from the cgroup v1 limit of 512 MB (MEM_LIMIT 1024 MB is higher)",
                Footprint.limitLine(256 * MB, cg, mem, 24000 * MB));
        assertEquals("memory: heap up to 512 MB, sized from MEM_LIMIT (1024 MB)",
                Footprint.limitLine(512 * MB, Optional.empty(), mem, 24000 * MB));
        assertTrue(Footprint.limitLine(12000 * MB, Optional.empty(), Optional.empty(), 24000 * MB)
                .endsWith("no memory limit (no cgroup limit, no MEM_LIMIT): sized from the machine's 24000 MB"));
    }

    @Test
    void theLauncherPassesMemLimitToTheJvmOnlyWhenItIsANumber() throws Exception {
        assumeShell();
        assertEquals("-XX:MaxRAM=536870912 -version", launch("536870912"));
        assertEquals("-version", launch(null));
        assertEquals("-version", launch("512m"));
    }

    private static void assumeShell() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
    }

    /* runs the kernelspec's launcher with /bin/echo standing for java */
    private static String launch(String memLimit) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", Installer.LAUNCHER, "conclab-kernel", "/bin/echo",
                "-version"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("MEM_LIMIT");
        if (memLimit != null) pb.environment().put("MEM_LIMIT", memLimit);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        return out;
    }

    @Test
    void theChartsWarmUpAtStartOnlyWhenAskedFor() {
        assertTrue(Footprint.chartWarmUpAtStart(java.util.Map.of("CONCLAB_CHART_WARMUP", "start")));
        assertFalse(Footprint.chartWarmUpAtStart(java.util.Map.of()));
        assertFalse(Footprint.chartWarmUpAtStart(java.util.Map.of("CONCLAB_CHART_WARMUP", "never")));
    }

    @Test
    void theHeapIsTrimmedOnceAfterWorkAndNeverWhileARequestRuns() throws InterruptedException {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Footprint f = new Footprint(new Log(new PrintStream(logged, true), true), 50).start();
        awaitCount(f::trims, 1);                       // what the start-up left behind
        f.busy();
        Thread.sleep(300);                             // a long request: no trim under it
        assertEquals(1, f.trims());
        f.idle();
        awaitCount(f::trims, 2);                       // quiet again after work: one trim
        Thread.sleep(300);                             // and no more until something runs
        assertEquals(2, f.trims());
        f.touched();                                   // work outside a request (a %reset) counts too
        awaitCount(f::trims, 3);
        assertTrue(logged.toString().contains("idle: heap"), logged.toString());
    }

    private static void awaitCount(IntSupplier count, int want) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (count.getAsInt() < want && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(want, count.getAsInt());
    }

    /** The AOT cache's method profiles are recorded under the thresholds the kernel runs with (`lab`, train_aot). */
    @Test
    void theAheadOfTimeCacheIsTrainedUnderTheKernelsJitThresholds() throws IOException {
        Path lab = Path.of("lab");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(lab), "not run from the project's root");
        String text = Files.readString(lab);
        int start = text.indexOf("train_aot() {");
        assertTrue(start >= 0, "lab has no train_aot");
        String training = text.substring(start, text.indexOf("\n}\n", start));
        List<String> jit = Installer.JVM_OPTIONS.stream()
                .filter(o -> o.startsWith("-XX:CompileThresholdScaling") || o.startsWith("-XX:Tier")).toList();
        assertFalse(jit.isEmpty());
        for (String o : jit) assertTrue(training.contains(o), "the AOT training does not run with " + o);
    }
}
