package conclab.kernel.maven;

import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.*;

/** The resolver against a file repository, reached through a mirror of settings.xml. */
class MavenResolverTest {

    @TempDir Path dir;

    private void put(Path repo, String artifact, String version, String ext, byte[] data) throws Exception {
        Path d = repo.resolve("lab/unit/" + artifact + "/" + version);
        Files.createDirectories(d);
        String name = artifact + "-" + version + "." + ext;
        Files.write(d.resolve(name), data);
        Files.writeString(d.resolve(name + ".sha1"),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data)));
    }

    private static byte[] jar() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        try (var j = new JarOutputStream(out)) {
            j.putNextEntry(new ZipEntry("hello.txt"));
            j.write("hi".getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static byte[] pom(String artifact, String deps) {
        return ("<project><modelVersion>4.0.0</modelVersion><groupId>lab.unit</groupId><artifactId>" + artifact
                + "</artifactId><version>1</version><dependencies>" + deps + "</dependencies></project>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private Path settings(String body) throws Exception {
        Path s = dir.resolve("settings.xml");
        Files.writeString(s, "<settings>" + body + "</settings>");
        return s;
    }

    @Test
    void aMirrorOfCentralInSettingsServesTheResolution() throws Exception {
        Path repo = dir.resolve("mirror");
        put(repo, "top", "1", "pom", pom("top", "<dependency><groupId>lab.unit</groupId><artifactId>leaf</artifactId><version>1</version></dependency>"));
        put(repo, "top", "1", "jar", jar());
        put(repo, "leaf", "1", "pom", pom("leaf", ""));
        put(repo, "leaf", "1", "jar", jar());
        Path s = settings("<mirrors><mirror><id>m</id><mirrorOf>central</mirrorOf><url>" + repo.toUri()
                + "</url></mirror></mirrors>");
        MavenResolver r = new MavenResolver(s, dir.resolve("local").toString());
        var res = r.resolve(List.of(new Dependency(new DefaultArtifact("lab.unit:top:1"), "compile")), List.of(),
                List.of(), false, null, null);
        assertEquals(List.of("top", "leaf"), res.artifacts().stream().map(a -> a.getArtifactId()).toList());
        assertEquals("m", res.repositories().getFirst().getId());
        assertTrue(Files.isRegularFile(dir.resolve("local/lab/unit/leaf/1/leaf-1.jar")));
    }

    @Test
    void aProxyInSettingsCarriesTheDownloads() throws Exception {
        Path repo = dir.resolve("behind-proxy");
        put(repo, "top", "1", "pom", pom("top", ""));
        put(repo, "top", "1", "jar", jar());
        // a forward proxy on the loopback: it gets the absolute URL of a host that does not exist and serves the file
        var seen = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var proxy = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", x -> {
            seen.add(x.getRequestURI().toString());
            String path = x.getRequestURI().getPath();
            Path f = repo.resolve(path.startsWith("/maven2/") ? path.substring("/maven2/".length()) : "absent");
            byte[] body = Files.isRegularFile(f) ? Files.readAllBytes(f) : new byte[0];
            x.sendResponseHeaders(Files.isRegularFile(f) ? 200 : 404, body.length == 0 ? -1 : body.length);
            try (var out = x.getResponseBody()) { out.write(body); }
        });
        proxy.start();
        try {
            Path s = settings("<proxies><proxy><id>p</id><active>true</active><protocol>http</protocol><host>127.0.0.1</host>"
                    + "<port>" + proxy.getAddress().getPort() + "</port></proxy></proxies>");
            MavenResolver r = new MavenResolver(s, dir.resolve("local").toString());
            r.removeRepository("central");
            r.addRepository("far", "http://repo.invalid/maven2/");
            var res = r.resolve(List.of(new Dependency(new DefaultArtifact("lab.unit:top:1"), "compile")), List.of(),
                    List.of(), false, null, null);
            assertEquals(List.of("top"), res.artifacts().stream().map(a -> a.getArtifactId()).toList());
            assertTrue(seen.contains("http://repo.invalid/maven2/lab/unit/top/1/top-1.jar"), seen.toString());
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void theScopesAskedForAreTheOnesResolved() throws Exception {
        Path repo = dir.resolve("scoped");
        for (String a : List.of("main", "tested", "given", "later")) {
            put(repo, a, "1", "pom", pom(a, ""));
            put(repo, a, "1", "jar", jar());
        }
        MavenResolver r = new MavenResolver(dir.resolve("none.xml"), dir.resolve("local").toString());
        r.removeRepository("central");
        r.addRepository("scoped", repo.toUri().toString());
        List<Dependency> deps = List.of(new Dependency(new DefaultArtifact("lab.unit:main:1"), ""),
                new Dependency(new DefaultArtifact("lab.unit:tested:1"), "test"),
                new Dependency(new DefaultArtifact("lab.unit:given:1"), "provided"),
                new Dependency(new DefaultArtifact("lab.unit:later:1"), "runtime"));
        java.util.function.Function<List<String>, List<String>> names = scopes -> {
            try {
                return r.resolve(deps, List.of(), List.of(), scopes, false, null, null).artifacts().stream()
                        .map(a -> a.getArtifactId()).toList();
            } catch (DependencyResolutionException e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(List.of("main", "later"), names.apply(MavenResolver.DEFAULT_SCOPES));   // no <scope> is compile
        assertEquals(List.of("tested", "given"), names.apply(List.of("test", "provided")));
        assertEquals(List.of("later"), names.apply(List.of("runtime")));
    }

    @Test
    void scopeNamesAreMavensAndTheDefaultIsIJavas() {
        List<String> scopes = new java.util.ArrayList<>();
        assertNull(MavenMagics.scopes(List.of(), scopes));
        assertEquals(List.of("compile", "runtime", "system", "import"), scopes);
        scopes.clear();
        assertNull(MavenMagics.scopes(List.of("TEST,provided", "--offline", "test"), scopes));
        assertEquals(List.of("test", "provided"), scopes);
        String bad = MavenMagics.scopes(List.of("compile", "tests"), new java.util.ArrayList<>());
        assertTrue(bad != null && bad.startsWith("tests is not a Maven scope"), bad);
    }

    @Test
    void offlineInSettingsIsHonoured() throws Exception {
        MavenResolver r = new MavenResolver(settings("<offline>true</offline>"), dir.resolve("local").toString());
        assertTrue(r.settingsOffline());
        var e = assertThrows(DependencyResolutionException.class, () -> r.resolve(
                List.of(new Dependency(new DefaultArtifact("lab.unit:absent:1"), "compile")), List.of(), List.of(),
                false, null, null));
        assertTrue(e.getMessage().contains("offline"), e.getMessage());
    }

    @Test
    void encryptedPasswordsAreDecryptedWithTheMasterBesideTheSettings() throws Exception {
        var cipher = new org.sonatype.plexus.components.cipher.DefaultPlexusCipher();
        Files.writeString(dir.resolve("settings-security.xml"), "<settingsSecurity><master>"
                + cipher.encryptAndDecorate("master!", "settings.security") + "</master></settingsSecurity>");
        Path s = settings("<servers><server><id>r</id><username>u</username><password>"
                + cipher.encryptAndDecorate("secret", "master!") + "</password></server>"
                + "<server><id>plain</id><username>v</username><password>open</password></server></servers>");
        var servers = new MavenResolver(s, dir.resolve("local").toString()).settings().getServers();
        assertEquals("secret", servers.get(0).getPassword());
        assertEquals("open", servers.get(1).getPassword());
    }

    @Test
    void theLocalRepositoryOverrideWins() throws Exception {
        Path s = settings("<localRepository>" + dir.resolve("fromSettings") + "</localRepository>");
        assertEquals(dir.resolve("fromSettings"), new MavenResolver(s, null).localRepository());
        assertEquals(dir.resolve("env"), new MavenResolver(s, dir.resolve("env").toString()).localRepository());
    }

    @Test
    void pomFragmentsArePlacedWhereAPomHasThem() throws Exception {
        String pom = MavenMagics.asPom("""
                <dependency><groupId>a</groupId><artifactId>b</artifactId><version>1</version></dependency>
                <repository><id>r</id><url>file:/tmp/r</url></repository>
                <dependency><groupId>c</groupId><artifactId>d</artifactId><version>2</version></dependency>
                """);
        assertTrue(pom.matches("(?s)<project>.*<dependencies><dependency>.*<artifactId>b</artifactId>.*"
                + "<artifactId>d</artifactId>.*</dependencies>.*<repositories><repository>.*"), pom);
        String whole = "<project><modelVersion>4.0.0</modelVersion></project>";
        assertEquals(whole, MavenMagics.asPom(whole));
    }

    @Test
    void globsMatchJarsBelowTheirFixedPart() throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        Files.write(dir.resolve("a/b/x.jar"), new byte[0]);
        Files.write(dir.resolve("a/y.jar"), new byte[0]);
        Files.write(dir.resolve("a/z.txt"), new byte[0]);
        assertEquals(2, MavenMagics.glob(dir + "/a/**.jar").size());
        assertEquals(List.of(dir.resolve("a/y.jar")), MavenMagics.glob(dir + "/a/*.jar"));
        assertEquals(List.of(dir.resolve("a/z.txt")), MavenMagics.glob(dir + "/a/z.txt"));
        // a directory, named or matched, stands for the jars directly in it (IJava's %jars)
        assertEquals(List.of(dir.resolve("a/y.jar")), MavenMagics.glob(dir + "/a"));
        assertEquals(List.of(dir.resolve("a/b/x.jar"), dir.resolve("a/y.jar"), dir.resolve("a/z.txt")), MavenMagics.glob(dir + "/a/*"));
    }
}
