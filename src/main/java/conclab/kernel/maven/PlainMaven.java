package conclab.kernel.maven;

import conclab.kernel.exec.Outcome;
import conclab.spi.MagicCalls;
import jdk.jshell.JShell;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code maven("g:a:v")} in plain JShell ({@code ./lab jshell}): the same resolution as {@code %maven}, the
 * jars added to JShell's class path as the kernel adds them ({@link JShell#addToClasspath}), so the next
 * snippet imports from them. {@code ./lab jshell} runs snippets in JShell's own JVM through
 * {@link JShellProvider}, which hands this class the session. In a JShell whose snippets run in another JVM
 * (plain {@code jshell --class-path conclab.jar}), the jars are resolved and the {@code /env} command that
 * adds them is printed instead.
 *
 * <p>Thread safety: {@link #add} is synchronized; the session is published through a volatile field.
 */
public final class PlainMaven {

    private static volatile JShell session;
    private static MavenMagics magics;                       // guarded by PlainMaven.class
    private static final List<String> unattached = new ArrayList<>();   // guarded by PlainMaven.class

    private PlainMaven() {}

    /** Called by {@link JShellProvider} when JShell starts its execution engine. */
    static void attach(JShell shell) {
        session = shell;
    }

    /**
     * Resolves {@code args} ({@code %maven}'s: coordinates, {@code --offline}) and adds the jars; returns them.
     *
     * @throws MagicCalls.MagicFailed when the resolution fails, saying why
     */
    public static synchronized List<String> add(List<String> args) {
        if (magics == null) {
            magics = new MavenMagics(() -> session == null ? PlainMaven.class : session, (s, jar) -> {
                if (s instanceof JShell js) js.addToClasspath(jar);
                else unattached.add(jar);
            });
        }
        unattached.clear();
        Outcome o = magics.maven(String.join(" ", args), null);
        if (o instanceof Outcome.Failed f) throw new MagicCalls.MagicFailed(f.ename(), f.evalue());
        if (!unattached.isEmpty()) {
            System.out.println("This JShell runs snippets in another JVM, which a snippet cannot extend (./lab jshell does not). "
                    + "Add the jars with:\n/env --class-path " + String.join(File.pathSeparator, unattached));
        }
        @SuppressWarnings("unchecked")
        List<String> jars = o instanceof Outcome.Ok ok && ok.value() instanceof List<?> l ? (List<String>) l : List.of();
        return jars;
    }
}
