package conclab.text;

import java.util.Locale;

/**
 * The language of what the library and the kernel print for this session, and the conventions its numbers
 * follow: English ({@code "en"}, the default) or French ({@code "fr"}). A notebook chooses it in its first
 * code cell with {@code language("en")} or {@code language("fr")}; without that call the locale the kernel
 * started in decides ({@code LC_ALL}, then {@code LC_MESSAGES}, then {@code LANG}: French when it starts with
 * {@code fr}).
 */
public final class Language {

    /** The languages the lab speaks, by tag. */
    public static final Locale ENGLISH = Locale.forLanguageTag("en");
    public static final Locale FRENCH = Locale.forLanguageTag("fr-FR");

    private static volatile Locale current = fromEnvironment(System.getenv());

    private Language() {}

    /** The locale of this session's messages and numbers. */
    public static Locale locale() {
        return current;
    }

    /** {@code "en"} or {@code "fr"}. */
    public static String tag() {
        return current.getLanguage();
    }

    /**
     * The locale numbers are formatted in: {@link Locale#ROOT} in English (the lab's output as it has always
     * been: {@code 1,000.5}, {@code 12.3 ms}, {@code 45%}), the session's locale in French ({@code 1 000,5}
     * with a narrow no-break space, {@code 12,3 ms}, {@code 45 %}).
     */
    public static Locale numbers() {
        return numbers(current);
    }

    /** The locale numbers are formatted in for messages in {@code locale}; see {@link #numbers()}. */
    public static Locale numbers(Locale locale) {
        return "fr".equals(locale.getLanguage()) ? locale : Locale.ROOT;
    }

    /** Whether this session speaks French. */
    public static boolean french() {
        return "fr".equals(current.getLanguage());
    }

    /**
     * Chooses the session's language: {@code "en"} or {@code "fr"} (a region such as {@code "fr-CA"} or
     * {@code "fr_BE"} is accepted and keeps its own number conventions). Anything else is refused with a
     * message naming the two languages. It also sets the JVM's default format locale, so a cell's own
     * {@code "%.2f".formatted(x)} or {@code printf} writes numbers as the library does ({@code 1,18} in French).
     */
    public static void set(String tag) {
        current = parse(tag);
        Locale.setDefault(Locale.Category.FORMAT, numbers(current));
    }

    static Locale parse(String tag) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException(refusal("arg.language_blank"));
        }
        Locale asked = Locale.forLanguageTag(tag.strip().replace('_', '-'));
        return switch (asked.getLanguage()) {
            case "en" -> asked.getCountry().isEmpty() ? ENGLISH : asked;
            case "fr" -> asked.getCountry().isEmpty() ? FRENCH : asked;
            default -> throw new IllegalArgumentException(refusal("arg.language_unknown", tag));
        };
    }

    /** A refused tag's message, in the session's language (English while the session's own is being chosen at start). */
    private static String refusal(String key, Object... args) {
        Locale now = current;
        return Messages.get(now == null ? ENGLISH : now, key, args);
    }

    /**
     * {@code CONCLAB_LANGUAGE} when set ({@code en} or {@code fr}: what {@code ./lab start --fr} sets), else French
     * when the first of LC_ALL, LC_MESSAGES, LANG that is set starts with "fr", else English.
     */
    static Locale fromEnvironment(java.util.Map<String, String> env) {
        String chosen = env.get("CONCLAB_LANGUAGE");
        if (chosen != null && !chosen.isBlank()) {
            try {
                return parse(chosen);
            } catch (IllegalArgumentException unknown) {
                // an unknown language in the environment is no reason to stop the kernel: the locale decides
            }
        }
        for (String name : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String value = env.get(name);
            if (value == null || value.isEmpty()) continue;
            return value.startsWith("fr") ? FRENCH : ENGLISH;
        }
        return ENGLISH;
    }
}
