package conclab.spi;

import java.util.List;
import java.util.Objects;

/**
 * Magics called from code: {@code lineMagic("maven", List.of("g:a:v"))} and
 * {@code cellMagic("loadFromPOM", List.of(), xml)} ({@link conclab.Lab#lineMagic}, {@link conclab.Lab#cellMagic}),
 * which is also what a magic inside a cell's code becomes ({@code List<String> added = %jars lib/*.jar}), as in
 * IJava. The kernel installs the runner that knows its magics; elsewhere (plain JShell, plain Java) the plain
 * runner serves {@code maven} and its aliases through {@code conclab.kernel.maven.PlainMaven} when the jar holds
 * it, and refuses the others with a message saying they need the kernel.
 */
public final class MagicCalls {

    /** Runs magics by name. Implementations are thread-safe. */
    public interface Runner {
        /**
         * Runs line magic {@code name} with {@code args}; returns its value (e.g. the jars {@code %jars} added)
         * or null.
         *
         * @throws RuntimeException when the magic fails, with its message
         */
        Object line(String name, List<String> args);

        /** As {@link #line}, for cell magic {@code name} with the cell's {@code body}. */
        Object cell(String name, List<String> args, String body);
    }

    /* Written by install (a volatile write publishes the runner), read by any thread. */
    private static volatile Runner current = new Plain();

    private MagicCalls() {}

    /** The runner of this JVM. */
    public static Runner current() {
        return current;
    }

    /** Installs the kernel's runner (once, at start-up). */
    public static void install(Runner runner) {
        current = Objects.requireNonNull(runner, "runner");
    }

    /** A magic that failed: {@code kind} names the failure ({@code NetworkError}, {@code UsageError}…). */
    public static final class MagicFailed extends RuntimeException {
        private final String kind;

        public MagicFailed(String kind, String message) {
            super(kind + ": " + message, null, false, false);
            this.kind = kind;
        }

        /** What kind of failure: {@code ArtifactNotFound}, {@code NetworkError}, {@code UsageError}… */
        public String kind() {
            return kind;
        }
    }

    /** Outside the kernel: {@code maven} and its aliases through the jar's plain JShell helper, nothing else. */
    private static final class Plain implements Runner {
        @Override
        public Object line(String name, List<String> args) {
            if (List.of("maven", "addMavenDependency", "addMavenDependencies").contains(name)) {
                try {
                    Class<?> c = Class.forName("conclab.kernel.maven.PlainMaven");
                    return c.getMethod("add", List.class).invoke(null, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    throw new IllegalStateException(e.getCause());
                } catch (ReflectiveOperationException e) {
                    throw new UnsupportedOperationException("%" + name + " needs the lab's jar (target/conclab.jar) on the class path");
                }
            }
            throw new UnsupportedOperationException("%" + name + " runs in the Concurrency Lab kernel; here (plain JShell "
                    + "or Java) only maven(\"group:artifact:version\") is available");
        }

        @Override
        public Object cell(String name, List<String> args, String body) {
            throw new UnsupportedOperationException("%%" + name + " runs in the Concurrency Lab kernel");
        }
    }
}
