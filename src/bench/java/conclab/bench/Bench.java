package conclab.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;

/**
 * Entry point of {@code ./lab bench WHAT [ARGS]}: runs {@code conclab.bench.<What>Bench.main(ARGS)}
 * ({@code lib} → {@code LibBench}, {@code charts} → {@code ChartsBench}). Each benchmark prints its own
 * table of figures, with ratios against a baseline measured in the same run.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0 || args[0].isBlank()) {
            System.err.println("usage: Bench WHAT [ARGS...]   (runs conclab.bench.<What>Bench)");
            System.exit(2);
        }
        String what = args[0].trim();
        String cls = "conclab.bench." + what.substring(0, 1).toUpperCase(Locale.ROOT) + what.substring(1) + "Bench";
        Method main;
        try {
            main = Class.forName(cls).getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("no benchmark '" + what + "': " + cls + " with a main(String[]) was not found");
            System.exit(2);
            return;
        }
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
