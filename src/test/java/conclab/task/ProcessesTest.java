package conclab.task;

import conclab.trace.Recorder;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Stats;
import conclab.trace.Trace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ProcessesTest {

    @BeforeEach
    void clean() throws Exception {
        Path d = PidWork.dir();
        if (Files.isDirectory(d)) {
            try (var files = Files.list(d)) {
                for (Path f : files.toList()) Files.delete(f);
            }
        }
    }

    @Test
    void tasks_run_in_child_jvms_with_startup_and_transfer_recorded() throws Exception {
        int tasks = 6;
        Recorder rec = Recorder.start("processes");
        Strategy.processes(2, 1024).run(Work.ofClass(PidWork.class), tasks, rec);
        Trace t = rec.stop();
        Set<String> pids = new HashSet<>();
        for (int i = 0; i < tasks; i++) pids.add(Files.readString(PidWork.dir().resolve(i + ".pid")));
        assertFalse(pids.contains(Long.toString(ProcessHandle.current().pid())), "ran in this JVM");
        assertTrue(pids.size() >= 1 && pids.size() <= 2, "pids " + pids);
        assertEquals(2, t.spans().stream().filter(s -> s.task().equals("start-up") && s.taskId() == -1).count());
        assertEquals(tasks, Stats.of(t, 2).tasks());
        for (int i = 0; i < tasks; i++) {
            String label = "task " + i;
            assertEquals(3, t.spans().stream().filter(s -> s.task().equals(label)).count(), "transfer, compute, transfer");
        }
        assertTrue(t.spans().stream().map(Span::lane).allMatch(l -> l.startsWith("process-")));
    }

    @Test
    void library_workloads_travel_by_spec() throws Exception {
        Recorder rec = Recorder.start("cpu");
        Strategy.processes(1).run(Work.cpu(Sizes.zipf(java.time.Duration.ofMillis(1), 3, 1.0, 5)), 3, rec);
        assertEquals(3, rec.stop().spans().stream().filter(s -> s.state() == SpanState.RUNNING).count());
        Work w = Work.sleep(java.time.Duration.ofMillis(3));
        assertEquals(w.spec(), Work.parse(w.spec()).spec());
    }

    @Test
    void a_crashing_worker_is_reported_and_the_others_finish_the_work() throws Exception {
        Files.createDirectories(PidWork.dir());
        Files.writeString(PidWork.dir().resolve("crash"), "yes");
        Recorder rec = Recorder.start("crash");
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> Strategy.processes(2).run(Work.ofClass(PidWork.class), 6, rec));
        String msg = e.getCause().getMessage();
        assertTrue(msg.contains("exit code 3") && msg.contains("task 1"), msg);
        for (int i = 0; i < 6; i++) assertTrue(Files.exists(PidWork.dir().resolve(i + ".pid")), "task " + i + " ran");
        assertEquals(0, e.getSuppressed().length, "only the crash is a failure");
    }

    @Test
    void a_lambda_or_hidden_class_is_refused_with_a_clear_error() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Strategy.processes(1).run(Work.named("mine", i -> {}), 1, Recorder.start("x")));
        assertTrue(e.getMessage().contains("notebook cell"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Strategy.processes(1).withGil());
        assertThrows(IllegalStateException.class, () -> Work.parse("exit;1").run(0), "exit work never runs in this JVM");
    }
}
