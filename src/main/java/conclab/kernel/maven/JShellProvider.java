package conclab.kernel.maven;

import jdk.jshell.JShell;
import jdk.jshell.execution.LocalExecutionControlProvider;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.util.Map;

/**
 * JShell's execution engine for {@code ./lab jshell} ({@code jshell --execution conclab}): JShell's own local
 * engine (snippets run in the JShell tool's JVM, where the lab's jar is on the class path), which also hands the
 * JShell session to {@link PlainMaven}, so that {@code maven("g:a:v")} can add jars to its class path.
 *
 * <p>JShell gives an engine its session only as an {@link ExecutionEnv}, which JShell implements with an
 * inner class: the session is its enclosing instance, read by reflection ({@code ./lab jshell} opens
 * {@code jdk.jshell} for it). Without that, the engine still works and {@code maven(...)} prints the
 * {@code /env} command to run instead.
 */
public final class JShellProvider implements ExecutionControlProvider {

    @Override
    public String name() {
        return "conclab";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) throws Throwable {
        try {
            var outer = env.getClass().getDeclaredField("this$0");
            outer.setAccessible(true);
            if (outer.get(env) instanceof JShell shell) PlainMaven.attach(shell);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not opened (or another JDK's layout): maven(...) prints the /env command instead
        }
        return new LocalExecutionControlProvider().generate(env, parameters);
    }
}
