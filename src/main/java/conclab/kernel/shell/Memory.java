package conclab.kernel.shell;

import conclab.kernel.exec.Outcome;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refuses new cells while the heap stays nearly full after a collection, instead of letting the
 * compiler fail on them; a cell that frees a variable ({@code x = null;}) is always accepted.
 */
final class Memory {

    /** Fraction of the maximum heap above which, after a GC, cells are refused. */
    static final double FULL = 0.90;
    private static final Pattern FREEING = Pattern.compile("(\\s*[\\w$]+\\s*=\\s*null\\s*;?\\s*)+");

    private Memory() {}

    /** The variables a cell of only {@code x = null;} statements frees, or empty for any other cell. */
    static Optional<List<String>> freeing(String code) {
        if (!FREEING.matcher(code).matches()) return Optional.empty();
        return Optional.of(java.util.Arrays.stream(code.split(";"))
                .map(String::strip).filter(x -> !x.isEmpty())
                .map(x -> x.substring(0, x.indexOf('=')).strip()).toList());
    }

    /** The refusal to run {@code code}, or empty when there is room. */
    static Optional<Outcome> refusal(String code) {
        if (FREEING.matcher(code).matches() || used() < FULL) return Optional.empty();
        System.gc();
        double used = used();
        if (used < FULL) return Optional.empty();
        String msg = conclab.text.Messages.get("kernel.memory.full", conclab.text.Messages.format("%.0f%%", used * 100));
        return Optional.of(new Outcome.Failed("OutOfMemory", msg, List.of(
                "\u001b[1;31mOutOfMemory\u001b[0m: " + msg + conclab.text.Messages.get("kernel.memory.not_run"),
                "\u001b[0;32m" + conclab.text.Messages.get("kernel.memory.advice") + "\u001b[0m")));
    }

    private static double used() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        return (double) heap.getUsed() / max;
    }
}
