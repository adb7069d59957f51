package conclab.text;

import conclab.Lab;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A library method's refused argument says why in the session's language: the exception stays an
 * {@link IllegalArgumentException}, its message comes from the bundles (English exactly as before).
 */
class ArgumentMessagesTest {

    private static final String NB = "\u00A0", NARROW = "\u202F";

    @AfterEach
    void english() {
        Language.set("en");
    }

    private static String refused(String language, Executable call) {
        Language.set(language);
        try {
            return assertThrows(IllegalArgumentException.class, call).getMessage();
        } finally {
            Language.set("en");
        }
    }

    @Test
    void strategies_and_experiments_refuse_in_both_languages() {
        assertEquals("need at least one thread: 0", refused("en", () -> Lab.platform(0)));
        assertEquals("il faut au moins un thread" + NB + ": 0", refused("fr", () -> Lab.platform(0)));
        assertEquals("need at least one worker: -2", refused("en", () -> Lab.fixedPool(-2)));
        assertEquals("il faut au moins un travailleur" + NB + ": -2", refused("fr", () -> Lab.fixedPool(-2)));
        assertEquals("tasks < 1", refused("en", () -> Lab.experiment(Lab.cpu(java.time.Duration.ofMillis(1))).tasks(0)));
        assertEquals("tasks < 1" + NB + ": il faut au moins une tâche", refused("fr", () -> Lab.experiment(Lab.cpu(java.time.Duration.ofMillis(1))).tasks(0)));
        assertEquals("permits < 0", refused("en", () -> Lab.semaphore("s", -1)));
        assertEquals("permits < 0" + NB + ": un sémaphore ne peut pas avoir un nombre négatif de permis",
                refused("fr", () -> Lab.semaphore("s", -1)));
    }

    @Test
    void whole_numbers_in_a_french_message_are_grouped_and_quotes_are_french() {
        assertEquals("min 2000 is above max 1000", refused("en", () -> Lab.intSlider("n", 2000, 1000, 1500)));
        assertEquals("min 2" + NARROW + "000 est au-dessus de max 1" + NARROW + "000",
                refused("fr", () -> Lab.intSlider("n", 2000, 1000, 1500)));
        assertEquals("language(\"de\"): this lab speaks English (\"en\") and French (\"fr\")", refused("en", () -> Lab.language("de")));
        assertEquals("language(\"de\")" + NB + ": ce labo parle anglais (\"en\") et français (\"fr\")",
                refused("fr", () -> Lab.language("de")));
    }

    @Test
    void the_sliders_range_errors_in_both_languages() {
        assertEquals("9 is outside 1–8", refused("en", () -> Lab.intSlider("Threads", 1, 8, 9)));
        assertEquals("9 est hors de 1–8", refused("fr", () -> Lab.intSlider("Threads", 1, 8, 9)));
        assertEquals("min 5.0 is above max 1.0", refused("en", () -> Lab.floatSlider("x", 5, 1, 2)));
        assertEquals("min 5.0 est au-dessus de max 1.0", refused("fr", () -> Lab.floatSlider("x", 5, 1, 2)));
        assertEquals("0.5 is outside 1.0–2.0", refused("en", () -> Lab.floatSlider("x", 1, 2, 0.5)));
        assertEquals("0.5 est hors de 1.0–2.0", refused("fr", () -> Lab.floatSlider("x", 1, 2, 0.5)));
        // a slider from 1 to 1 has no step to move by
        assertEquals("step must be > 0: 0.0", refused("en", () -> Lab.floatSlider("x", 1, 1, 1)));
        assertEquals("le pas (step) doit être > 0" + NB + ": 0.0", refused("fr", () -> Lab.floatSlider("x", 1, 1, 1)));
        assertEquals("min 3 is above max 2", refused("en", () -> Lab.intRangeSlider("r", 3, 2, 2, 2)));
        assertEquals("2 est hors de 3–9", refused("fr", () -> Lab.intRangeSlider("r", 3, 9, 2, 4)));
    }

    /** Every refusal in the library's public packages goes through the bundles; the exceptions are named. */
    @Test
    void no_library_refusal_is_left_as_an_english_literal() throws IOException {
        // internal: the kernel's wire and comm plumbing, the child JVM's spec parsing, the chart internals' invariants
        Set<String> internal = Set.of("kernel/wire/Codec.java", "kernel/io/Comms.java", "task/LibraryWork.java#spec",
                "task/Sizes.java#spec", "chart/internal/Deflate.java", "chart/internal/StepLayer.java");
        Path root = Path.of("src/main/java/conclab");
        Pattern literal = Pattern.compile("new IllegalArgumentException\\(\\s*(\"[^\"]*\"|\\w+ \\+)");
        List<String> english = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = root.relativize(f).toString().replace('\\', '/');
                if (internal.contains(rel)) continue;
                String[] lines = Files.readString(f, StandardCharsets.UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = literal.matcher(lines[i]);
                    if (!m.find()) continue;
                    boolean spec = lines[i].contains("spec");   // "unknown workload: " + spec, from a child JVM's command line
                    if (spec && internal.contains(rel + "#spec")) continue;
                    if (rel.equals("task/LibraryWork.java") && lines[i].contains("cannot make work of class")) continue;
                    english.add(rel + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        assertEquals(List.of(), english, "refusals not taken from the bundles (Messages.hint(\"arg....\"))");
    }
}
