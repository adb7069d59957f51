package conclab.kernel;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs the kernelspec through {@code jupyter kernelspec install}: kernel.json naming this JVM's
 * {@code java} and this jar, and logos drawn here.
 */
final class Installer {

    static final String DISPLAY_NAME = "Java 25 · Concurrency Lab";
    /**
     * JVM options of the kernel, each measured by {@code ./lab bench kernel} (README, "JVM settings"): the serial
     * collector (fastest for JShell's compiler on 2 cores, and the smallest); a heap that starts small, grows
     * to half the memory limit the kernel lives under, and gives back what it does not use once idle, all of
     * it at the first full collection rather than in steps ({@link Footprint}); a young generation of at most
     * 24 MB (its pages stay resident once touched); fewer JIT compilations of code that runs only a few thousand times (JShell's
     * compiler at start-up), while the hot loops of an experiment still reach the optimising compiler (the AOT cache
     * is trained under the same thresholds: {@code lab}'s {@code train_aot});
     * freed native memory returned to the system.
     */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms16m", "-XX:MaxNewSize=24m",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps",
            "-XX:MaxRAMPercentage=50", "-XX:CompileThresholdScaling=10",
            "-XX:TrimNativeHeapInterval=10000",
            "-Xss4m", "-Djava.awt.headless=true", "-XX:-OmitStackTraceInFastThrow");

    /**
     * The AOT cache mapped at the address it was written for, not at a random one: its read-only pages then
     * stay clean and are shared by every kernel on the machine (PSS divides them), and nothing is relocated.
     */
    static final List<String> AOT_OPTIONS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

    /**
     * Where a shell exists, the kernelspec starts the JVM through this one-line script: JupyterHub's
     * {@code MEM_LIMIT} (bytes, set when the hub has a {@code mem_limit}) becomes {@code -XX:MaxRAM}, so the heap
     * is sized from it as it is from a cgroup's limit. {@code exec} keeps the process id Jupyter started.
     */
    static final String LAUNCHER = "case \"$MEM_LIMIT\" in ''|*[!0-9]*) exec \"$@\";; esac; "
            + "java=$1; shift; exec \"$java\" \"-XX:MaxRAM=$MEM_LIMIT\" \"$@\"";

    private Installer() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        String name = "conclab";
        List<String> where = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--user", "--sys-prefix" -> where.add(args[i]);
                case "--prefix" -> {
                    if (i + 1 >= args.length) return usage(err);
                    where.add("--prefix");
                    where.add(Path.of(args[++i]).toAbsolutePath().toString());
                }
                case "--name" -> {
                    if (i + 1 >= args.length) return usage(err);
                    name = args[++i];
                }
                default -> {
                    return usage(err);
                }
            }
        }
        if (where.isEmpty()) where.add("--user");
        Path dir = Files.createTempDirectory("conclab-kernelspec").resolve(name);
        Files.createDirectories(dir);
        try {
            String jupyter = findJupyter();
            if (jupyter == null) {
                err.println("jupyter is not installed: on Debian/Ubuntu, apt-get install --no-install-recommends "
                        + "jupyter-client jupyter-notebook (or pip install jupyter_client notebook)");
                return 1;
            }
            boolean handshake = Provisioner.install(where, jupyter, out, err);
            writeSpec(dir, handshake);
            List<String> cmd = new ArrayList<>(List.of(jupyter, "kernelspec", "install", dir.toString(),
                    "--name", name, "--replace"));
            cmd.addAll(where);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                err.println("jupyter kernelspec install failed (" + rc + "):\n" + text);
                return rc;
            }
            out.println("installed kernel '" + name + "' (" + DISPLAY_NAME + "): " + text.strip());
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(dir.getParent())) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: java -jar conclab.jar install [--user|--sys-prefix|--prefix P] [--name N]");
        return 2;
    }

    /**
     * Writes the kernelspec into {@code dir}: kernel.json, the logos, and a copy of this jar (with its
     * ahead-of-time cache when one was trained from this very jar). The kernel runs its own copy, so
     * rebuilding {@code target/conclab.jar} never mismatches a cache an installed kernel uses.
     */
    static void writeSpec(Path dir, boolean handshake) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jar = Kernel.ownClassPath();
        JsonObject spec = new JsonObject();
        JsonArray argv = new JsonArray();
        if (Files.isExecutable(Path.of("/bin/sh"))) {
            argv.add("/bin/sh");
            argv.add("-c");
            argv.add(LAUNCHER);
            argv.add("conclab-kernel");
        }
        argv.add(java);
        JVM_OPTIONS.forEach(argv::add);
        if (jar.endsWith(".jar")) {
            Path source = Path.of(jar);
            Files.copy(source, dir.resolve("conclab.jar"), StandardCopyOption.COPY_ATTRIBUTES);
            Path aot = source.resolveSibling("conclab.aot");
            if (trainedFrom(aot, source)) {
                // JDK 25's ahead-of-time cache: javac and JShell start with their classes loaded and linked
                Files.copy(aot, dir.resolve("conclab.aot"), StandardCopyOption.COPY_ATTRIBUTES);
                AOT_OPTIONS.forEach(argv::add);
                argv.add("-XX:AOTCache={resource_dir}/conclab.aot");
            }
            argv.add("-jar");
            argv.add("{resource_dir}/conclab.jar");
        } else {
            argv.add("-cp");
            argv.add(System.getProperty("java.class.path"));
            argv.add(Main.class.getName());
        }
        argv.add("kernel");
        argv.add("{connection_file}");
        spec.add("argv", argv);
        spec.addProperty("display_name", DISPLAY_NAME);
        spec.addProperty("language", "java");
        spec.addProperty("interrupt_mode", "message");
        JsonObject md = new JsonObject();
        md.addProperty("debugger", false);
        if (handshake) {   // the kernel tells Jupyter the ports it really bound (see conclab_provisioner.py)
            JsonObject provisioner = new JsonObject();
            provisioner.addProperty("provisioner_name", Provisioner.NAME);
            md.add("kernel_provisioner", provisioner);
        }
        spec.add("metadata", md);
        Files.writeString(dir.resolve("kernel.json"),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec));
        for (int size : new int[] {32, 64}) {
            ImageIO.write(logo(size), "png", dir.resolve("logo-" + size + "x" + size + ".png").toFile());
        }
    }

    /** Whether {@code aot} was trained from {@code jar} as it is now (./lab build writes conclab.aot.sha256). */
    static boolean trainedFrom(Path aot, Path jar) throws IOException {
        Path stamp = aot.resolveSibling(aot.getFileName() + ".sha256");
        if (!Files.isRegularFile(aot) || !Files.isRegularFile(stamp)) return false;
        String recorded = Files.readString(stamp).strip().split("\\s+")[0];
        return recorded.equalsIgnoreCase(sha256(jar));
    }

    static String sha256(Path file) throws IOException {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The logo: three lanes of a timeline, as a concurrency chart draws them, on a rounded tile. */
    static BufferedImage logo(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        float s = size / 64f;
        g.setColor(new Color(0x1f2a44));
        g.fill(new RoundRectangle2D.Float(0, 0, size, size, 14 * s, 14 * s));
        Color[] lane = {new Color(0xf89820), new Color(0x4fb3d9), new Color(0x8bd17c)};
        float[][] bars = {{8, 30, 36, 52}, {14, 26, 40, 56}, {8, 20, 28, 48}};
        for (int i = 0; i < 3; i++) {
            float y = (14 + i * 14) * s;
            g.setColor(lane[i]);
            g.fill(new RoundRectangle2D.Float(bars[i][0] * s, y, (bars[i][1] - bars[i][0]) * s, 9 * s, 3 * s, 3 * s));
            g.fill(new RoundRectangle2D.Float(bars[i][2] * s, y, (bars[i][3] - bars[i][2]) * s, 9 * s, 3 * s, 3 * s));
        }
        g.setColor(new Color(255, 255, 255, 160));
        g.setStroke(new BasicStroke(Math.max(1, 1.5f * s)));
        g.drawLine((int) (33 * s), (int) (10 * s), (int) (33 * s), (int) (54 * s));
        g.dispose();
        return img;
    }

    static String findJupyter() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "jupyter");
            if (f.canExecute()) return f.getAbsolutePath();
        }
        File deb = new File("/usr/bin/jupyter");
        return deb.canExecute() ? deb.getAbsolutePath() : null;
    }
}
