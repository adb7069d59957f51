package conclab.widgets;

import java.util.List;
import java.util.Map;

/** Lays widgets out: in a row ({@code hbox}), a column ({@code vbox}) or a grid. */
public final class Box extends Widget {

    private final String kind;
    private final List<Widget> children;

    private Box(String kind, Map<String, Object> state, List<Widget> children) {
        super(state);
        this.kind = kind;
        this.children = children;
    }

    private static Map<String, Object> state(String model, String view, List<Widget> children) {
        Map<String, Object> s = Widget.control(model, view, null);
        s.put("box_style", "");
        s.put("children", List.copyOf(children));
        return s;
    }

    static Box row(List<Widget> children) {
        return new Box("row", state("HBoxModel", "HBoxView", children), List.copyOf(children));
    }

    static Box column(List<Widget> children) {
        return new Box("column", state("VBoxModel", "VBoxView", children), List.copyOf(children));
    }

    static Box grid(int columns, List<Widget> children) {
        if (columns < 1) throw new IllegalArgumentException(conclab.text.Messages.hint("arg.grid_columns", columns));
        Map<String, Object> s = state("GridBoxModel", "GridBoxView", children);
        Box b = new Box("grid", s, List.copyOf(children));
        ((Layout) s.get("layout")).put("grid_template_columns", "repeat(" + columns + ", auto)");
        return b;
    }

    /** The widgets inside, in order. */
    public List<Widget> children() {
        return children;
    }

    @Override public String text() {
        StringBuilder sb = new StringBuilder();
        for (Widget w : children) {
            if (!sb.isEmpty()) sb.append(kind.equals("row") ? "  |  " : "\n");
            sb.append(w.text());
        }
        return sb.toString();
    }
}
