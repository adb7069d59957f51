package conclab.kernel.maven;

import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.repository.WorkspaceReader;
import org.eclipse.aether.repository.WorkspaceRepository;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactDescriptorRequest;
import org.eclipse.aether.resolution.ArtifactDescriptorResult;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;
import org.eclipse.aether.resolution.VersionRangeRequest;
import org.eclipse.aether.resolution.VersionRangeResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.transfer.TransferListener;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.filter.ScopeDependencyFilter;
import org.eclipse.aether.util.graph.transformer.ConflictResolver;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;
import org.eclipse.aether.version.Version;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Resolves Maven coordinates the way Maven does, with Maven Resolver and Maven 3's POM reading: transitive,
 * nearest wins, scopes compile, runtime and system unless asked for others ({@code %loadFromPOM PATH test}), optional dependencies of dependencies left out, exclusions
 * and dependency management (BOM imports included) honoured. Nothing of the POM is read here by hand.
 *
 * <p>Where it looks: the remote repositories added with {@link #addRepository} after Maven Central, through
 * the mirrors, proxies and credentials of {@code ~/.m2/settings.xml} (passwords encrypted with
 * {@code mvn --encrypt-password} are decrypted with {@code ~/.m2/settings-security.xml}); the local repository is, first found,
 * the environment variable {@value #LOCAL_REPO_ENV}, the system property {@code maven.repo.local},
 * {@code <localRepository>} of the settings, {@code ~/.m2/repository}. Settings' {@code <offline>} makes
 * every resolution offline.
 *
 * <p>Thread safety: one resolution at a time (the kernel runs magics on its shell thread); the
 * repository list is guarded by this object's monitor. The repository system is built on first use (about
 * 100 ms), not at kernel start.
 */
public final class MavenResolver {

    /** Environment variable naming the local repository (tests point it at a temporary directory). */
    public static final String LOCAL_REPO_ENV = "CONCLAB_M2_REPO";

    /** Where a resolution looked and what it found: the tree, the jars in class-path order. */
    public record Resolution(DependencyNode root, List<Artifact> artifacts, String localRepository,
                             List<RemoteRepository> repositories) {}

    private final Settings settings;
    private final Path localRepository;
    private final Map<String, RemoteRepository> repositories = new LinkedHashMap<>();
    private RepositorySystem system;   // built on first use, shell thread only

    public MavenResolver() {
        this(Path.of(System.getProperty("user.home"), ".m2", "settings.xml"), System.getenv(LOCAL_REPO_ENV));
    }

    MavenResolver(Path userSettings, String localRepoOverride) {
        this.settings = readSettings(userSettings);
        String local = localRepoOverride != null && !localRepoOverride.isBlank() ? localRepoOverride
                : System.getProperty("maven.repo.local") != null ? System.getProperty("maven.repo.local")
                : settings.getLocalRepository() != null ? settings.getLocalRepository()
                : Path.of(System.getProperty("user.home"), ".m2", "repository").toString();
        this.localRepository = Path.of(local).toAbsolutePath();
        repositories.put("central", remote("central", "https://repo.maven.apache.org/maven2/"));
    }

    private static Settings readSettings(Path userSettings) {
        var request = new DefaultSettingsBuildingRequest();
        if (Files.isRegularFile(userSettings)) request.setUserSettingsFile(userSettings.toFile());
        String mavenHome = System.getenv("MAVEN_HOME");
        if (mavenHome != null) {
            File global = Path.of(mavenHome, "conf", "settings.xml").toFile();
            if (global.isFile()) request.setGlobalSettingsFile(global);
        }
        Properties sys = new Properties();
        sys.putAll(System.getProperties());
        System.getenv().forEach((k, v) -> sys.setProperty("env." + k, v));
        request.setSystemProperties(sys);
        Settings settings;
        try {
            settings = new DefaultSettingsBuilderFactory().newInstance().build(request).getEffectiveSettings();
        } catch (SettingsBuildingException e) {
            throw new IllegalStateException("cannot read Maven settings " + userSettings + ": " + e.getMessage(), e);
        }
        // passwords encrypted with mvn --encrypt-password, the master in settings-security.xml beside them
        String security = System.getProperty(DefaultSecDispatcher.SYSTEM_PROPERTY_SEC_LOCATION,
                userSettings.resolveSibling("settings-security.xml").toString());
        var decrypter = new DefaultSettingsDecrypter(new DefaultSecDispatcher(new DefaultPlexusCipher(), Map.of(), security));
        var decrypted = decrypter.decrypt(new DefaultSettingsDecryptionRequest(settings));
        settings.setServers(decrypted.getServers());
        settings.setProxies(decrypted.getProxies());
        return settings;
    }

    /** The effective settings, passwords decrypted. */
    Settings settings() {
        return settings;
    }

    private static RemoteRepository remote(String id, String url) {
        RepositoryPolicy policy = new RepositoryPolicy(true, RepositoryPolicy.UPDATE_POLICY_DAILY,
                RepositoryPolicy.CHECKSUM_POLICY_FAIL);
        return new RemoteRepository.Builder(id, "default", url).setPolicy(policy).build();
    }

    /** The local repository in use. */
    public Path localRepository() {
        return localRepository;
    }

    /** Whether settings.xml says offline. */
    public boolean settingsOffline() {
        return settings.isOffline();
    }

    /** Adds (or replaces, by id) a remote repository searched after the earlier ones. */
    public synchronized void addRepository(String id, String url) {
        repositories.put(id, remote(id, url));
    }

    /** Removes the remote repository {@code id}; false when there is none. */
    public synchronized boolean removeRepository(String id) {
        return repositories.remove(id) != null;
    }

    /** The remote repositories, in search order. */
    public synchronized List<RemoteRepository> repositories() {
        return List.copyOf(repositories.values());
    }

    private RepositorySystem system() {
        if (system == null) system = new RepositorySystemSupplier().get();
        return system;
    }

    private DefaultRepositorySystemSession session(boolean offline, TransferListener listener, WorkspaceReader workspace) {
        DefaultRepositorySystemSession s = MavenRepositorySystemUtils.newSession();
        s.setLocalRepositoryManager(system().newLocalRepositoryManager(s, new LocalRepository(localRepository.toFile())));
        s.setOffline(offline || settings.isOffline());
        s.setChecksumPolicy(RepositoryPolicy.CHECKSUM_POLICY_FAIL);
        s.setTransferListener(listener);
        if (workspace != null) s.setWorkspaceReader(workspace);
        Map<Object, Object> props = new LinkedHashMap<>(System.getProperties());
        s.setSystemProperties(props);
        s.setConfigProperties(props);
        // record the version a dependency had before dependency management changed it (shown in the tree)
        s.setConfigProperty(org.eclipse.aether.util.graph.manager.DependencyManagerUtils.CONFIG_PROP_VERBOSE, true);

        DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
        for (Mirror m : settings.getMirrors()) {
            mirrors.add(m.getId(), m.getUrl(), m.getLayout(), false, m.isBlocked(), m.getMirrorOf(), m.getMirrorOfLayouts());
        }
        s.setMirrorSelector(mirrors);
        DefaultProxySelector proxies = new DefaultProxySelector();
        for (Proxy p : settings.getProxies()) {
            if (!p.isActive()) continue;
            var auth = p.getUsername() == null ? null
                    : new AuthenticationBuilder().addUsername(p.getUsername()).addPassword(p.getPassword()).build();
            proxies.add(new org.eclipse.aether.repository.Proxy(p.getProtocol(), p.getHost(), p.getPort(), auth),
                    p.getNonProxyHosts());
        }
        s.setProxySelector(proxies);
        DefaultAuthenticationSelector auths = new DefaultAuthenticationSelector();
        for (Server srv : settings.getServers()) {
            auths.add(srv.getId(), new AuthenticationBuilder().addUsername(srv.getUsername())
                    .addPassword(srv.getPassword()).addPrivateKey(srv.getPrivateKey(), srv.getPassphrase()).build());
        }
        s.setAuthenticationSelector(auths);
        return s;
    }

    /** The repositories as the session sees them: mirrors, proxies and credentials applied. */
    private List<RemoteRepository> effective(RepositorySystemSession s, List<RemoteRepository> extra) {
        List<RemoteRepository> all = new ArrayList<>(repositories());
        all.addAll(extra);
        return system().newResolutionRepositories(s, all);
    }

    /** Maven's name of the scope of a BOM imported in {@code <dependencyManagement>} (no constant in Resolver). */
    static final String SCOPE_IMPORT = "import";

    /**
     * The scopes a resolution keeps unless told otherwise, IJava's default for {@code %loadFromPOM}: compile,
     * runtime, system and import (the last one only names the BOMs of {@code <dependencyManagement>}, which
     * the POM's reading always imports).
     */
    public static final List<String> DEFAULT_SCOPES = List.of(JavaScopes.COMPILE, JavaScopes.RUNTIME, JavaScopes.SYSTEM, SCOPE_IMPORT);

    /** Every scope a Maven dependency can have, in the order Maven's documentation lists them. */
    public static final List<String> SCOPES = List.of(JavaScopes.COMPILE, JavaScopes.PROVIDED, JavaScopes.RUNTIME,
            JavaScopes.TEST, JavaScopes.SYSTEM, SCOPE_IMPORT);

    /** Resolves {@code dependencies} transitively in the {@link #DEFAULT_SCOPES} under {@code managed}. */
    public Resolution resolve(List<Dependency> dependencies, List<Dependency> managed, List<RemoteRepository> extra,
                              boolean offline, TransferListener listener, WorkspaceReader workspace)
            throws DependencyResolutionException {
        return resolve(dependencies, managed, extra, DEFAULT_SCOPES, offline, listener, workspace);
    }

    /**
     * Resolves {@code dependencies} transitively under {@code managed}, keeping the artifacts whose scope (as
     * Maven derives it along the tree: a compile dependency of a test dependency is test) is one of
     * {@code scopes}, names of {@link #SCOPES}. A dependency declared without a scope is compile, as in Maven.
     *
     * @throws DependencyResolutionException what Maven Resolver says went wrong; see {@link Problems}
     */
    public Resolution resolve(List<Dependency> dependencies, List<Dependency> managed, List<RemoteRepository> extra,
                              java.util.Collection<String> scopes, boolean offline, TransferListener listener,
                              WorkspaceReader workspace)
            throws DependencyResolutionException {
        List<String> kept = new ArrayList<>(scopes);
        if (kept.contains(JavaScopes.COMPILE)) kept.add("");   // no <scope> is compile

        DefaultRepositorySystemSession s = session(offline, listener, workspace);
        List<RemoteRepository> repos = effective(s, extra);
        CollectRequest collect = new CollectRequest(dependencies, managed, repos);
        // the conflict resolver runs verbose (the tree shows which versions lost, and to what); losers are
        // only shown, never resolved
        s.setConfigProperty(ConflictResolver.CONFIG_PROP_VERBOSE, true);
        DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.andFilter(
                new ScopeDependencyFilter(kept, null),
                (node, parents) -> node.getData().get(ConflictResolver.NODE_DATA_WINNER) == null));
        DependencyResult result = system().resolveDependencies(s, request);
        List<Artifact> artifacts = new ArrayList<>();
        for (ArtifactResult r : result.getArtifactResults()) artifacts.add(r.getArtifact());
        return new Resolution(result.getRoot(), artifacts, localRepository.toString(), repos);
    }

    /** What a POM declares, read by Maven's model builder: properties, parents and BOM imports applied. */
    public record PomContents(List<Dependency> dependencies, List<Dependency> managed, List<RemoteRepository> repositories) {}

    /**
     * Reads the POM {@code pom} (a file of any name) as Maven reads a dependency's POM, with its parent and
     * imported BOMs fetched from the repositories.
     */
    public PomContents readPom(Path pom, boolean offline, TransferListener listener) throws ArtifactDescriptorException {
        Artifact self = new DefaultArtifact("conclab.cell", "pom-" + Long.toHexString(System.nanoTime()), "pom", "1");
        WorkspaceReader one = new WorkspaceReader() {
            final WorkspaceRepository repo = new WorkspaceRepository("cell");
            @Override public WorkspaceRepository getRepository() { return repo; }
            @Override public File findArtifact(Artifact a) {
                return a.getGroupId().equals(self.getGroupId()) && a.getArtifactId().equals(self.getArtifactId())
                        ? pom.toFile() : null;
            }
            @Override public List<String> findVersions(Artifact a) {
                return findArtifact(a) != null ? List.of(self.getVersion()) : List.of();
            }
        };
        DefaultRepositorySystemSession s = session(offline, listener, one);
        ArtifactDescriptorRequest request = new ArtifactDescriptorRequest(self, effective(s, List.of()), null);
        ArtifactDescriptorResult result = system().readArtifactDescriptor(s, request);
        if (!result.getExceptions().isEmpty()) {
            throw new ArtifactDescriptorException(result);
        }
        List<RemoteRepository> declared = new ArrayList<>(result.getRepositories());
        declared.removeIf(r -> repositories().stream().anyMatch(k -> k.getId().equals(r.getId())));
        return new PomContents(result.getDependencies(), result.getManagedDependencies(), declared);
    }

    /** The versions of {@code artifact} the repositories know (newest last), or empty when none answer. */
    public List<String> versions(Artifact artifact, boolean offline) {
        try {
            DefaultRepositorySystemSession s = session(offline, null, null);
            Artifact any = new DefaultArtifact(artifact.getGroupId(), artifact.getArtifactId(),
                    artifact.getClassifier(), artifact.getExtension(), "[0,)");
            VersionRangeResult r = system().resolveVersionRange(s, new VersionRangeRequest(any, effective(s, List.of()), null));
            List<String> out = new ArrayList<>();
            for (Version v : r.getVersions()) out.add(v.toString());
            return out;
        } catch (Exception e) {
            return Collections.emptyList();
        }
    }

    /**
     * For the ahead-of-time cache's training run: resolves a small graph (a parent POM, a BOM import, a
     * transitive dependency) from a file repository written in a temporary directory, and reads a POM, so
     * that the resolver's and the model builder's classes are loaded before the first {@code %maven}.
     * Measured: a first resolution from the local repository in a fresh JVM costs 2.3 s, a later one 0.4 s.
     */
    public static void train() throws Exception {
        Path dir = Files.createTempDirectory("conclab-train-m2");
        try {
            Path repo = dir.resolve("repo");
            String parent = "<parent><groupId>train</groupId><artifactId>parent</artifactId><version>1</version></parent>";
            trainPut(repo, "parent", "pom", "<packaging>pom</packaging><properties><v>1</v></properties>"
                    + "<dependencyManagement><dependencies><dependency><groupId>train</groupId><artifactId>bom</artifactId>"
                    + "<version>1</version><type>pom</type><scope>import</scope></dependency></dependencies></dependencyManagement>");
            trainPut(repo, "bom", "pom", "<packaging>pom</packaging><dependencyManagement><dependencies><dependency>"
                    + "<groupId>train</groupId><artifactId>leaf</artifactId><version>1</version></dependency>"
                    + "</dependencies></dependencyManagement>");
            trainPut(repo, "leaf", "jar", "");
            trainPut(repo, "top", "jar", parent + "<dependencies><dependency><groupId>train</groupId>"
                    + "<artifactId>leaf</artifactId></dependency><dependency><groupId>train</groupId><artifactId>opt</artifactId>"
                    + "<version>${v}</version><optional>true</optional></dependency></dependencies>");
            MavenResolver r = new MavenResolver(dir.resolve("no-settings.xml"), dir.resolve("local").toString());
            r.repositories.clear();
            r.addRepository("train", repo.toUri().toString());
            for (int i = 0; i < 3; i++) {
                r.resolve(List.of(new Dependency(new DefaultArtifact("train:top:" + (i == 0 ? "1" : "[1,2)")), JavaScopes.COMPILE)),
                        List.of(), List.of(), false, new org.eclipse.aether.transfer.AbstractTransferListener() {}, null);
            }
            Path pom = dir.resolve("cell.pom");
            Files.writeString(pom, "<project><modelVersion>4.0.0</modelVersion><groupId>c</groupId><artifactId>c</artifactId>"
                    + "<version>1</version><dependencies><dependency><groupId>train</groupId><artifactId>top</artifactId>"
                    + "<version>1</version></dependency></dependencies></project>");
            r.readPom(pom, false, null);
            r.versions(new DefaultArtifact("train:top:1"), false);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void trainPut(Path repo, String artifact, String packaging, String body) throws Exception {
        Path d = repo.resolve("train").resolve(artifact).resolve("1");
        Files.createDirectories(d);
        byte[] pom = ("<project><modelVersion>4.0.0</modelVersion><groupId>train</groupId><artifactId>" + artifact
                + "</artifactId><version>1</version>" + body + "</project>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        trainFile(d.resolve(artifact + "-1.pom"), pom);
        if (packaging.equals("jar")) {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var jar = new java.util.jar.JarOutputStream(bytes)) {
                jar.putNextEntry(new java.util.zip.ZipEntry("train.txt"));
            }
            trainFile(d.resolve(artifact + "-1.jar"), bytes.toByteArray());
        }
        Path meta = repo.resolve("train").resolve(artifact).resolve("maven-metadata.xml");
        trainFile(meta, ("<metadata><groupId>train</groupId><artifactId>" + artifact + "</artifactId><versioning>"
                + "<versions><version>1</version></versions></versioning></metadata>").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void trainFile(Path f, byte[] data) throws Exception {
        Files.write(f, data);
        Files.writeString(f.resolveSibling(f.getFileName() + ".sha1"),
                java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(data)));
    }
}
