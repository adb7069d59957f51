package conclab.kernel;

import java.nio.file.Path;
import java.util.Arrays;

/** {@code java -jar conclab.jar kernel CONNECTION_FILE | install [...] | version}. */
public final class Main {

    private Main() {}

    /** {@link System#nanoTime} when {@code main} began: the kernel's own start, after the JVM's. */
    static final long MAIN_STARTED = System.nanoTime();

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (cmd) {
            case "kernel" -> {
                boolean handshake = rest.length == 3 && rest[1].equals("--ports-file");
                if (rest.length != 1 && !handshake) {
                    fail("usage: java -jar conclab.jar kernel CONNECTION_FILE [--ports-file FILE]");
                }
                Kernel.run(Path.of(rest[0]), handshake ? Path.of(rest[2]) : null);
            }
            case "install" -> System.exit(Installer.run(rest, System.out, System.err));
            case "train" -> Kernel.train();
            case "fetch" -> System.exit(conclab.kernel.maven.Fetch.run(rest, terminal(System.out), terminal(System.err)));
            case "version" -> System.out.println("Concurrency Lab " + Kernel.version() + ", Java " + Runtime.version());
            default -> {
                System.out.println("""
                        Concurrency Lab — a Java 25 Jupyter kernel for concurrency experiments
                          java -jar conclab.jar kernel CONNECTION_FILE [--ports-file F]   run the kernel (Jupyter does this)
                          java -jar conclab.jar install [--user|--sys-prefix|--prefix P] [--name N]
                          java -jar conclab.jar fetch [--quiet] NOTEBOOK...   resolve the notebooks' %maven libraries into the local repository
                          java -jar conclab.jar version""");
                if (!cmd.equals("help") && !cmd.equals("--help")) System.exit(2);
            }
        }
    }

    /** The JVM options the installed kernelspec starts the kernel with (benchmarks run under the same). */
    public static java.util.List<String> jvmOptions() {
        return Installer.JVM_OPTIONS;
    }

    private static void fail(String msg) {
        System.err.println(msg);
        System.exit(2);
    }

    /**
     * {@code stream} writing UTF-8 when the user's locale says UTF-8 ({@code LANG=fr_FR.UTF-8}) but the JVM could not
     * take it up (the locale is not installed, so Java fell back to ASCII and would print {@code r?cup?rer}).
     */
    static java.io.PrintStream terminal(java.io.PrintStream stream) {
        String locale = "";
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {   // the first one set decides, as in C
            String v = System.getenv(name);
            if (v != null && !v.isEmpty()) {
                locale = v;
                break;
            }
        }
        boolean wantsUtf8 = locale.toLowerCase(java.util.Locale.ROOT).replace("-", "").endsWith(".utf8");
        if (!wantsUtf8 || stream.charset().equals(java.nio.charset.StandardCharsets.UTF_8)) return stream;
        return new java.io.PrintStream(stream, true, java.nio.charset.StandardCharsets.UTF_8);
    }
}
