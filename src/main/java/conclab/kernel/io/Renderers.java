package conclab.kernel.io;

import conclab.spi.Displayable;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Turns values into MIME bundles for display_data and execute_result, with jjava's {@link Renderer}
 * as the registry. Built in: {@link Displayable} (charts, tables, {@code conclab.spi.Mime}),
 * {@link RenderedImage} (image/png) and text for everything else. Other parts of the project add
 * their own renderers through the {@link Plugin} service, without the kernel knowing their types.
 */
public final class Renderers {

    /** A service (META-INF/services/conclab.kernel.io.Renderers$Plugin) that registers renderers. */
    public interface Plugin {
        void register(Renderer renderer);
    }

    /** The MIME types asked of {@link Displayable}s. */
    public static final Set<String> ACCEPTED = Set.of(Displayable.PNG, Displayable.HTML, Displayable.MARKDOWN,
            Displayable.PLAIN, Displayable.WIDGET_VIEW);

    private final Renderer renderer = new Renderer();

    public Renderers(ClassLoader loader) {
        renderer.createRegistration(RenderedImage.class)
                .supporting(Displayable.PNG)
                .register((img, ctx) -> ctx.getOutputContainer().putData(Displayable.PNG, png(img)));
        renderer.createRegistration(Displayable.class)
                .supporting(Displayable.PNG, Displayable.SVG, Displayable.HTML, Displayable.MARKDOWN,
                        Displayable.WIDGET_VIEW)
                .register((d, ctx) -> fill(ctx.getOutputContainer(), d, ACCEPTED));
        for (Plugin p : ServiceLoader.load(Plugin.class, loader)) p.register(renderer);
    }

    /** A bundle for {@code value}; always with text/plain. */
    public DisplayData render(Object value) {
        if (value == null) {   // a cell whose value is null shows null, as JShell does
            DisplayData d = new DisplayData();
            d.putText("null");
            return d;
        }
        DisplayData d = renderer.render(value);
        if (!(value instanceof Displayable)
                || !d.hasDataForType(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN)) {
            d.putText(text(value));
        }
        return d;
    }

    private static void fill(DisplayData out, Displayable d, Set<String> accepted) {
        Set<String> ask = new LinkedHashSet<>(accepted);
        ask.add(Displayable.PLAIN);
        for (Map.Entry<String, Object> e : d.mimeBundle(ask).entrySet()) {
            Object v = e.getValue() instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : e.getValue();
            out.putData(e.getKey(), v);
            Map<String, Object> md = d.metadata(e.getKey());
            if (!md.isEmpty()) out.putMetaData(e.getKey(), md);
        }
    }

    /** Longest text/plain of a value; longer ones are cut with a note. */
    static final int MAX_TEXT = 20_000;

    /** The text form of any value, as JShell would print it, at most {@link #MAX_TEXT} characters. */
    public static String text(Object value) {
        String t = fullText(value);
        if (t.length() <= MAX_TEXT) return t;
        return t.substring(0, MAX_TEXT) + "… (" + (t.length() - MAX_TEXT) + " more characters)";
    }

    private static String fullText(Object value) {
        if (value == null) return "null";
        if (value instanceof String s) return '"' + s + '"';
        if (value instanceof Character c) return "'" + c + "'";
        if (value.getClass().isArray()) return arrayText(value);
        return String.valueOf(value);
    }

    private static String arrayText(Object a) {
        return switch (a) {
            case int[] x -> java.util.Arrays.toString(x);
            case long[] x -> java.util.Arrays.toString(x);
            case double[] x -> java.util.Arrays.toString(x);
            case float[] x -> java.util.Arrays.toString(x);
            case byte[] x -> java.util.Arrays.toString(x);
            case short[] x -> java.util.Arrays.toString(x);
            case char[] x -> java.util.Arrays.toString(x);
            case boolean[] x -> java.util.Arrays.toString(x);
            case Object[] x -> java.util.Arrays.deepToString(x);
            default -> String.valueOf(a);
        };
    }

    static String png(RenderedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
