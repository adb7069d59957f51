package conclab.widgets;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes widgets; {@code conclab.Lab} offers the common ones under short names ({@code intSlider},
 * {@code button}, {@code progress}, {@code output}, {@code hbox}, {@code vbox}, {@code interact}).
 */
public final class Widgets {

    private Widgets() {}

    public static Slider.Int intSlider(String label, int min, int max, int value) {
        return new Slider.Int(label, min, max, value, 1);
    }

    public static Slider.Float floatSlider(String label, double min, double max, double value) {
        return new Slider.Float(label, min, max, value, (max - min) / 100);
    }

    public static Slider.IntRange intRangeSlider(String label, int min, int max, int lower, int upper) {
        return new Slider.IntRange(label, min, max, lower, upper);
    }

    /** A drop-down list; the first option is chosen. */
    public static Choice.Dropdown dropdown(String label, String... options) {
        return new Choice.Dropdown(label, List.of(options), options.length > 0 ? options[0] : null);
    }

    /** A row of buttons of which one is pressed; the first at first. */
    public static Choice.ToggleButtons toggleButtons(String label, String... options) {
        return new Choice.ToggleButtons(label, List.of(options), options.length > 0 ? options[0] : null);
    }

    public static Checkbox checkbox(String label, boolean value) {
        return new Checkbox(label, value);
    }

    public static Text text(String label, String value) {
        return Text.input(label, value);
    }

    public static Text label(String text) {
        return Text.label(text);
    }

    public static Text html(String html) {
        return Text.html(html);
    }

    public static Button button(String label) {
        return new Button(label);
    }

    public static Progress.Int progress(String label, int max) {
        return new Progress.Int(label, max);
    }

    public static Progress.Float floatProgress(String label, double max) {
        return new Progress.Float(label, max);
    }

    public static Output output() {
        return new Output();
    }

    public static Box hbox(Widget... children) {
        return Box.row(Arrays.asList(children));
    }

    public static Box vbox(Widget... children) {
        return Box.column(Arrays.asList(children));
    }

    public static Box grid(int columns, Widget... children) {
        return Box.grid(columns, Arrays.asList(children));
    }

    public static <T> Link link(ValueWidget<T> a, ValueWidget<T> b) {
        return new Link(a, b);
    }

    /** Runs {@code function} now and again after each change of {@code controls}; shows what it returns. */
    public static Interact interact(Supplier<?> function, Widget... controls) {
        return new Interact(function, Arrays.asList(controls));
    }

    /** {@code interact(intSlider("Threads", 1, 8, 2), n -> chartFor(n))}. */
    public static <A> Interact interact(ValueWidget<A> a, Function<? super A, ?> function) {
        return new Interact(() -> function.apply(a.value()), List.of(a));
    }

    public static <A, B> Interact interact(ValueWidget<A> a, ValueWidget<B> b,
                                           BiFunction<? super A, ? super B, ?> function) {
        return new Interact(() -> function.apply(a.value(), b.value()), List.of(a, b));
    }
}
