package conclab.text;

import conclab.balance.Checks;
import conclab.check.CallProbe;
import conclab.check.Probes;
import conclab.data.DataChecks;
import conclab.data.Tally;
import conclab.data.Totals;
import conclab.services.ServiceChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks' hints come out French in a French session and exactly as before in English: one case per
 * family of checks (Probes, the balance checks, the service checks, the data checks and totals, CallProbe).
 */
class FrenchHintsTest {

    @AfterEach
    void english() {
        Language.set("en");
    }

    private static <T> T in(String language, Supplier<T> said) {
        Language.set(language);
        try {
            return said.get();
        } finally {
            Language.set("en");
        }
    }

    @Test
    void probes_hints_in_both_languages() {
        assertEquals("no executor (null)", in("en", () -> Probes.backPressure(null, 2, 2).why()));
        assertEquals("pas d’exécuteur (null)", in("fr", () -> Probes.backPressure(null, 2, 2).why()));

        // poolSize's first fixed case is 100/s at 50 ms: λW = 5 threads busy, ÷ 0.8 = 6.25, rounded up 7
        String en = in("en", () -> Probes.poolSize((rate, latency) -> 0, 0.8).why());
        assertEquals("poolSize(100, ms(50)) gave 0: λW = 100 × 0.050 s = 5.000 threads busy on average; ÷ 0.80 = 6.250, "
                + "rounded up: 7", en);
        String fr = in("fr", () -> Probes.poolSize((rate, latency) -> 0, 0.8).why());
        assertEquals("poolSize(100, ms(50)) a donné 0\u00A0: λW = 100 × 0,050 s = 5,000 threads occupés en moyenne\u00A0; "
                + "÷ 0,80 = 6,250, arrondi au-dessus\u00A0: 7", fr);

        assertEquals("limited(...) returned null", in("en", () -> Probes.semaphoreLimit((s, q) -> null, 2).why()));
        assertEquals("limited(...) a renvoyé null", in("fr", () -> Probes.semaphoreLimit((s, q) -> null, 2).why()));
    }

    @Test
    void balance_checks_hints_in_both_languages() {
        assertEquals("the queue was null", in("en", () -> Checks.fairQueue(() -> null).why()));
        assertEquals("la file valait null", in("fr", () -> Checks.fairQueue(() -> null).why()));
        String en = in("en", () -> Checks.leastOutstanding(() -> null).why());
        String fr = in("fr", () -> Checks.leastOutstanding(() -> null).why());
        assertTrue(en.startsWith("your code threw "), en);
        assertTrue(fr.startsWith("votre code a levé "), fr);
    }

    @Test
    void service_checks_hints_in_both_languages() {
        String en = in("en", () -> ServiceChecks.backoff(a -> null, Duration.ofMillis(10), Duration.ofSeconds(1)).detail());
        String fr = in("fr", () -> ServiceChecks.backoff(a -> null, Duration.ofMillis(10), Duration.ofSeconds(1)).detail());
        assertTrue(en.startsWith("backoff threw ") && en.contains("backoff(1) returned null"), en);
        assertTrue(fr.startsWith("backoff a levé ") && fr.contains("backoff(1) a renvoyé null"), fr);

        // a backoff without jitter: every wait the same, said with its unit
        String enFixed = in("en", () -> ServiceChecks.backoff(a -> Duration.ofMillis(10L << (a - 1)),
                Duration.ofMillis(10), Duration.ofSeconds(10)).detail());
        String frFixed = in("fr", () -> ServiceChecks.backoff(a -> Duration.ofMillis(10L << (a - 1)),
                Duration.ofMillis(10), Duration.ofSeconds(10)).detail());
        assertTrue(enFixed.startsWith("mean waits for attempts 1–8: 10 ms, 20 ms"), enFixed);
        assertTrue(enFixed.contains("; attempt 1 waits always 10 ms: clients that failed together come back together"), enFixed);
        assertTrue(frFixed.startsWith("attentes moyennes des tentatives 1 à 8\u00A0: 10\u00A0ms, 20\u00A0ms"), frFixed);
        assertTrue(frFixed.contains("\u00A0; la tentative 1 attend toujours 10\u00A0ms\u00A0: des clients qui ont échoué ensemble"), frFixed);
    }

