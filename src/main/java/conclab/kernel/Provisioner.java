package conclab.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the kernelspec's provisioner ({@code conclab_provisioner.py}, the Python half of the port
 * handshake) where the Python that runs Jupyter finds it, as a package with a
 * {@code jupyter_client.kernel_provisioners} entry point:
 * <ul>
 *   <li>{@code --user}: that Python's user site directory;</li>
 *   <li>{@code --sys-prefix}: its site directory for local packages (Debian: /usr/local/lib/python3.X/dist-packages);</li>
 *   <li>{@code --prefix P}: {@code P/lib/conclab-python}, which the user adds to {@code PYTHONPATH}.</li>
 * </ul>
 * The kernelspec names the provisioner only when that Python then finds it: a kernelspec naming a
 * provisioner Jupyter cannot load is hidden from every front end, which is worse than the race.
 */
final class Provisioner {

    static final String NAME = "conclab-ports";
    private static final String MODULE = "conclab_provisioner";

    private Provisioner() {}

    /** Installs the provisioner for the install target {@code where}; true when Jupyter's Python loads it. */
    static boolean install(List<String> where, String jupyter, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        String python = pythonOf(jupyter);
        Path site;
        boolean onPath = true;
        if (where.contains("--prefix")) {
            site = Path.of(where.get(where.indexOf("--prefix") + 1), "lib", "conclab-python");
            onPath = false;
        } else {
            String code = where.contains("--sys-prefix")
                    ? "import site; print(site.getsitepackages()[0])" : "import site; print(site.getusersitepackages())";
            String printed = runPython(python, code, null);
            if (printed == null || printed.isBlank()) {
                err.println("conclab: could not ask " + python + " where its packages live; the kernel starts without "
                        + "the port handshake");
                return false;
            }
            site = Path.of(printed.strip());
        }
        Files.createDirectories(site);
        try (InputStream in = Provisioner.class.getResourceAsStream("/conclab/provisioner/" + MODULE + ".py")) {
            if (in == null) throw new IOException("the jar lacks conclab/provisioner/" + MODULE + ".py");
            Files.write(site.resolve(MODULE + ".py"), in.readAllBytes());
        }
        Path info = site.resolve("conclab_kernel_provisioner-" + Kernel.version().replaceAll("[^0-9A-Za-z.]", "_")
                + ".dist-info");
        try (var old = Files.newDirectoryStream(site, "conclab_kernel_provisioner-*.dist-info")) {
            for (Path p : old) deleteTree(p);
        }
        Files.createDirectories(info);
        Files.writeString(info.resolve("METADATA"), "Metadata-Version: 2.1\nName: conclab-kernel-provisioner\nVersion: "
                + Kernel.version().replaceAll("[^0-9A-Za-z.]", "_") + "\nSummary: Concurrency Lab's kernel provisioner "
                + "(a port handshake with the kernel)\n", StandardCharsets.UTF_8);
        Files.writeString(info.resolve("entry_points.txt"), "[jupyter_client.kernel_provisioners]\n" + NAME + " = "
                + MODULE + ":PortHandshakeProvisioner\n", StandardCharsets.UTF_8);
        Files.writeString(info.resolve("top_level.txt"), MODULE + "\n", StandardCharsets.UTF_8);
        String check = "from importlib.metadata import entry_points\n"
                + "import jupyter_client.provisioning, " + MODULE + "\n"
                + "print(any(e.name == '" + NAME + "' for e in entry_points(group='jupyter_client.kernel_provisioners')))";
        String found = runPython(python, check, onPath ? null : site);
        if (found == null || !found.strip().equals("True")) {
            err.println("conclab: " + python + " does not load the kernel provisioner from " + site + "; the kernel "
                    + "starts without the port handshake (a port taken by another process then ends it at once, exit "
                    + "status " + Kernel.EXIT_PORT_TAKEN + ")");
            return false;
        }
        out.println("installed the port handshake (kernel provisioner '" + NAME + "') in " + site
                + (onPath ? "" : "; add it to PYTHONPATH for the Jupyter that uses this kernelspec"));
        return true;
    }

    /** The interpreter of the {@code jupyter} script (its #! line), else Debian's python3. */
    private static String pythonOf(String jupyter) {
        try {
            String first = Files.readAllLines(Path.of(jupyter)).stream().findFirst().orElse("");
            if (first.startsWith("#!")) {
                String[] words = first.substring(2).strip().split("\\s+");
                String interpreter = words[0].endsWith("/env") && words.length > 1 ? words[1] : words[0];
                if (interpreter.contains("python")) return interpreter;
            }
        } catch (IOException | RuntimeException e) {
            // a binary or unreadable launcher: fall back
        }
        return "/usr/bin/python3";
    }

    private static String runPython(String python, String code, Path extraPath) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, "-c", code));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        if (extraPath != null) {
            String old = System.getenv("PYTHONPATH");
            pb.environment().put("PYTHONPATH", extraPath + (old == null || old.isEmpty() ? "" : ":" + old));
        }
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? text : null;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
