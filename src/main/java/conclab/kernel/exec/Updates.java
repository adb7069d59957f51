package conclab.kernel.exec;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.VarSnippet;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * What JShell silently does to other snippets when a cell redefines something, made visible, and the
 * values of variables kept where they still fit.
 *
 * <p>When a declaration changes, JShell recompiles the snippets declared from it (its dependents). The
 * kernel runs cells in its own JVM, where a loaded class cannot be redefined, so JShell loads each
 * dependent under a fresh wrapper class: a variable's static field starts again at its default
 * ({@code jshell --execution local} says "update replaced variable mine, reset to null"). This class
 * handles those dependent events ({@link SnippetEvent#causeSnippet()} not null):
 * <ul>
 *   <li>a variable moved to a new wrapper class gets its old value back when that value fits the new
 *       field's type (same primitive type, or an instance of the new reference type), and the cell says
 *       the value was computed with the earlier definition; when it does not fit (its own type was
 *       redeclared, a record it holds for example) it stays at its default and the cell says so;</li>
 *   <li>a method, class or variable that can no longer be used until something is declared, or that no
 *       longer compiles, is named with what it waits for;</li>
 *   <li>a declaration replaced by one of another kind (a record by a class) is named.</li>
 * </ul>
 * Variables reset this way are remembered until they are declared again, so that a later
 * {@code NullPointerException} in a cell that uses one can name it ({@link #hints}).
 *
 * <p>Carrying values over is on unless {@code CONCLAB_KEEP_VALUES} (environment) or
 * {@code conclab.keepValues} (system property) is {@code 0}, {@code false} or {@code off}; the notices
 * are given either way.
 *
 * <p>Not thread-safe: used by the {@link Evaluator}, on the shell thread.
 */
final class Updates {

    private static final String GREEN = "\u001b[0;32m", RESET = "\u001b[0m";

    /** A variable left at its default by an update: in which cell, because of which redefinition. */
    private record Reset(int cell, String cause, String value) {}

    private final JShell shell;
    private final CellExecutionControl control;
    /* The Evaluator's map of each variable's current static field; updated here when a variable moves. */
    private final Map<String, Field> varFields;
    private final boolean keepValues;
    /* Variables reset by an update and not declared since, by name. */
    private final Map<String, Reset> resets = new HashMap<>();

    Updates(JShell shell, CellExecutionControl control, Map<String, Field> varFields, boolean keepValues) {
        this.shell = shell;
        this.control = control;
        this.varFields = varFields;
        this.keepValues = keepValues;
    }

    /** Whether values are carried over, from {@code CONCLAB_KEEP_VALUES} / {@code conclab.keepValues}. */
    static boolean keepValuesSetting() {
        String v = System.getProperty("conclab.keepValues", System.getenv("CONCLAB_KEEP_VALUES"));
        return v == null || !(v.strip().equals("0") || v.strip().equalsIgnoreCase("false")
                || v.strip().equalsIgnoreCase("off"));
    }

    /** The user declared {@code name} again: it is no longer a reset variable. */
    void declared(String name) {
        resets.remove(name);
    }

    /**
     * Handles the dependent events of one snippet's evaluation and returns the notices to show.
     *
     * @param events  what {@code JShell.eval} returned
     * @param loaded  the classes loaded during that evaluation, oldest first
     * @param cell    the execution count of the cell being run
     * @param cellOf  the execution count of the cell that declared a snippet, or 0 when unknown
     */
    List<String> apply(List<SnippetEvent> events, List<String> loaded, int cell, ToIntFunction<Snippet> cellOf) {
        List<String> notices = new ArrayList<>();
        // types declared or recompiled in this evaluation: a value whose type names one of them is of the
        // earlier class (a List<Point> holds earlier Points), whatever its erasure says
        java.util.Set<String> types = new java.util.HashSet<>();
        for (SnippetEvent ev : events) if (ev.snippet() instanceof TypeDeclSnippet t) types.add(t.name());
        for (SnippetEvent ev : events) {
            if (ev.causeSnippet() == null) continue;
            Snippet s = ev.snippet();
            String cause = name(ev.causeSnippet());
            switch (ev.status()) {
                case OVERWRITTEN -> {
                    if (s.subKind() != ev.causeSnippet().subKind() && s instanceof DeclarationSnippet
                            && ev.causeSnippet() instanceof DeclarationSnippet) {
                        notices.add(conclab.text.Messages.get("update.replaced", kind(s), name(s), kind(ev.causeSnippet()), cause));
                    }
                }
                case VALID -> {
                    if (s instanceof VarSnippet v && ev.isSignatureChange()) {
                        String n = moved(v, loaded, cell, cause, cellOf.applyAsInt(s), mentioned(v.typeName(), types));
                        if (n != null) notices.add(n);
                    }
                }
                case RECOVERABLE_DEFINED, RECOVERABLE_NOT_DEFINED -> {
                    if (isTemp(s)) {
                        // nothing to say about a $N
                    } else if (s instanceof VarSnippet v && shell.unresolvedDependencies(v).findAny().isEmpty()) {
                        // its initializer no longer compiles (JShell recompiles `var p = new Point(..)` against
                        // the new Point and fails): the variable is gone until declared again
                        int in = cellOf.applyAsInt(s);
                        notices.add(conclab.text.Messages.get("update.unusable", "`" + v.name() + "`", cause, firstError(s),
                                in > 0 ? conclab.text.Messages.get("update.rerun_cell", String.valueOf(in)) : conclab.text.Messages.get("update.declare_again")));
                    } else {
                        notices.add(conclab.text.Messages.get(s instanceof VarSnippet ? "update.cannot_be_used" : "update.cannot_be_called",
                                kind(s), name(s), waitsFor((DeclarationSnippet) s), cause));
                    }
                    if (s instanceof VarSnippet v) varFields.remove(v.name());
                }
                case REJECTED, DROPPED -> {
                    if (!isTemp(s) && s instanceof DeclarationSnippet) {
                        notices.add(conclab.text.Messages.get("update.no_longer_compiles", kind(s), name(s), cause, firstError(s)));
                    }
                    if (s instanceof VarSnippet v) varFields.remove(v.name());
                }
                default -> { }
            }
        }
        return notices;
    }

    /**
     * Variable {@code v} moved to a new wrapper class: carries its value over when it fits, else
     * remembers it as reset. Returns the notice, or null when there is nothing to say.
     */
    private String moved(VarSnippet v, List<String> loaded, int cell, String cause, int declaredIn, String redeclared) {
        Field old = varFields.get(v.name());
        Field now = null;
        for (int i = loaded.size() - 1; i >= 0 && now == null; i--) {
            Field f = control.field(loaded.get(i), v.name());
            if (f != null && java.lang.reflect.Modifier.isStatic(f.getModifiers())
                    && (old == null || f.getDeclaringClass() != old.getDeclaringClass())) now = f;
        }
        if (now == null) return null;   // no new class found: JShell kept the old one
        varFields.put(v.name(), now);
        Object value;
        try {
            value = old == null ? null : old.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            value = null;
        }
        String rerun = declaredIn > 0 ? conclab.text.Messages.get("update.rerun_cell", String.valueOf(declaredIn)) : conclab.text.Messages.get("update.rerun_declaring");
        if (old == null || isDefault(old, value)) return null;   // nothing was lost
        if (keepValues && redeclared == null && fits(old, now, value)) {
            try {
                now.set(null, value);
                resets.remove(v.name());
                return isTemp(v) ? null : conclab.text.Messages.get("update.kept", "`" + v.name() + "`", cause, rerun);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // falls through: reported as reset
            }
        }
        String dflt = defaultOf(now.getType());
        resets.put(v.name(), new Reset(cell, cause, dflt));
        if (isTemp(v)) return null;
        String why;
        if (!keepValues) {
            why = conclab.text.Messages.get("update.why.not_kept", cause);
        } else if (redeclared != null) {
            why = v.typeName().equals(redeclared) ? conclab.text.Messages.get("update.why.type_redeclared", redeclared)
                    : conclab.text.Messages.get("update.why.type_names_redeclared", v.typeName(), redeclared);
        } else {
            why = conclab.text.Messages.get("update.why.no_fit", cause, now.getType().getSimpleName());
        }
        return conclab.text.Messages.get("update.reset", "`" + v.name() + "`", dflt, why, rerun);
    }

    /**
     * Hint lines for a {@code NullPointerException} in a cell: every variable the cell's code or the
     * message names that an update reset and that still holds its default.
     */
    List<String> hints(String exceptionClass, String message, String code) {
        List<String> out = new ArrayList<>();
        if (resets.isEmpty() || !"java.lang.NullPointerException".equals(exceptionClass)) return out;
        for (Map.Entry<String, Reset> e : resets.entrySet()) {
            String name = e.getKey();
            Pattern word = Pattern.compile("(?<![\\w$])" + Pattern.quote(name) + "(?![\\w$])");
            if (!word.matcher(code).find() && (message == null || !word.matcher(message).find())) continue;
            Field f = varFields.get(name);
            try {
                if (f != null && !isDefault(f, f.get(null))) continue;   // assigned since
            } catch (ReflectiveOperationException | RuntimeException ex) {
                continue;
            }
            Reset r = e.getValue();
            out.add(GREEN + conclab.text.Messages.get("update.hint", "`" + name + "`", r.value(), String.valueOf(r.cell()), r.cause()) + RESET);
        }
        return out;
    }

    /** The first of {@code types} that {@code typeName} names as a word, or null. */
    private static String mentioned(String typeName, java.util.Set<String> types) {
        for (String t : types) {
            if (Pattern.compile("(?<![\\w$.])" + Pattern.quote(t) + "(?![\\w$])").matcher(typeName).find()) return t;
        }
        return null;
    }

    private static boolean fits(Field from, Field to, Object value) {
        Class<?> t = to.getType();
        if (t.isPrimitive() || from.getType().isPrimitive()) return t == from.getType();
        return value == null || t.isInstance(value);
    }

    private static boolean isDefault(Field f, Object value) {
        if (value == null) return true;
        if (!f.getType().isPrimitive()) return false;
        return value.equals(false) || (value instanceof Character c && c == 0)
                || (value instanceof Number n && n.doubleValue() == 0 && n.longValue() == 0);
    }

    private static String defaultOf(Class<?> type) {
        if (!type.isPrimitive()) return "null";
        if (type == boolean.class) return "false";
        if (type == char.class) return "'\\0'";
        return type == float.class || type == double.class ? "0.0" : "0";
    }

    private static boolean isTemp(Snippet s) {
        return s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    /** What {@code s} waits for: the names JShell lists as unresolved, else its first error. */
    private String waitsFor(DeclarationSnippet s) {
        List<String> unresolved = shell.unresolvedDependencies(s).toList();
        if (!unresolved.isEmpty()) return conclab.text.Messages.get(unresolved.size() == 1 ? "update.waits.one" : "update.waits.many",
                String.join(", ", unresolved));
        String err = firstError(s);
        return err.isEmpty() ? conclab.text.Messages.get("update.waits.compiles") : conclab.text.Messages.get("update.waits.fixed", err);
    }

    private String firstError(Snippet s) {
        return shell.diagnostics(s).filter(Diag::isError).findFirst()
                .map(d -> ": " + d.getMessage(Locale.ROOT).lines().findFirst().orElse("").strip())
                .orElse("");
    }

    /** How a snippet is named to the learner, e.g. {@code `stages(String, Executor)`}. */
    static String name(Snippet s) {
        return switch (s) {
            case MethodSnippet m -> "`" + m.name() + "(" + m.parameterTypes().replace(",", ", ") + ")`";
            case DeclarationSnippet d -> "`" + d.name() + "`";
            default -> "`" + s.source().strip() + "`";
        };
    }

    /** The kind of declaration, in words: method, record, class, variable, ... */
    static String kind(Snippet s) {
        return switch (s.subKind()) {
            case METHOD_SUBKIND -> conclab.text.Messages.get("kind.method");
            case RECORD_SUBKIND -> conclab.text.Messages.get("kind.record");
            case CLASS_SUBKIND -> conclab.text.Messages.get("kind.class");
            case INTERFACE_SUBKIND -> conclab.text.Messages.get("kind.interface");
            case ENUM_SUBKIND -> conclab.text.Messages.get("kind.enum");
            case ANNOTATION_TYPE_SUBKIND -> conclab.text.Messages.get("kind.annotation_type");
            case VAR_DECLARATION_SUBKIND, VAR_DECLARATION_WITH_INITIALIZER_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND -> conclab.text.Messages.get("kind.variable");
            default -> s.kind() == Snippet.Kind.TYPE_DECL ? conclab.text.Messages.get("kind.type") : conclab.text.Messages.get("kind.declaration");
        };
    }
}
