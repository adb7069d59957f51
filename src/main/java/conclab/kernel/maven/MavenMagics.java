package conclab.kernel.maven;

import conclab.kernel.cell.CellContext;
import conclab.kernel.exec.Evaluator;
import conclab.kernel.exec.Outcome;
import conclab.spi.Hosts;
import conclab.spi.Mime;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.transfer.ArtifactTransferException;
import org.eclipse.aether.transfer.ChecksumFailureException;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.version.GenericVersionScheme;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The library magics, with IJava's names: {@code %maven} (also {@code %addMavenDependency},
 * {@code %addMavenDependencies}), {@code %mavenRepo} ({@code %addMavenRepo}), {@code %jars},
 * {@code %%loadFromPOM} and {@code %loadFromPOM PATH}. Jars go to JShell's class path, usable from the
 * next cell; a jar added twice is added once.
 *
 * <p>The kernel's own libraries are relocated in its jar ({@code conclab.shaded.*}), so a user's Gson,
 * JeroMQ, SLF4J or Maven Resolver never meets the kernel's. XChart and HdrHistogram are part of the cell
 * API and stay: another version of them is not added, with a notice.
 *
 * <p>Thread safety: its methods are {@code synchronized}: they run on the shell thread (a magic a cell starts
 * with) or on a cell's thread ({@code lineMagic(...)}, a magic inside a cell's code), where the shell thread waits
 * for the cell, so JShell is not compiling while a jar is added.
 */
public final class MavenMagics {

    /** Artifacts the cell API is built on: the kernel's version wins over one a user asks for. */
    private static final Map<String, String> CELL_API = Map.of(
            "org.knowm.xchart:xchart", "XChart",
            "org.hdrhistogram:HdrHistogram", "HdrHistogram");

    private final Supplier<?> session;                              // the JShell session jars go to
    private final java.util.function.BiConsumer<Object, String> classPath;   // adds a jar to that session
    private MavenResolver resolver;            // built on first use
    private Object addedTo;                    // the session the sets below describe (carryOver() after a %reset)
    private final Set<String> added = new LinkedHashSet<>();   // in class-path order (a %reset adds them again so)
    private final Map<String, String> done = new HashMap<>();
    private final Map<String, List<String>> doneJars = new HashMap<>();   // the jars of each entry of done

    public MavenMagics(Supplier<Evaluator> evaluator) {
        this(evaluator, (ev, jar) -> ((Evaluator) ev).jshell().addToClasspath(jar));
    }

    /**
     * Magics whose jars go to {@code session}'s class path through {@code classPath} (plain JShell:
     * {@link PlainMaven}); a new session starts with nothing added unless {@link #carryOver} gives it what the
     * previous one had ({@code %reset} does).
     */
    MavenMagics(Supplier<?> session, java.util.function.BiConsumer<Object, String> classPath) {
        this.session = session;
        this.classPath = classPath;
    }

    private MavenResolver resolver() {
        if (resolver == null) resolver = new MavenResolver();
        return resolver;
    }

    /** {@code %maven [--offline] COORDINATES...}: g:a:v, g:a:ext:v or g:a:ext:classifier:v. */
    public synchronized Outcome maven(String args, CellContext ctx) {
        List<Dependency> deps = new ArrayList<>();
        String bad = coordinates(args, deps);
        if (bad != null) return usage("%maven", bad);
        boolean offline = offline(args);
        String what = String.join(" ", deps.stream().map(d -> coords(d.getArtifact())).toList());
        return resolveAndAdd(what, deps, List.of(), List.of(), offline, ctx);
    }

    /** Whether {@code %maven}'s arguments ask for an offline resolution. */
    static boolean offline(String args) {
        for (String word : args.strip().split("[\\s,]+")) if (word.equals("--offline") || word.equals("-o")) return true;
        return false;
    }

    /** Parses {@code %maven}'s arguments into {@code deps}; returns what is wrong with them, or null. */
    static String coordinates(String args, List<Dependency> deps) {
        for (String word : args.strip().split("[\\s,]+")) {
            if (word.isEmpty() || word.equals("--offline") || word.equals("-o")) continue;
            try {
                deps.add(new Dependency(new DefaultArtifact(word), JavaScopes.COMPILE));
            } catch (IllegalArgumentException e) {
                return "'" + word + "' is not group:artifact:version (or group:artifact:extension[:classifier]:version)";
            }
        }
        return deps.isEmpty() ? "%maven group:artifact:version [more…] [--offline]" : null;
    }

