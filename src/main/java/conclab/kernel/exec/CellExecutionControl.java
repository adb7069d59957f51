package conclab.kernel.exec;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.CellThreads;
import conclab.kernel.cell.UnstoppableError;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs cell code in the kernel's JVM, the kernel's way:
 * <ul>
 *   <li>each snippet runs on a fresh platform thread of its cell's thread group, under its
 *       {@link CellContext} ({@link CellThreads#run}); the request completes when that thread returns,
 *       whatever threads the cell started (the JDK's {@code LocalExecutionControl} waits for the whole
 *       thread group instead);</li>
 *   <li>snippet classes are rewritten by {@link Instrumenter} (per-cell stop checks, no {@code System.exit});</li>
 *   <li>the raw result and the raw exception of the last invocation are kept, for rich display and
 *       error reports ({@link #lastValue()}, {@link #lastFailure()}).</li>
 * </ul>
 * Used by the shell thread only, one snippet at a time; {@link #stop(CellContext)} may be called
 * from the control thread.
 */
public final class CellExecutionControl extends DirectExecutionControl {

    /* The cell whose snippets run now; set by the shell thread before eval, read in invoke. */
    private volatile CellContext cell;
    /* Results of the last invoke; written by the cell thread before it ends, read by the shell thread
       after join (Thread.join happens-before). */
    private Object lastValue;
    private Throwable lastFailure;

    /** The provider JShell asks for its engine; it hands out this instance. */
    public ExecutionControlProvider provider() {
        CellExecutionControl self = this;
        return new ExecutionControlProvider() {
            @Override public String name() { return "conclab"; }
            @Override public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return self;
            }
        };
    }

    /** Sets the cell whose snippets are about to run. */
    public void enter(CellContext ctx) {
        this.cell = ctx;
        this.lastValue = null;
        this.lastFailure = null;
    }

    /** The raw value returned by the last snippet invocation, or null. */
    public Object lastValue() {
        return lastValue;
    }

    /** The raw exception of the last snippet invocation, or null. */
    public Throwable lastFailure() {
        return lastFailure;
    }

    /** Forgets the last value (so a large result can be collected). */
    public void clearLast() {
        lastValue = null;
        lastFailure = null;
    }

    /* Names of the classes loaded since the last takeLoaded(); shell thread only (JShell loads on the
       thread that evaluates). */
    private final java.util.List<String> loaded = new java.util.ArrayList<>();

    /** The classes JShell loaded since the last call, oldest first (new wrapper classes of updated snippets). */
    java.util.List<String> takeLoaded() {
        var names = java.util.List.copyOf(loaded);
        loaded.clear();
        return names;
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException,
            EngineTerminationException {
        for (ClassBytecodes c : cbcs) loaded.add(c.name());
        super.load(Stream.of(cbcs)
                .map(c -> new ClassBytecodes(c.name(), Instrumenter.instrument(c.bytecodes())))
                .toArray(ClassBytecodes[]::new));
    }

    /* Class of the last snippet invoked; shell thread only. */
    private String lastClass;

    @Override
    public String invoke(String className, String methodName) throws RunException, InternalException,
            EngineTerminationException {
        lastClass = className;
        return super.invoke(className, methodName);
    }

    void forgetClass() {
        lastClass = null;
    }

    /** The wrapper class of the last snippet invoked. */
    String lastClass() {
        return lastClass;
    }

    /** Sets static field {@code name} of snippet class {@code className} to null, so its value can be collected. */
    void clear(String className, String name) {
        clear(field(className, name));
    }

    /**
     * Static field {@code name} of snippet class {@code className}, accessible and already read once (so
     * that writing it later needs no new reflection machinery), or null when there is none.
     */
    java.lang.reflect.Field field(String className, String name) {
        try {
            var f = findClass(className).getDeclaredField(name);
            f.setAccessible(true);
            f.get(null);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;   // the class was redefined or never loaded: nothing is held
        }
    }

    /** Sets a variable's field to null (primitives stay), so its value can be collected. */
    static void clear(java.lang.reflect.Field f) {
        if (f == null || f.getType().isPrimitive()) return;
        try {
            f.set(null, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // final or gone: nothing more to free here
        }
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        CellContext ctx = cell;
        lastValue = null;
        lastFailure = null;
        CellThreads.Result r;
        try {
            r = CellThreads.run(ctx, () -> doit.invoke(null));
        } catch (UnstoppableError e) {
            lastFailure = e;
            throw new InvocationTargetException(e);
        }
        lastFailure = r.failure() instanceof InvocationTargetException e ? e.getCause() : r.failure();
        if (lastFailure != null) throw new InvocationTargetException(lastFailure);
        lastValue = r.value();
        return valueString(lastValue);
    }

    /** Stops {@code ctx} (see {@link CellThreads#stop}); may be called from the control thread. */
    public void stop(CellContext ctx) {
        CellThreads.stop(ctx);
    }

    @Override
    public void stop() {
        CellContext ctx = cell;
        if (ctx != null) stop(ctx);
    }
}
