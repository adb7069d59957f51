package conclab.spi;

import java.util.Map;
import java.util.Set;

/**
 * An object that knows how to show itself: charts, tables, progress bars. Hosts call
 * {@link #mimeBundle(Set)} when the object is displayed or is the result of a notebook cell.
 */
public interface Displayable {

    /** MIME types hosts commonly accept. */
    String PNG = "image/png", SVG = "image/svg+xml", HTML = "text/html", MARKDOWN = "text/markdown",
            PLAIN = "text/plain";

    /** A Jupyter widget's view (a JSON object naming its model), drawn by the front end's widget manager. */
    String WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";

    /**
     * Renders this object in some of the {@code accepted} MIME types, preferably all of them.
     * Text types map to a {@link String}, binary types (image/png) to a {@code byte[]}.
     * The bundle always holds {@code text/plain} when it is accepted.
     */
    Map<String, Object> mimeBundle(Set<String> accepted);

    /**
     * Metadata for one MIME type of the bundle, e.g. {@code width} and {@code height} in CSS pixels for an
     * {@code image/png} rendered at twice its size for sharp screens. Empty by default.
     */
    default Map<String, Object> metadata(String mimeType) {
        return Map.of();
    }
}
