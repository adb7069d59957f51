package conclab.task;

import conclab.spi.Hosts;
import conclab.trace.Recorder;
import conclab.trace.SpanState;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The multiprocessing analogue behind {@link Strategy#processes(int)}: {@code n} worker JVMs
 * ({@link ProcessWorker}) on this JVM's class path, each driven by a parent thread named
 * {@code process-k} that takes the next task, sends it (its workload's spec and a payload) and waits for
 * the answer. Recorded per worker lane: the JVM's start-up (a WAITING span belonging to no task), and per
 * task the transfer out (WAITING), the computation as the worker measured it (RUNNING) and the transfer
 * back (WAITING); the round trip minus the computation is split evenly between the two transfers.
 *
 * <p>A worker that dies is reported (its exit code, the end of its standard error) as the failure of
 * the task it had; the other workers take the remaining tasks, and tasks nobody could run are reported
 * too. Nothing hangs on a dead worker: its pipe closes and the parent thread sees the end of input.
 */
final class Processes implements Strategy {

    private final int n;
    private final int payloadBytes;

    Processes(int n, int payloadBytes) {
        if (n < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.need_process", n));
        if (payloadBytes < 0) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.payload_negative"));
        this.n = n;
        this.payloadBytes = payloadBytes;
    }

    @Override
    public String name() {
        return "processes(" + n + (payloadBytes > 0 ? ", " + payloadBytes + " B" : "") + ")";
    }

    @Override
    public int workers(int tasks) {
        return n;
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public void run(Work work, int tasks, Recorder rec) throws InterruptedException {
        String spec = work.spec();
        if (spec == null) {
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.work_child", work.name()));
        }
        Batch b = new Batch(name(), work, tasks, rec);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-D" + Cpu.CALIBRATION_PROPERTY + "=" + Cpu.stepsPerNano(),
                "-XX:+UseSerialGC", "-Xshare:auto", ProcessWorker.class.getName());
        AtomicInteger next = new AtomicInteger(), finished = new AtomicInteger();
        List<Process> processes = new CopyOnWriteArrayList<>();
        byte[] payload = new byte[payloadBytes];
        List<Thread> lanes = new ArrayList<>();
        /* Set (volatile) before processes are destroyed on cancellation, so lanes do not report it as a crash. */
        var cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        for (int k = 0; k < n; k++) {
            int lane = k;
            Runnable body = Hosts.current().capture((Runnable) () -> drive(lane, command, b, tasks, next, finished,
                    processes, payload, cancelled));
            Thread t = Thread.ofPlatform().name("process-" + k).unstarted(body);
            lanes.add(t);
            t.start();
        }
        try {
            for (Thread t : lanes) t.join();
        } catch (InterruptedException e) {
            cancelled.set(true);
            for (Process p : processes) p.destroyForcibly();
            for (Thread t : lanes) t.interrupt();
            boolean again = false;
            for (Thread t : lanes) {
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException x) {
                        again = true;
                    }
                }
            }
            if (again) Thread.currentThread().interrupt();
            throw e;
        }
        int notRun = tasks - Math.min(tasks, next.get());
        int lost = tasks - finished.get() - notRun;
        if (notRun > 0) b.fail(new IllegalStateException(notRun + " task(s) not run: every worker process died"));
        else if (lost < 0) throw new AssertionError("more tasks finished than started");
        b.finish();
    }

    private void drive(int lane, List<String> command, Batch b, int tasks, AtomicInteger next, AtomicInteger finished,
                       List<Process> processes, byte[] payload, java.util.concurrent.atomic.AtomicBoolean cancelled) {
        Recorder rec = b.recorder;
        Path log = null;
        Process p = null;
        int current = -1;
        try {
            log = Files.createTempFile(Work.tempDir(), "worker-", ".log");
            long t0 = System.nanoTime();
            p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            processes.add(p);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(p.getOutputStream()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream()));
            if (in.readByte() != ProcessWorker.READY) throw new IOException("worker did not say ready");
            rec.span(new Recorder.Task("start-up", -1), SpanState.WAITING, t0, System.nanoTime());
            String spec = b.work.spec();
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                current = i;
                if (Thread.currentThread().isInterrupted()) return;
                long t1 = System.nanoTime();
                out.writeByte(ProcessWorker.TASK);
                out.writeInt(i);
                out.writeUTF(spec);
                out.writeInt(payload.length);
                out.write(payload);
                out.flush();
                int kind = in.readByte();
                int index = in.readInt();
                long compute = in.readLong();
                String failure = null;
                if (kind == ProcessWorker.DONE) in.readNBytes(in.readInt());
                else failure = in.readUTF();
                long t2 = System.nanoTime();
                if (index != i) throw new IOException("answer for task " + index + " while waiting for " + i);
                compute = Math.max(0, Math.min(compute, t2 - t1));
                long half = (t2 - t1 - compute) / 2;
                Recorder.Task task = b.ref(i);
                rec.span(task, SpanState.WAITING, t1, t1 + half);
                rec.span(task, SpanState.RUNNING, t1 + half, t1 + half + compute);
                rec.span(task, SpanState.WAITING, t1 + half + compute, t2);
                if (failure != null) b.fail(new IllegalStateException("task " + i + " failed in process-" + lane + ": " + failure));
                finished.incrementAndGet();
                current = -1;
            }
            out.writeByte(ProcessWorker.EXIT);
            out.flush();
            out.close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            if (cancelled.get()) return;
            String what = current >= 0 ? " while running task " + current : "";
            if (current >= 0) finished.incrementAndGet(); // it ended, badly
            b.fail(new IllegalStateException("worker process-" + lane + describe(p) + " died" + what + ": " + e
                    + tail(log)));
        } catch (InterruptedException e) {
            // cancelled
        } finally {
            if (p != null) p.destroyForcibly();
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // temporary folder, deleted at exit
                }
            }
        }
    }

    private static String describe(Process p) {
        if (p == null) return "";
        try {
            if (p.waitFor(5, TimeUnit.SECONDS)) return " (pid " + p.pid() + ", exit code " + p.exitValue() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return " (pid " + p.pid() + ")";
    }

    private static String tail(Path log) {
        try {
            if (log == null || !Files.exists(log)) return "";
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) return "";
            return "; its standard error ends with: " + (s.length() > 600 ? "…" + s.substring(s.length() - 600) : s);
        } catch (IOException e) {
            return "";
        }
    }
}