    /** The URL {@code %mavenRepo} uses for {@code url}: a path becomes a file: URL. */
    static String repositoryUrl(String url) {
        return url.contains("://") ? url : Path.of(url).toAbsolutePath().toUri().toString();
    }

    /**
     * {@code %mavenRepo ID URL}: a remote repository searched after Maven Central (a path or file: URL too);
     * {@code %mavenRepo --remove ID} takes one away (Maven Central too).
     */
    public synchronized Outcome mavenRepo(String args) {
        String[] w = args.strip().split("\\s+");
        if (w.length == 2 && w[0].equals("--remove")) {
            return resolver().removeRepository(w[1]) ? print("Maven repository " + w[1] + " removed")
                    : failed("UsageError", "no Maven repository " + w[1] + "; there are "
                    + String.join(", ", resolver().repositories().stream().map(RemoteRepository::getId).toList()));
        }
        if (w.length != 2) return usage("%mavenRepo", "%mavenRepo ID URL, or %mavenRepo --remove ID");
        String url = repositoryUrl(w[1]);
        resolver().addRepository(w[0], url);
        return print("Maven repository " + w[0] + " = " + url + " (searched after "
                + String.join(", ", resolver().repositories().stream().map(RemoteRepository::getId)
                .filter(id -> !id.equals(w[0])).toList()) + ")");
    }

    /** {@code %jars GLOB...}: adds the jars matching each glob ({@code lib/*.jar}, {@code libs/**.jar}). */
    public synchronized Outcome jars(String args) {
        List<Path> found = new ArrayList<>();
        for (String glob : args.strip().split("\\s+")) {
            if (glob.isEmpty()) continue;
            List<Path> matches = glob(glob);
            if (matches.isEmpty()) return failed("ClasspathError", t("maven.jars.no_match", glob));
            found.addAll(matches);
        }
        if (found.isEmpty()) return usage("%jars", "%jars GLOB...");
        int n = 0;
        for (Path p : found) if (add(p)) n++;
        print(t(n == 1 ? "maven.jars.added.one" : "maven.jars.added.many", n) + (n < found.size() ? t("maven.jars.already", found.size() - n) : "")
                + (n > 0 ? ":\n  " + String.join("\n  ", found.stream().map(Path::toString).toList()) : ""));
        return new Outcome.Ok(false, found.stream().map(Path::toString).toList());   // the value of List<String> added = %jars …
    }

