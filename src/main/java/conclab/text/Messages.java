package conclab.text;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The library's and the kernel's words, from the message bundles {@code conclab/text/messages.properties}
 * (English) and {@code messages_fr.properties} (French), both UTF-8, in the session's {@link Language}.
 * A pattern with arguments is a {@link MessageFormat}: {@code {0}}, {@code {1,number,#.#}}; numbers among the
 * arguments are formatted the session's way ({@code 1 000} in French). A key missing from a bundle is never
 * an error a learner sees: the English text is used, and the bundles' test fails.
 */
public final class Messages {

    /** The bundles' base name. */
    public static final String BUNDLE = "conclab.text.messages";

    // no fallback to the JVM's default locale: "en" must give the English root bundle on a French machine
    private static final ResourceBundle.Control CONTROL =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private Messages() {}

    /** The text of {@code key} in the session's language, {@code args} put in its pattern. */
    public static String get(String key, Object... args) {
        return get(Language.locale(), key, args);
    }

    /** The text of {@code key} in {@code locale}, {@code args} put in its pattern. */
    public static String get(Locale locale, String key, Object... args) {
        String pattern;
        try {
            pattern = bundle(locale).getString(key);
        } catch (MissingResourceException e) {
            try {
                pattern = bundle(Language.ENGLISH).getString(key);
            } catch (MissingResourceException again) {
                return key;   // a bug the bundles' test catches; the learner still sees something
            }
        }
        if (args.length == 0) return pattern.replace("''", "'");
        return new MessageFormat(pattern, Language.numbers(locale)).format(args);
    }

    /**
     * The text of {@code key} in the session's language, for hints and messages that used to be joined by
     * hand: whole numbers ({@code int}, {@code long}) among {@code args} are written as {@link String#valueOf}
     * writes them in English (no grouping: {@code 1000}) and grouped in French ({@code 1 000}); every other
     * argument is put in as its {@code toString()}, never formatted by {@link MessageFormat}.
     */
    public static String hint(String key, Object... args) {
        Object[] shown = new Object[args.length];
        boolean french = Language.french();
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            shown[i] = french && (a instanceof Integer || a instanceof Long) ? format("%,d", ((Number) a).longValue())
                    : String.valueOf(a);
        }
        return get(key, shown);
    }

    /**
     * {@link String#format} in the session's number conventions ({@link Language#numbers()}): in English
     * exactly as {@code Locale.ROOT} formats; in French with a decimal comma, {@code %,d} grouped with a
     * narrow no-break space, and a no-break space before each {@code %%} sign ({@code 45 %}).
     */
    public static String format(String pattern, Object... args) {
        Locale numbers = Language.numbers();
        if (numbers.equals(Locale.ROOT)) return String.format(Locale.ROOT, pattern, args);
        return String.format(numbers, pattern.replace("%%", "\u00A0%%"), args);
    }

    /** A number and its unit: {@code 12.3 ms}; in French joined by a no-break space, {@code 12,3 ms}. */
    public static String unit(String number, String unit) {
        return number + (Language.french() ? "\u00A0" : " ") + unit;
    }

    /** The bundle for {@code locale}: French for any {@code fr} locale, English otherwise. */
    public static ResourceBundle bundle(Locale locale) {
        Locale lookup = "fr".equals(locale.getLanguage()) ? Locale.FRENCH : Locale.ROOT;
        return ResourceBundle.getBundle(BUNDLE, lookup, Messages.class.getClassLoader(), CONTROL);
    }
}
