package conclab.task;

import java.nio.file.Files;
import java.nio.file.Path;

/** Test workload for child JVMs: writes its process id to {@code <tmp>/conclab-pidwork/<task>.pid}; halts with 3 on task 1 when told. */
public class PidWork implements Work {

    static Path dir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "conclab-pidwork");
    }

    @Override
    public void run(int task) throws Exception {
        Files.createDirectories(dir());
        Files.writeString(dir().resolve(task + ".pid"), Long.toString(ProcessHandle.current().pid()));
        if (task == 1 && Files.exists(dir().resolve("crash"))) Runtime.getRuntime().halt(3);
    }

    @Override
    public String name() {
        return "pid";
    }
}
