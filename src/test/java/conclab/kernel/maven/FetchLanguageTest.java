package conclab.kernel.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./lab fetch} speaks the language of the locale it runs in, as {@code ./lab start} does: French for LANG=fr_*. */
class FetchLanguageTest {

    private static final String NB = "\u00A0";

    record Run(int status, String out, String err) {}

    /** {@code java -cp <the tests' class path> conclab.kernel.Main fetch args...} in a fresh JVM with {@code lang}. */
    private static Run fetch(Path dir, String lang, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "conclab.kernel.Main", "fetch"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        for (String v : List.of("CONCLAB_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANGUAGE")) env.remove(v);
        env.put("LANG", lang);
        env.put("CONCLAB_M2_REPO", dir.resolve("m2").toString());
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fetch ended");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void fetch_speaks_french_in_a_french_locale_and_english_otherwise(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.ipynb"), bad = dir.resolve("bad.ipynb"), broken = dir.resolve("broken.ipynb");
        Files.writeString(plain, "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"1 + 1\"]}]}");
        Files.writeString(bad, "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"%maven nocolons\"]}]}");
        Files.writeString(broken, "not json");

        Run fr = fetch(dir, "fr_FR.UTF-8", "plain.ipynb");
        assertEquals(0, fr.status(), fr.err());
        assertEquals("plain.ipynb" + NB + ": aucune bibliothèque à récupérer", fr.out().strip());
        Run en = fetch(dir, "C.UTF-8", "plain.ipynb");
        assertEquals("plain.ipynb: no library to fetch", en.out().strip());

        fr = fetch(dir, "fr_FR.UTF-8", "bad.ipynb", "broken.ipynb");
        assertEquals(1, fr.status());
        assertTrue(fr.err().contains("bad.ipynb" + NB + ": %maven nocolons" + NB + ": "), fr.err());
        assertTrue(fr.err().contains("fetch" + NB + ": broken.ipynb" + NB + ": pas un notebook ("), fr.err());
        assertTrue(fr.err().contains("fetch" + NB + ": 2 commandes magiques n’ont pas pu être résolues"), fr.err());
        en = fetch(dir, "en_GB.UTF-8", "bad.ipynb");
        assertEquals(1, en.status());
        assertTrue(en.err().contains("bad.ipynb: %maven nocolons: "), en.err());
        assertTrue(en.err().contains("fetch: 1 magic could not be resolved (named above)"), en.err());

        fr = fetch(dir, "fr_FR.UTF-8", "--nope");
        assertEquals(2, fr.status());
        assertEquals("utilisation" + NB + ": java -jar conclab.jar fetch [--quiet] NOTEBOOK.ipynb...", fr.err().strip());
    }
}
