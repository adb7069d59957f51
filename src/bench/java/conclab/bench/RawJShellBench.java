package conclab.bench;

import jdk.jshell.JShell;

import java.util.Arrays;
import java.util.Locale;

/**
 * The baseline of {@code ./lab bench kernel}: JShell's own {@code eval} of {@code 1+N} in this JVM,
 * without the kernel. Prints the warm median in milliseconds.
 */
public final class RawJShellBench {

    private RawJShellBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            for (int i = 0; i < warm; i++) shell.eval("2+" + i);
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                shell.eval("1+" + i);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.println(String.format(Locale.ROOT, "%.3f", ms[n / 2]));
        }
    }
}
