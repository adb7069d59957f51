package conclab.task;

import java.time.Duration;
import java.util.Objects;

/** A named workload with an optional spec (how a child JVM rebuilds it). Immutable. */
final class LibraryWork implements Work {

    private final String name;
    private final String spec;
    private final Work body;

    LibraryWork(String name, String spec, Work body) {
        this.name = Objects.requireNonNull(name);
        this.spec = spec;
        this.body = Objects.requireNonNull(body);
    }

    @Override public void run(int task) throws Exception { body.run(task); }
    @Override public String name() { return name; }
    @Override public String spec() { return spec; }
    @Override public String toString() { return name; }

    static Work ofClass(Class<? extends Work> type) {
        String why = unloadable(type);
        if (why != null) {
            throw new IllegalArgumentException(conclab.text.Messages.hint("arg.work_class_child", type.getName(), why));
        }
        Work w = instantiate(type.getName());
        return new LibraryWork(w.name().equals("work") ? type.getSimpleName() : w.name(), "class;" + type.getName(), w);
    }

    /** Why a child JVM on this class path could not load {@code type}, or null if it can. */
    static String unloadable(Class<?> type) {
        if (type.isHidden() || type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return "it is a lambda, anonymous or local class";
        }
        if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())) return "it is not public";
        try {
            Class<?> again = Class.forName(type.getName(), false, ClassLoader.getSystemClassLoader());
            if (again != type) return "it was not loaded from the class path";
        } catch (ClassNotFoundException | LinkageError e) {
            return "it is not on the class path (" + System.getProperty("java.class.path") + ")";
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            return "it has no public no-argument constructor";
        }
        return null;
    }

    private static Work instantiate(String className) {
        try {
            Class<?> c = Class.forName(className, true, ClassLoader.getSystemClassLoader());
            return (Work) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("cannot make work of class " + className, e);
        }
    }

    static Work parse(String spec) {
        String[] p = spec.split(";", 2);
        try {
            return switch (p[0]) {
                case "cpu" -> Work.cpu(Sizes.parse(p[1]));
                case "cpuTime" -> Work.cpuTime(Sizes.parse(p[1]));
                case "sleep" -> Work.sleep(Sizes.parse(p[1]));
                case "io" -> {
                    String[] q = p[1].split(";");
                    yield Work.io(Duration.ofNanos(Long.parseLong(q[0])), Integer.parseInt(q[1]));
                }
                case "file" -> Work.file(Integer.parseInt(p[1]));
                case "class" -> new LibraryWork(p[1], spec, instantiate(p[1]));
                case "exit" -> { // a crashing worker, for tests of the process strategy; refused outside a worker
                    int code = Integer.parseInt(p[1]);
                    yield new LibraryWork("exit", spec, task -> {
                        if (!ProcessWorker.inWorker()) throw new IllegalStateException("exit work runs only in a worker JVM");
                        Runtime.getRuntime().halt(code);
                    });
                }
                default -> throw new IllegalArgumentException("unknown workload: " + spec);
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("bad workload spec '" + spec + "'", e);
        }
    }
}
