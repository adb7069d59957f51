package conclab.text;

import conclab.trace.Format;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two message bundles say the same things, and French numbers are written the French way. */
class MessagesTest {

    private static final Pattern ARG = Pattern.compile("\\{(\\d+)");

    @AfterEach
    void english() {
        Language.set("en");
    }

    private static Properties load(String file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = MessagesTest.class.getResourceAsStream("/conclab/text/" + file)) {
            assertTrue(in != null, file + " is on the class path");
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    static List<String> onlyIn(Properties a, Properties b) {
        Set<String> keys = new TreeSet<>(a.stringPropertyNames());
        keys.removeAll(b.stringPropertyNames());
        return new ArrayList<>(keys);
    }

    @Test
    void every_key_is_in_both_bundles() throws IOException {
        Properties en = load("messages.properties"), fr = load("messages_fr.properties");
        assertTrue(en.size() > 100, "the English bundle holds the library's and the kernel's words: " + en.size());
        assertEquals(List.of(), onlyIn(en, fr), "keys in messages.properties missing from messages_fr.properties");
        assertEquals(List.of(), onlyIn(fr, en), "keys in messages_fr.properties missing from messages.properties");
    }

    @Test
    void the_check_sees_a_key_missing_from_one_bundle() {
        Properties en = new Properties(), fr = new Properties();
        en.setProperty("a", "A");
        en.setProperty("b", "B");
        fr.setProperty("a", "A");
        assertEquals(List.of("b"), onlyIn(en, fr));
        assertEquals(List.of(), onlyIn(fr, en));
    }

    @Test
    void both_languages_use_the_same_arguments_and_every_pattern_parses() throws IOException {
        Properties en = load("messages.properties"), fr = load("messages_fr.properties");
        List<String> problems = new ArrayList<>();
        for (String key : en.stringPropertyNames()) {
            String e = en.getProperty(key), f = fr.getProperty(key, "");
            if (!args(e).equals(args(f))) problems.add(key + ": English uses " + args(e) + ", French " + args(f));
            for (String p : List.of(e, f)) {
                try {
                    new MessageFormat(p, Locale.ROOT);
                } catch (IllegalArgumentException x) {
                    problems.add(key + ": " + x.getMessage());
                }
                if (!args(p).isEmpty() && p.replace("''", "").contains("'")) {
                    problems.add(key + ": a lone ' in a pattern with arguments quotes them away (write '' or ’)");
                }
            }
            if (f.equals(e) && e.matches(".*[a-z]{4,} [a-z]{4,}.*")) problems.add(key + ": left in English: " + f);
        }
        assertEquals(List.of(), problems);
    }

    private static Set<String> args(String pattern) {
        Set<String> out = new TreeSet<>();
        Matcher m = ARG.matcher(pattern);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void messages_follow_the_session_language_and_English_never_falls_back_to_the_machine_locale() {
        Locale machine = Locale.getDefault();
        try {
            Locale.setDefault(Language.FRENCH);
            Language.set("en");
            assertEquals("Interrupted", Messages.get("kernel.interrupted"));
            assertEquals("cell [3]", Messages.get("kernel.cell_label", "3"));
            Language.set("fr");
            assertEquals("Interrompu", Messages.get("kernel.interrupted"));
            assertEquals("cellule [3]", Messages.get("kernel.cell_label", "3"));
            Language.set("fr-CA");
            assertEquals("Interrompu", Messages.get("kernel.interrupted"));
        } finally {
            Locale.setDefault(machine);
        }
    }

    @Test
    void an_unknown_key_shows_itself_rather_than_failing() {
        assertEquals("no.such.key", Messages.get("no.such.key"));
    }

    @Test
    void english_numbers_are_unchanged() {
        Language.set("en");
        assertEquals("12.3 ms", Format.millis(12_345_678));
        assertEquals("1.25 s", Format.millis(1_250_000_000));
        assertEquals("850 µs", Format.millis(850_000));
        assertEquals("97%", Format.percent(0.97));
        assertEquals("1.93×", Format.times(1.93));
        assertEquals("12,345", Format.count(12_345));
        assertEquals("1,000.5", Messages.format("%,.1f", 1000.5));
    }

    @Test
    void french_numbers_are_the_jdks_french() {
        Language.set("fr");
        String nbsp = "\u00A0", narrow = "\u202F";
        assertEquals("12,3" + nbsp + "ms", Format.millis(12_345_678));
        assertEquals("1,25" + nbsp + "s", Format.millis(1_250_000_000));
        assertEquals("850" + nbsp + "µs", Format.millis(850_000));
        assertEquals("45" + nbsp + "%", Format.percent(0.45));
        // what the JDK's own French percent format writes
        assertEquals(java.text.NumberFormat.getPercentInstance(Language.FRENCH).format(0.45), Format.percent(0.45));
        assertEquals("1,93×", Format.times(1.93));
        assertEquals("12" + narrow + "345", Format.count(12_345));
        assertEquals("1" + narrow + "000,5", Messages.format("%,.1f", 1000.5));
        assertEquals(java.text.NumberFormat.getInstance(Language.FRENCH).format(1000.5), Messages.format("%,.1f", 1000.5));
    }

    @Test
    void table_headers_are_translated_and_symbols_kept() {
        Language.set("fr");
        String t = Format.text(List.of("strategy", "speedup", "p50"), List.of(List.of("pool", Format.times(2), "1")));
        assertTrue(t.startsWith("stratégie"), t);
        assertTrue(t.contains("accélération") && t.contains("p50") && t.contains("2,00×"), t);
        Language.set("en");
        assertEquals("mean latency", Format.column("mean latency"));
    }

    @Test
    void every_column_key_is_reachable_from_an_English_header() throws IOException {
        Properties en = load("messages.properties");
        List<String> bad = new ArrayList<>();
        for (String key : en.stringPropertyNames()) {
            if (!key.startsWith("column.")) continue;
            String english = en.getProperty(key);
            Language.set("en");
            if (!Format.column(english).equals(english)) bad.add(key + " does not come back from \"" + english + "\"");
            Language.set("fr");
            if (Format.column(english).equals(english) && !english.matches("verdict|client|utilisation"))
                bad.add(key + " (\"" + english + "\") is not translated");
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void a_checks_hint_in_both_languages() {
        var oversold = new conclab.check.BoxOffice.Sale(1_000, 4, 1_002, 0, true, 0, null);
        Language.set("en");
        assertEquals("4 sellers, 1,000 tickets: sold 1,002: sellers both saw left > 0 before either took the ticket; "
                + "make the check (left.get() > 0) and the act (the decrement) one atomic action", oversold.hint());
        assertTrue(oversold.toString().startsWith("4 sellers, 1,000 tickets: sold 1,002, left ends at 0 — sold 1,002: "), oversold.toString());
        Language.set("fr");
        assertTrue(oversold.hint().startsWith("4 vendeurs, 1\u202F000 billets\u00A0: 1\u202F002 vendus\u00A0: deux vendeurs"), oversold.hint());
        assertTrue(new conclab.check.BoxOffice.Sale(1, 2, 1, 0, true, 0, null).toString().endsWith("(exact)"));
    }
}