    @Test
    void data_checks_and_totals_in_both_languages() {
        String en = in("en", () -> DataChecks.totals(rows -> Map.of()).why());
        String fr = in("fr", () -> DataChecks.totals(rows -> Map.of()).why());
        assertTrue(en.startsWith("600 rows of the check's: ") && en.contains(": got nothing, expected ") && en.contains(" trips, "), en);
        assertTrue(fr.startsWith("600 lignes de la vérification\u00A0: ") && fr.contains("\u00A0: obtenu rien, attendu ")
                && fr.contains(" trajets, "), fr);

        var totals = Map.of("Nation", new Tally(1200, 123456));
        assertEquals("same totals as sequentially, station by station ✓ (1200 trips, 1234.56 €)",
                in("en", () -> Totals.same(totals, totals)));
        String grouped = in("fr", () -> Messages.format("%,d", 1200));
        assertFalse(grouped.equals("1200"));
        assertEquals("mêmes totaux qu’en séquentiel, station par station ✓ (" + grouped + " trajets, 1234,56 €)",
                in("fr", () -> Totals.same(totals, totals)));
        String table = in("fr", () -> String.valueOf(Totals.table(totals).mimeBundle(java.util.Set.of("text/html")).get("text/html")));
        assertTrue(table.contains("<th>trajets</th>") && table.contains("1234,56"), table);
        String tableEn = in("en", () -> String.valueOf(Totals.table(totals).mimeBundle(java.util.Set.of("text/html")).get("text/html")));
        assertTrue(tableEn.contains("<th>station</th><th>trips</th><th>fares (€)</th><th>mean fare (€)</th>")
                && tableEn.contains("<th>all</th><th>1,200</th><th>1234.56</th><th>1.03</th>"), tableEn);
    }

    @Test
    void widget_text_forms_write_numbers_the_session_s_way() {
        assertEquals("Threads: 4 (1–8)", in("en", () -> conclab.widgets.Widgets.intSlider("Threads", 1, 8, 4).text()));
        assertEquals("Threads\u00A0: 4 (1–8)", in("fr", () -> conclab.widgets.Widgets.intSlider("Threads", 1, 8, 4).text()));
        assertEquals("Rate: 0.25 (0.0–1.0)", in("en", () -> conclab.widgets.Widgets.floatSlider("Rate", 0, 1, 0.25).text()));
        assertEquals("Rate\u00A0: 0,25 (0,0–1,0)", in("fr", () -> conclab.widgets.Widgets.floatSlider("Rate", 0, 1, 0.25).text()));
        String grouped = in("fr", () -> Messages.format("%,d", 2000));
        assertEquals("work ██████████░░░░░░░░░░ 1000/2000", in("en", () -> {
            var p = conclab.widgets.Widgets.progress("work", 2000);
            p.value(1000);
            return p.text();
        }));
        assertEquals("work ██████████░░░░░░░░░░ " + in("fr", () -> Messages.format("%,d", 1000)) + "/" + grouped, in("fr", () -> {
            var p = conclab.widgets.Widgets.progress("work", 2000);
            p.value(1000);
            return p.text();
        }));
    }

    static final class Pair {
        int x, y;
    }

    private static String stress() {
        try {
            return conclab.task.Stress.of(Pair::new).actor(p -> p.x = 1).actor(p -> p.y = 1)
                    .arbiter(p -> p.x + ", " + p.y).run(Duration.ofMillis(20)).toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void a_stress_table_s_caption_and_verdicts_in_both_languages() {
        String en = in("en", FrenchHintsTest::stress), fr = in("fr", FrenchHintsTest::stress);
        assertTrue(en.contains(": FORBIDDEN outcomes seen") && en.contains("forbidden") && en.contains("not declared"), en);
        assertTrue(fr.contains("\u00A0: des résultats INTERDITS observés") && fr.contains("interdit") && fr.contains("non déclaré"), fr);
    }

    @Test
    void call_probe_description_in_both_languages() {
        assertEquals("CallProbe[3 calls, made 0, at most 0 in flight on 0 threads]", in("en", () -> CallProbe.of(3).toString()));
        assertEquals("CallProbe[3 appels, 0 faits, au plus 0 en cours sur 0 threads]", in("fr", () -> CallProbe.of(3).toString()));
    }
}
