package conclab.kernel;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.instruction.InvokeInstruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One of each, checked over the compiled kernel classes with the JDK's ClassFile API: one class formats
 * exception tracebacks, one writes stream messages (so kernel notices have one way), one hands messages to
 * the iopub socket, and only the cell package touches the current-cell thread-local.
 */
class KernelArchitectureTest {

    private static final List<ClassModel> KERNEL = new ArrayList<>();

    @BeforeAll
    static void readClasses() throws IOException {
        Path root = Path.of(Kernel.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path kernel = root.resolve("conclab/kernel");
        assertTrue(Files.isDirectory(kernel), "compiled kernel classes expected under " + kernel);
        try (Stream<Path> files = Files.walk(kernel)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                KERNEL.add(ClassFile.of().parse(p));
            }
        }
        assertFalse(KERNEL.isEmpty());
    }

    /** Top-level class name (nested classes and lambdas count as their outer class), dotted. */
    private static String owner(ClassModel c) {
        String name = c.thisClass().asInternalName().replace('/', '.');
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    /** The classes that call {@code owner.method} (internal owner name). */
    private static Set<String> callers(String ownerInternal, Set<String> methods) {
        Set<String> out = new TreeSet<>();
        for (ClassModel c : KERNEL) {
            for (MethodModel m : c.methods()) {
                m.code().ifPresent(code -> code.forEach(e -> {
                    if (e instanceof InvokeInstruction i && i.owner().asInternalName().equals(ownerInternal)
                            && methods.contains(i.name().stringValue())) {
                        out.add(owner(c));
                    }
                }));
            }
        }
        return out;
    }

    @Test
    void onlyTheFormatterReadsAnExceptionsFrames() {
        // Log writes the kernel's own log (the server's terminal), never a cell's traceback
        assertEquals(Set.of("conclab.kernel.exec.Tracebacks", "conclab.kernel.Log"),
                callers("java/lang/Throwable", Set.of("getStackTrace", "printStackTrace")));
    }

    @Test
    void onlyTheOutputRouterWritesStreamMessages() {
        Set<String> out = new TreeSet<>();
        for (ClassModel c : KERNEL) {
            for (var e : c.constantPool()) {
                if (e instanceof StringEntry s && s.stringValue().equals("stream")) out.add(owner(c));
            }
        }
        assertEquals(Set.of("conclab.kernel.io.OutputRouter"), out,
                "cell output and kernel notices go through OutputRouter (notice, flush)");
    }

    @Test
    void onlyTheIopubPublisherHandsMessagesToTheIopubSocket() {
        assertEquals(Set.of("conclab.kernel.io.IopubPublisher"),
                callers("conclab/kernel/wire/Transport", Set.of("publish")));
    }

    @Test
    void theCurrentCellIsReachedThroughContexts() {
        Set<String> users = new TreeSet<>();
        for (ClassModel c : KERNEL) {
            for (MethodModel m : c.methods()) {
                m.code().ifPresent(code -> code.forEach(e -> {
                    if (e instanceof InvokeInstruction i
                            && i.owner().asInternalName().equals("java/lang/InheritableThreadLocal")) {
                        users.add(owner(c));
                    }
                }));
            }
        }
        assertEquals(Set.of("conclab.kernel.cell.Contexts"), users);
    }
}
