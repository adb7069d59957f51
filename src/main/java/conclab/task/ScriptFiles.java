package conclab.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Python scripts the library ships, copied to files an interpreter can run. */
final class ScriptFiles {

    private ScriptFiles() {}

    /**
     * Copies the library's resource {@code resource} to {@code fileName} in the library's temporary folder,
     * deleted when the JVM ends; callers hold the result in a class-holder so it happens once per JVM.
     */
    static Path extract(String resource, String fileName) {
        try (InputStream s = ScriptFiles.class.getResourceAsStream(resource)) {
            if (s == null) throw new IllegalStateException("the library lacks " + resource);
            Path f = Work.tempDir().resolve(fileName);
            try (OutputStream o = Files.newOutputStream(f)) {
                s.transferTo(o);
            }
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
