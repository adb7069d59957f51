package conclab.chart.internal;

import java.util.Map;

/** The facts every title states: JDK feature release, core count, number of runs. */
public final class Titles {

    private Titles() {}

    /**
     * "JDK 25 · 2 cores · 5 runs", from {@code meta} keys {@code jdk}, {@code cores}, {@code runs} when
     * present, else from this JVM (and {@code defaultRuns}).
     */
    public static String facts(Map<String, String> meta, int defaultRuns) {
        String jdk = meta.getOrDefault("jdk", Integer.toString(Runtime.version().feature()));
        String cores = meta.getOrDefault("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        String runs = meta.getOrDefault("runs", Integer.toString(defaultRuns));
        return "JDK " + jdk + " · " + conclab.text.Messages.get(cores.equals("1") ? "chart.facts.core" : "chart.facts.cores", cores)
                + " · " + conclab.text.Messages.get(runs.equals("1") ? "chart.facts.run" : "chart.facts.runs", runs);
    }

    /** {@code title — facts}, or the facts alone when the title is blank. */
    public static String full(String title, Map<String, String> meta, int defaultRuns) {
        String f = facts(meta, defaultRuns);
        return title == null || title.isBlank() ? f : title + " — " + f;
    }
}