    /**
     * The files {@code glob} matches ({@code lib/*.jar}, {@code libs/**.jar}, or a plain path), sorted; a
     * directory it names or matches stands for the jars directly in it, as in IJava's {@code %jars}.
     */
    public static List<Path> glob(String glob) {
        Path whole = Path.of(glob).toAbsolutePath().normalize();
        Path base = whole.getRoot();
        for (Path part : whole) {
            if (part.toString().matches(".*[*?\\[{].*")) break;
            base = base.resolve(part);
        }
        if (base.equals(whole)) {
            return Files.isRegularFile(whole) ? List.of(whole) : Files.isDirectory(whole) ? jarsIn(whole) : List.of();
        }
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + whole);
        try (Stream<Path> s = Files.walk(base)) {
            return s.filter(m::matches).flatMap(p -> Files.isDirectory(p) ? jarsIn(p).stream()
                    : Files.isRegularFile(p) ? Stream.of(p) : Stream.empty()).distinct().sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether {@code path} is a glob rather than a plain path. */
    public static boolean isGlob(String path) {
        return path.matches(".*[*?\\[{].*");
    }

    private static List<Path> jarsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * {@code %loadFromPOM PATH [SCOPE...] [--offline]}: the dependencies of a POM file in those scopes (by
     * default {@link MavenResolver#DEFAULT_SCOPES}, as IJava).
     */
    public synchronized Outcome loadFromPomFile(String args, CellContext ctx) {
        String[] w = args.strip().split("\\s+");
        if (w.length == 0 || w[0].isEmpty()) return usage("%loadFromPOM", t("maven.pom.usage"));
        List<String> scopes = new ArrayList<>();
        String bad = scopes(List.of(w).subList(1, w.length), scopes);
        if (bad != null) return usage("%loadFromPOM", bad);
        Path p = Path.of(w[0]).toAbsolutePath();
        try {
            return loadFromPom(Files.readString(p), scopes, offline(args), ctx);
        } catch (IOException e) {
            return failed("LoadError", "cannot read " + p + ": " + e.getMessage());
        }
    }

    /**
     * {@code %%loadFromPOM [SCOPE...] [--offline]}: a cell of {@code <dependency>}/{@code <repository>}
     * elements, or a whole POM; its dependencies in those scopes.
     */
    public synchronized Outcome loadFromPomCell(String args, String body, CellContext ctx) {
        List<String> scopes = new ArrayList<>();
        String bad = scopes(List.of(args.strip().split("\\s+")), scopes);
        if (bad != null) return usage("%%loadFromPOM", bad);
        return loadFromPom(body, scopes, offline(args), ctx);
    }

    /**
     * The Maven scopes named in {@code words} (case aside; {@code --offline} and {@code -o} skipped) into
     * {@code scopes}, or {@link MavenResolver#DEFAULT_SCOPES} when none is named; returns what is wrong, or null.
     */
    static String scopes(List<String> words, List<String> scopes) {
        for (String word : words) {
            for (String w : word.split(",")) {
                if (w.isEmpty() || w.equals("--offline") || w.equals("-o")) continue;
                String scope = w.toLowerCase(Locale.ROOT);
                if (!MavenResolver.SCOPES.contains(scope)) {
                    return t("maven.scope.unknown", w, String.join(", ", MavenResolver.SCOPES),
                            String.join(", ", MavenResolver.DEFAULT_SCOPES));
                }
                if (!scopes.contains(scope)) scopes.add(scope);
            }
        }
        if (scopes.isEmpty()) scopes.addAll(MavenResolver.DEFAULT_SCOPES);
        return null;
    }

    private Outcome loadFromPom(String xml, List<String> scopes, boolean offline, CellContext ctx) {
        Path pom;
        try {
            pom = Files.createTempFile("conclab-cell-", ".pom");
            Files.writeString(pom, asPom(xml));
        } catch (Exception e) {
            return failed("PomError", "not a POM, nor <dependency>/<repository> elements: " + e.getMessage());
        }
        try {
            Progress progress = new Progress("the POM's dependencies");
            MavenResolver.PomContents contents;
            try {
                contents = interruptible(ctx, progress, () -> resolver().readPom(pom, offline, progress));
            } catch (Stopped e) {
                return e.outcome;
            } catch (Exception e) {
                progress.done(t("maven.pom.unreadable"));
                return problem(e, offline);
            }
            if (contents.dependencies().isEmpty()) {
                progress.done(t("maven.pom.none"));
                return new Outcome.Ok(false, null);
            }
            String what = String.join(" ", contents.dependencies().stream().map(d -> coords(d.getArtifact())
                    + (d.getScope().isEmpty() || d.getScope().equals(JavaScopes.COMPILE) ? "" : " (" + d.getScope() + ")")).toList());
            if (!scopes.equals(MavenResolver.DEFAULT_SCOPES)) what += " " + t("maven.pom.scopes", String.join(", ", scopes));
            return resolveAndAdd(what, contents.dependencies(), contents.managed(), contents.repositories(), scopes, offline, progress, ctx);
        } finally {
            try { Files.deleteIfExists(pom); } catch (IOException ignored) { }
        }
    }

    /** The text as a POM: kept when it is one, else its elements placed where a POM has them. */
    static String asPom(String xml) throws Exception {
        String text = xml.strip();
        if (text.startsWith("<?xml")) text = text.substring(text.indexOf("?>") + 2).strip();
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        Document doc = f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new StringReader("<cell>" + text + "</cell>")));
        Element cell = doc.getDocumentElement();
        for (Node n = cell.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("project")) return text;
        }
        Document pom = f.newDocumentBuilder().newDocument();
        Element project = pom.createElement("project");
        pom.appendChild(project);
        for (String[] kv : new String[][] {{"modelVersion", "4.0.0"}, {"groupId", "conclab.cell"}, {"artifactId", "cell"}, {"version", "1"}}) {
            Element e = pom.createElement(kv[0]);
            e.setTextContent(kv[1]);
            project.appendChild(e);
        }
        Map<String, Element> sections = new HashMap<>();
        for (Node n = cell.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e)) continue;
            String section = switch (e.getTagName()) {
                case "dependency" -> "dependencies";
                case "repository" -> "repositories";
                default -> null;
            };
            Node copy = pom.importNode(e, true);
            if (section == null) {
                project.appendChild(copy);
            } else {
                sections.computeIfAbsent(section, s -> (Element) project.appendChild(pom.createElement(s))).appendChild(copy);
            }
        }
        var t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        var out = new java.io.StringWriter();
        t.transform(new DOMSource(pom), new StreamResult(out));
        return out.toString();
    }

    private Outcome resolveAndAdd(String what, List<Dependency> deps, List<Dependency> managed,
                                  List<RemoteRepository> extra, boolean offline, CellContext ctx) {
        List<String> scopes = MavenResolver.DEFAULT_SCOPES;
        String key = key(deps, managed, extra, scopes, offline);
        if (session.get() == addedTo && done.containsKey(key)) {
            System.out.println(t("maven.already", what, done.get(key)));
            return new Outcome.Ok(false, doneJars.get(key));
        }
        return resolveAndAdd(what, deps, managed, extra, scopes, offline, new Progress(what), ctx);
    }

    /** Thrown by {@link #interruptible} when the cell was interrupted: the outcome to report. */
    private static final class Stopped extends Exception {
        final Outcome outcome;
        Stopped(Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    /**
     * Runs {@code work} on a thread of its own and waits for it, or for an interrupt of the cell: then the
     * cell ends at once (as a KeyboardInterrupt) and {@code work} is left to finish in the background; a
     * download in flight ends in the local repository, its result is dropped, and nothing is added to the
     * class path (only the shell thread touches JShell).
     */
    private static <T> T interruptible(CellContext ctx, Progress progress, java.util.concurrent.Callable<T> work)
            throws Exception {
        var task = new java.util.concurrent.FutureTask<>(work);
        Thread t = Thread.ofPlatform().daemon(true).name("conclab-maven").start(task);
        while (true) {
            try {
                return task.get(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (ctx != null && ctx.stopRequested()) {
                    t.interrupt();
                    progress.stopped();
                    String msg = "resolution stopped; a download in flight finishes in the background, nothing was added";
                    throw new Stopped(new Outcome.Interrupted(msg, List.of("\u001b[1;31mKeyboardInterrupt\u001b[0m: " + msg), null));
                }
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception x) throw x;
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            }
        }
    }

    private String key(List<Dependency> deps, List<Dependency> managed, List<RemoteRepository> extra,
                       List<String> scopes, boolean offline) {
        return deps + "|" + managed + "|" + extra + "|" + resolver().repositories() + "|" + scopes + "|" + offline;
    }

    private Outcome resolveAndAdd(String what, List<Dependency> deps, List<Dependency> managed,
                                  List<RemoteRepository> extra, List<String> scopes, boolean offline, Progress progress,
                                  CellContext ctx) {
        MavenResolver r = resolver();
        MavenResolver.Resolution res;
        try {
            res = interruptible(ctx, progress, () -> r.resolve(deps, managed, extra, scopes, offline, progress, null));
        } catch (Stopped e) {
            return e.outcome;
        } catch (Exception e) {
            progress.done(conclab.text.Messages.get("maven.failed_after", conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", progress.seconds()), "s")));
            return problem(e, offline);
        }
        List<String> notices = new ArrayList<>();
        int newJars = 0, jars = 0;
        List<String> jarPaths = new ArrayList<>();
        for (Artifact a : res.artifacts()) {
            if (a.getFile() == null || !"jar".equals(a.getExtension())) continue;
            String ga = a.getGroupId() + ":" + a.getArtifactId();
            if (CELL_API.containsKey(ga)) {
                notices.add(t("maven.cell_api", ga + ":" + a.getVersion(), CELL_API.get(ga)));
                continue;
            }
            jars++;
            jarPaths.add(a.getFile().toPath().toAbsolutePath().toString());
            if (add(a.getFile().toPath())) newJars++;
        }
        String fetched = progress.files() == 0 ? conclab.text.Messages.get("maven.all_local", String.valueOf(res.localRepository()))
                : conclab.text.Messages.get("maven.downloaded", Progress.files(progress.files()), Progress.size(progress.bytes()));
        String summary = conclab.text.Messages.get(res.artifacts().size() == 1 ? "maven.summary.one" : "maven.summary.many",
                String.valueOf(res.artifacts().size()), fetched,
                conclab.text.Messages.unit(conclab.text.Messages.format("%.1f", progress.seconds()), "s"));
        progress.done(conclab.text.Messages.get("maven.resolved", what, summary));
        List<String> tree = new ArrayList<>();
        Set<String> resolved = new HashSet<>();   // what the scopes kept: the tree shows these (and the losers)
        for (Artifact a : res.artifacts()) resolved.add(coords(a));
        for (DependencyNode child : res.root().getChildren()) if (shown(child, resolved)) tree(child, "", true, tree, 0, resolved);
        String added = newJars == jars ? t(jars == 1 ? "maven.added.one" : "maven.added.many", jars)
                : t(newJars == 1 ? "maven.added.one" : "maven.added.many", newJars) + t("maven.added.already", jars - newJars);
        String treeText = String.join("\n", tree);
        if (tree.size() > 12) {
            String html = "<details><summary>" + conclab.trace.Html.escape(t("maven.tree", res.artifacts().size())) + "</summary><pre>"
                    + conclab.trace.Html.escape(treeText) + "</pre></details>";
            Hosts.current().display(Mime.of("text/html", html, treeText));
        } else {
            System.out.println(treeText);
        }
        for (String n : notices) System.out.println(t("maven.notice", n));
        System.out.println(t("maven.import_next", added));
        addedTo = session.get();
        done.put(key(deps, managed, extra, scopes, offline), t(jars == 1 ? "maven.earlier.one" : "maven.earlier.many", jars));
        doneJars.put(key(deps, managed, extra, scopes, offline), List.copyOf(jarPaths));
        return new Outcome.Ok(false, List.copyOf(jarPaths));
    }

    /**
     * The lines of {@code node}'s tree: each artifact with its version, its scope when not compile, the size of
     * its file, and the version that beat it when it lost; artifacts the scopes left out are not shown.
     */
    private static void tree(DependencyNode node, String indent, boolean last, List<String> out, int depth, Set<String> resolved) {
        Artifact a = node.getArtifact();
        Dependency d = node.getDependency();
        String scope = d == null || d.getScope().isEmpty() || d.getScope().equals(JavaScopes.COMPILE) ? "" : " (" + d.getScope() + ")";
        String premanaged = node.getData().get("premanaged.version") instanceof String pv && !pv.equals(a.getVersion())
                ? " (managed from " + pv + ")" : "";
        String lost = node.getData().get(org.eclipse.aether.util.graph.transformer.ConflictResolver.NODE_DATA_WINNER)
                instanceof DependencyNode winner && winner.getArtifact() != null
                ? " (omitted: " + winner.getArtifact().getVersion() + " is nearer and wins)" : "";
        String size = "";
        if (a.getFile() != null && lost.isEmpty()) {
            try {
                size = " [" + Progress.size(Files.size(a.getFile().toPath())) + "]";
            } catch (IOException ignored) {
                // a file that went away since: no size
            }
        }
        out.add(indent + (depth == 0 ? "" : last ? "└─ " : "├─ ") + a.getGroupId() + ":" + a.getArtifactId() + ":"
                + (a.getClassifier().isEmpty() ? "" : a.getClassifier() + ":") + a.getVersion() + scope + premanaged + lost + size);
        // a dependency met again in the same version is left out, as Maven's tree does; another version is kept;
        // one the scopes left out is not shown
        List<DependencyNode> kids = node.getChildren().stream().filter(k -> !(k.getData().get(
                org.eclipse.aether.util.graph.transformer.ConflictResolver.NODE_DATA_WINNER) instanceof DependencyNode w
                && w.getArtifact() != null && w.getArtifact().getVersion().equals(k.getArtifact().getVersion())))
                .filter(k -> shown(k, resolved)).toList();
        String next = depth == 0 ? "" : indent + (last ? "   " : "│  ");
        for (int i = 0; i < kids.size(); i++) tree(kids.get(i), depth == 0 ? "" : next, i == kids.size() - 1, out, depth + 1, resolved);
    }

    /** Whether the tree shows {@code node}: it was resolved, or it lost to another version (shown as omitted). */
    private static boolean shown(DependencyNode node, Set<String> resolved) {
        return node.getArtifact() != null && (resolved.contains(coords(node.getArtifact()))
                || node.getData().get(org.eclipse.aether.util.graph.transformer.ConflictResolver.NODE_DATA_WINNER) != null);
    }

    /** {@code %classpath ENTRY}: a jar or a directory on the class path, kept over a {@code %reset} as the others. */
    public synchronized void classpath(Path entry) {
        add(entry);
    }

    /**
     * After a {@code %reset} (a new JShell): puts every jar and directory added to the previous session on the
     * new one's class path, so the next cell imports them as before; returns how many.
     */
    public synchronized int carryOver() {
        Object ev = session.get();
        if (ev != addedTo) {
            for (String p : added) classPath.accept(ev, classPathSafe(Path.of(p)).toString());
            addedTo = ev;
        }
        return added.size();
    }

    private boolean add(Path jar) {
        Object ev = session.get();
        if (ev != addedTo) {
            added.clear();
            done.clear();
            doneJars.clear();
            addedTo = ev;
        }
        String p = jar.toAbsolutePath().toString();
        if (!added.add(p)) return false;
        classPath.accept(ev, classPathSafe(jar.toAbsolutePath()).toString());
        return true;
    }

    /**
     * {@code jar}, or a link to it in a temporary directory when its path holds the class path's separator
     * (a Linux directory named {@code C:}, as in IJava's {@code %jars C:/all/my/*.jar}), which a class path
     * would split in two.
     */
    private static Path classPathSafe(Path jar) {
        if (!jar.toString().contains(java.io.File.pathSeparator)) return jar;
        try {
            Path dir = Files.createTempDirectory("conclab-jar-");
            dir.toFile().deleteOnExit();
            Path link = Files.createSymbolicLink(dir.resolve(jar.getFileName().toString().replace(java.io.File.pathSeparator, "_")), jar);
            link.toFile().deleteOnExit();
            return link;
        } catch (IOException | UnsupportedOperationException e) {
            return jar;   // as it is: the class path gets what it gets, as for any other path
        }
    }

    // ------------------------------------------------------------------ errors

    /** A resolution failure said in the user's terms: which artifact, where it looked, what is close. */
    private Outcome problem(Exception e, boolean offline) {
        return problem(e, offline, resolver());
    }

    /** As {@link #problem(Exception, boolean)}, for a resolver of its own (also used by {@link Fetch}). */
    static Outcome problem(Exception e, boolean offline, MavenResolver r) {
        Throwable checksum = find(e, ChecksumFailureException.class);
        ArtifactTransferException transfer = find(e, ArtifactTransferException.class);
        String where = t("maven.where", String.join(", ", r.repositories().stream().map(x -> x.getId() + " (" + x.getUrl() + ")").toList()),
                r.localRepository());
        if (checksum != null) {
            ArtifactTransferException bad = findAll(e, ArtifactTransferException.class).stream()
                    .filter(x -> find(x, ChecksumFailureException.class) != null).findFirst().orElse(null);
            String which = bad != null ? t("maven.checksum.from", coords(bad.getArtifact()), bad.getRepository().getUrl()) : t("maven.checksum.a_file");
            return failed("ChecksumFailure", t("maven.checksum", which, checksum.getMessage()));
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        List<ArtifactTransferException> transfers = findAll(e, ArtifactTransferException.class);
        List<String> unreachable = new ArrayList<>();
        for (ArtifactTransferException x : transfers) {
            if (x.getRepository() instanceof RemoteRepository repo && (find(x, ConnectException.class) != null
                    || find(x, UnknownHostException.class) != null || find(x, java.net.SocketTimeoutException.class) != null
                    || find(x, java.net.NoRouteToHostException.class) != null)) {
                String u = repo.getId() + " (" + repo.getUrl() + ": " + rootCause(x) + ")";
                if (unreachable.stream().noneMatch(k -> k.startsWith(repo.getId() + " ("))) unreachable.add(u);   // once per repository
            }
        }
        if (transfer != null && !unreachable.isEmpty() && !(offline || r.settingsOffline())) {
            Artifact a = transfer.getArtifact();
            return failed("NetworkError", t("maven.unreachable", coords(a), r.localRepository(), String.join(", ", unreachable),
                    transfers.size() > unreachable.size() ? (conclab.text.Language.french() ? "\u00A0; " : "; ") + where : ""));
        }
        if (transfer != null) {
            Artifact a = transfer.getArtifact();
            boolean offlineNow = offline || r.settingsOffline() || message.contains("offline");
            if (offlineNow) {
                return failed("OfflineError", t("maven.offline", coords(a), r.localRepository(),
                        r.settingsOffline() ? t("maven.offline.settings") : " (--offline)"));
            }
            if (find(e, ConnectException.class) != null || find(e, UnknownHostException.class) != null
                    || find(e, java.net.http.HttpTimeoutException.class) != null || find(e, java.net.SocketTimeoutException.class) != null) {
                return failed("NetworkError", t("maven.no_network", transfer.getRepository().getUrl(), coords(a), r.localRepository(), rootCause(e)));
            }
            if (transfer instanceof ArtifactNotFoundException || message.contains("not found") || message.contains("Could not find")) {
                String close = closest(a, offline, r);
                return failed("ArtifactNotFound", t("maven.not_found", a.getGroupId() + ":" + a.getArtifactId() + ":" + a.getVersion(), where, close));
            }
        }
        return failed("ResolutionError", t("maven.resolution", message, where));
    }

    private static String closest(Artifact a, boolean offline, MavenResolver r) {
        List<String> versions = r.versions(a, offline);
        if (versions.isEmpty()) return " " + t("maven.no_version", a.getGroupId() + ":" + a.getArtifactId());
        var scheme = new GenericVersionScheme();
        int at = 0;
        try {
            org.eclipse.aether.version.Version wanted = scheme.parseVersion(a.getVersion());
            while (at < versions.size() && wanted.compareTo(scheme.parseVersion(versions.get(at))) > 0) at++;
        } catch (Exception ignored) {
            at = versions.size();
        }
        Set<String> near = new LinkedHashSet<>(versions.subList(Math.max(0, at - 3), Math.min(versions.size(), at + 3)));
        return " " + t("maven.closest", String.join(", ", near), versions.getLast());
    }

    /** A message of the bundles ({@link conclab.text.Messages#hint}): whole numbers as English wrote them. */
    private static String t(String key, Object... args) {
        return conclab.text.Messages.hint(key, args);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        List<T> all = findAll(t, type);
        return all.isEmpty() ? null : all.getFirst();
    }

    /** Every {@code type} in {@code t}'s causes, suppressed exceptions and resolver results, breadth first. */
    private static <T extends Throwable> List<T> findAll(Throwable t, Class<T> type) {
        List<T> found = new ArrayList<>();
        Set<Throwable> seen = new HashSet<>();
        List<Throwable> todo = new ArrayList<>(List.of(t));
        while (!todo.isEmpty()) {
            Throwable x = todo.removeFirst();
            if (x == null || !seen.add(x)) continue;
            if (type.isInstance(x)) found.add(type.cast(x));
            todo.add(x.getCause());
            todo.addAll(List.of(x.getSuppressed()));
            if (x instanceof DependencyResolutionException d && d.getResult() != null) {
                todo.addAll(d.getResult().getCollectExceptions());
                d.getResult().getArtifactResults().forEach(ar -> todo.addAll(ar.getExceptions()));
            }
            if (x instanceof ArtifactDescriptorException d && d.getResult() != null) todo.addAll(d.getResult().getExceptions());
            if (x instanceof org.eclipse.aether.collection.DependencyCollectionException d && d.getResult() != null) {
                todo.addAll(d.getResult().getExceptions());
            }
            if (x instanceof org.eclipse.aether.resolution.ArtifactResolutionException d && d.getResults() != null) {
                d.getResults().forEach(ar -> todo.addAll(ar.getExceptions()));
            }
        }
        return found;
    }

    /** group:artifact[:extension[:classifier]]:version, the extension only when it is not jar. */
    static String coords(Artifact a) {
        String ext = a.getExtension().equals("jar") && a.getClassifier().isEmpty() ? "" : ":" + a.getExtension();
        String cls = a.getClassifier().isEmpty() ? "" : ":" + a.getClassifier();
        return a.getGroupId() + ":" + a.getArtifactId() + ext + cls + ":" + a.getVersion();
    }

    private static String rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Outcome print(String text) {
        System.out.println(text);
        return new Outcome.Ok(false, null);
    }

    private static Outcome usage(String magic, String text) {
        return failed("UsageError", magic + ": " + text);
    }

    static Outcome failed(String ename, String message) {
        return new Outcome.Failed(ename, message, List.of("\u001b[1;31m" + ename + "\u001b[0m: " + message));
    }
}
