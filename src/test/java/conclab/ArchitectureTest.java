package conclab;

import conclab.trace.Html;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The layout of DESIGN.md, checked on the compiled classes of the shipped jar ({@code target/classes})
 * with the JDK's ClassFile API: no benchmark in the jar, no cycle between the library's packages and no
 * dependency of the library on the kernel, one HTML escaper. Each rule is also run once on a class made
 * here that breaks it, so the rules can fail.
 *
 * <p>Dependencies are read from the constant pool: class entries, and type names inside descriptors and
 * generic signatures. Packages are grouped by their first segment under {@code conclab}
 * ({@code conclab.chart.internal} counts as {@code chart}, {@code conclab.kernel.wire} as {@code kernel});
 * {@code conclab} itself is the front door, {@code Lab}.
 */
class ArchitectureTest {

    private static final String ESCAPER = Html.class.getName().replace('.', '/');
    private static final Set<String> LIBRARY = Set.of("Lab", "task", "sync", "trace", "chart", "spi", "widgets");
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L(conclab/[A-Za-z0-9_/$]+)[;<]");

    @Test
    void the_shipped_classes_have_no_benchmark() throws IOException {
        assertEquals(List.of(), benchmarks(shipped()), "benchmarks belong in src/bench, not in the jar");
    }

    @Test
    void the_packages_form_no_cycle() throws IOException {
        Map<String, Set<String>> deps = packageDependencies(shipped());
        assertTrue(deps.keySet().containsAll(Set.of("Lab", "task", "sync", "trace", "chart", "spi", "kernel")), deps.toString());
        assertEquals(List.of(), cycles(deps), "package dependencies: " + deps);
    }

    @Test
    void the_library_never_uses_the_kernel() throws IOException {
        Map<String, Set<String>> deps = packageDependencies(shipped());
        assertEquals(List.of(), libraryUsesOfTheKernel(deps), "package dependencies: " + deps);
    }

    @Test
    void only_the_escaper_escapes_html() throws IOException {
        assertEquals(List.of(), escapers(shipped()), "escape with " + Html.class.getName() + ".escape");
    }

    @Test
    void each_rule_fails_on_a_class_that_breaks_it() {
        ClassModel bench = made("conclab/kernel/RawJShellBench", null, null);
        ClassModel jmh = made("conclab/task/Timing", "org/openjdk/jmh/annotations/Benchmark", null);
        ClassModel syncUsesTask = made("conclab/sync/Demo", "conclab/task/Cpu", null);
        ClassModel taskUsesSync = made("conclab/task/Work", "conclab/sync/Gil", null);
        ClassModel chartUsesKernel = made("conclab/chart/Display", "conclab/kernel/Main", null);
        ClassModel ownEscaper = made("conclab/chart/Table", null, "&lt;");
        ClassModel escaper = made(ESCAPER, null, "&lt;");

        assertEquals(List.of("conclab/kernel/RawJShellBench", "conclab/task/Timing"),
                benchmarks(List.of(bench, jmh, syncUsesTask)));
        assertEquals(List.of(List.of("sync", "task", "sync")),
                cycles(packageDependencies(List.of(syncUsesTask, taskUsesSync))));
        assertEquals(List.of("chart -> kernel"), libraryUsesOfTheKernel(packageDependencies(List.of(chartUsesKernel))));
        assertEquals(List.of("conclab/chart/Table"), escapers(List.of(ownEscaper, escaper, bench)));
    }

    // ------------------------------------------------------------------ rules

    /** Classes that are benchmarks: named {@code *Bench}, in a {@code bench} package, or using JMH. */
    static List<String> benchmarks(List<ClassModel> classes) {
        List<String> found = new ArrayList<>();
        for (ClassModel c : classes) {
            String name = c.thisClass().asInternalName();
            String simple = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\$.*", "");
            boolean jmh = referencedTypes(c).stream().anyMatch(t -> t.startsWith("org/openjdk/jmh/"));
            if (simple.endsWith("Bench") || name.contains("/bench/") || jmh) found.add(name);
        }
        return found;
    }

