package conclab.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A ready-made MIME bundle: HTML, Markdown or any type, with a text fallback.
 * {@code display(Mime.html("<b>bold</b>"))} in a notebook shows bold text.
 */
public final class Mime implements Displayable {

    private final Map<String, Object> bundle;

    private Mime(Map<String, Object> bundle) {
        this.bundle = Map.copyOf(bundle);
    }

    /** HTML, shown as text elsewhere. */
    public static Mime html(String html) {
        return of("text/html", html, html);
    }

    /** Markdown, shown as its source elsewhere. */
    public static Mime markdown(String markdown) {
        return of("text/markdown", markdown, markdown);
    }

    /** Any MIME type with its data (a String, or a byte[] for binary types) and a text fallback. */
    public static Mime of(String mimeType, Object data, String text) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put(Objects.requireNonNull(mimeType), Objects.requireNonNull(data));
        b.put(PLAIN, Objects.requireNonNull(text));
        return new Mime(b);
    }

    @Override
    public Map<String, Object> mimeBundle(Set<String> accepted) {
        return bundle;
    }

    @Override
    public String toString() {
        return String.valueOf(bundle.get(PLAIN));
    }
}
