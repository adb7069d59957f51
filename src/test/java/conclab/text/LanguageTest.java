package conclab.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LanguageTest {

    @AfterEach
    void english() {
        Language.set("en");
    }

    @Test
    void choosesFrenchOrEnglishAndRefusesTheRest() {
        Language.set("fr");
        assertEquals("fr", Language.tag());
        assertEquals("FR", Language.locale().getCountry());
        Language.set("fr_CA");
        assertEquals("CA", Language.locale().getCountry());
        Language.set("en");
        assertEquals("en", Language.tag());
        Language.set("fr");
        assertEquals("1,18", "%.2f".formatted(1.18), "a cell's own formatting follows the session's language");
        Language.set("en");
        assertEquals("1.18", "%.2f".formatted(1.18));
        var refused = assertThrows(IllegalArgumentException.class, () -> Language.set("de"));
        assertTrue(refused.getMessage().contains("\"en\"") && refused.getMessage().contains("\"fr\""), refused.getMessage());
        assertEquals("en", Language.tag(), "a refused language leaves the session's as it was");
    }

    @Test
    void theKernelsLocaleDecidesWithoutACall() {
        assertEquals("fr", Language.fromEnvironment(Map.of("LANG", "fr_FR.UTF-8")).getLanguage());
        assertEquals("en", Language.fromEnvironment(Map.of("LANG", "fr_FR.UTF-8", "LC_ALL", "C.UTF-8")).getLanguage());
        assertEquals("fr", Language.fromEnvironment(Map.of("LANG", "en_US.UTF-8", "LC_MESSAGES", "fr_BE")).getLanguage());
        assertEquals("en", Language.fromEnvironment(Map.of()).getLanguage());
    }

    @Test
    void theLaunchersChoiceComesFirstAndAnUnknownOneIsIgnored() {
        // ./lab start --fr sets CONCLAB_LANGUAGE=fr whatever the locale
        assertEquals("fr", Language.fromEnvironment(Map.of("CONCLAB_LANGUAGE", "fr", "LANG", "en_US.UTF-8")).getLanguage());
        assertEquals("en", Language.fromEnvironment(Map.of("CONCLAB_LANGUAGE", "en", "LANG", "fr_FR.UTF-8")).getLanguage());
        assertEquals("fr", Language.fromEnvironment(Map.of("CONCLAB_LANGUAGE", "xx", "LANG", "fr_FR.UTF-8")).getLanguage());
    }
}