    /** For each package group, the groups its classes use (itself excluded). */
    static Map<String, Set<String>> packageDependencies(List<ClassModel> classes) {
        Map<String, Set<String>> deps = new TreeMap<>();
        for (ClassModel c : classes) {
            String from = group(c.thisClass().asInternalName());
            Set<String> to = deps.computeIfAbsent(from, k -> new TreeSet<>());
            for (String t : referencedTypes(c)) {
                if (!t.startsWith("conclab/")) continue;
                String g = group(t);
                if (!g.equals(from)) to.add(g);
            }
        }
        return deps;
    }

    /** Each cycle once, as the groups along it, starting and ending at its least group. */
    static List<List<String>> cycles(Map<String, Set<String>> deps) {
        List<List<String>> found = new ArrayList<>();
        for (String start : deps.keySet()) findCycles(deps, start, new ArrayList<>(List.of(start)), found);
        return found;
    }

    private static void findCycles(Map<String, Set<String>> deps, String start, List<String> path, List<List<String>> found) {
        for (String next : deps.getOrDefault(path.getLast(), Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                found.add(cycle);
            } else if (next.compareTo(start) > 0 && !path.contains(next)) { // each cycle from its least group only
                path.add(next);
                findCycles(deps, start, path, found);
                path.removeLast();
            }
        }
    }

    /** Edges from a library group to the kernel. */
    static List<String> libraryUsesOfTheKernel(Map<String, Set<String>> deps) {
        List<String> found = new ArrayList<>();
        deps.forEach((from, to) -> {
            if (LIBRARY.contains(from) && to.contains("kernel")) found.add(from + " -> kernel");
        });
        return found;
    }

    /** Classes other than the escaper with a string constant holding {@code &lt;}. */
    static List<String> escapers(List<ClassModel> classes) {
        List<String> found = new ArrayList<>();
        for (ClassModel c : classes) {
            String name = c.thisClass().asInternalName();
            if (name.equals(ESCAPER)) continue;
            for (PoolEntry e : c.constantPool()) {
                if (e instanceof StringEntry s && s.stringValue().contains("&lt;")) {
                    found.add(name);
                    break;
                }
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ reading classes

    /** Every class of the shipped jar: the directory this test's view of {@link Html} was loaded from. */
    private static List<ClassModel> shipped() throws IOException {
        Path root;
        try {
            root = Path.of(Html.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        assertTrue(Files.isDirectory(root), "expected the compiled classes in a directory, got " + root);
        List<ClassModel> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                classes.add(ClassFile.of().parse(f));
            }
        }
        assertTrue(classes.size() > 50, "only " + classes.size() + " classes under " + root);
        return classes;
    }

    /** Internal names of the types a class refers to: class entries, and names inside descriptors and signatures. */
    private static Set<String> referencedTypes(ClassModel c) {
        Set<String> types = new TreeSet<>();
        for (PoolEntry e : c.constantPool()) {
            if (e instanceof ClassEntry ce) {
                String n = ce.asInternalName();
                types.add(n.startsWith("[") ? n.replaceAll("^\\[+L?|;$", "") : n);
            } else if (e instanceof Utf8Entry u) {
                Matcher m = TYPE_IN_DESCRIPTOR.matcher(u.stringValue());
                while (m.find()) types.add(m.group(1));
                if (u.stringValue().contains("Lorg/openjdk/jmh/")) types.add("org/openjdk/jmh/");
            }
        }
        return types;
    }

    private static String group(String internalName) {
        String[] parts = internalName.split("/");
        return parts.length <= 2 ? "Lab" : parts[1];
    }

    /** A class named {@code name} that refers to class {@code uses} and holds the string {@code constant}. */
    private static ClassModel made(String name, String uses, String constant) {
        byte[] bytes = ClassFile.of().build(ClassDesc.ofInternalName(name), cb -> cb.withMethodBody("m",
                MethodTypeDesc.of(ConstantDescs.CD_Object), ClassFile.ACC_STATIC | ClassFile.ACC_PUBLIC, code -> {
                    if (uses != null) code.ldc(ClassDesc.ofInternalName(uses));
                    else if (constant != null) code.ldc(constant);
                    else code.aconst_null();
                    code.areturn();
                }));
        return ClassFile.of().parse(bytes);
    }
}
