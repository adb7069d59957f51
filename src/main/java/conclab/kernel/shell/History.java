package conclab.kernel.shell;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The inputs (and text results) of this kernel session's cells, for history_request: tail, range and
 * search with glob patterns, as {@code [session, line, input]} or {@code [session, line, [input, output]]}.
 * Guarded by this object's monitor: the shell thread appends, any request thread reads.
 */
public final class History {

    /** One stored cell. */
    public record Entry(int session, int line, String input, String output) {}

    private final int session;
    private final List<Entry> entries = new ArrayList<>();

    public History(int session) {
        this.session = session;
    }

    public int session() {
        return session;
    }

    public synchronized void add(int line, String input) {
        entries.add(new Entry(session, line, input, null));
    }

    /** Records the text output of line {@code line}. */
    public synchronized void output(int line, String output) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.line() == line) {
                entries.set(i, new Entry(e.session(), e.line(), e.input(), output));
                return;
            }
        }
    }

    /** The last {@code n} entries. */
    public synchronized List<Entry> tail(int n) {
        return List.copyOf(entries.subList(Math.max(0, entries.size() - Math.max(n, 0)), entries.size()));
    }

    /** Entries of {@code session} (0 = this one; negative = relative) with start ≤ line < stop. */
    public synchronized List<Entry> range(int sessionArg, int start, int stop) {
        int s = sessionArg <= 0 ? session + sessionArg : sessionArg;
        if (s != session) return List.of();
        return entries.stream().filter(e -> e.line() >= start && (stop <= 0 || e.line() < stop)).toList();
    }

    /** Entries whose input matches the glob {@code pattern} ({@code *}, {@code ?}), the last {@code n} (0 = all). */
    public synchronized List<Entry> search(String pattern, int n, boolean unique) {
        Pattern p = glob(pattern);
        List<Entry> hits = entries.stream().filter(e -> p.matcher(e.input()).matches()).toList();
        if (unique) {
            Map<String, Entry> last = new LinkedHashMap<>();
            for (Entry e : hits) {
                last.remove(e.input());
                last.put(e.input(), e);
            }
            hits = List.copyOf(last.values());
        }
        return n > 0 && hits.size() > n ? hits.subList(hits.size() - n, hits.size()) : hits;
    }

    /** A glob as a regular expression matching the whole input (like SQLite's GLOB). */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** Entries as the protocol's tuples. */
    public static JsonArray toJson(List<Entry> entries, boolean output) {
        JsonArray a = new JsonArray();
        for (Entry e : entries) {
            JsonArray t = new JsonArray();
            t.add(e.session());
            t.add(e.line());
            if (output) {
                JsonArray io = new JsonArray();
                io.add(e.input());
                if (e.output() == null) io.add(JsonNull.INSTANCE);
                else io.add(e.output());
                t.add(io);
            } else {
                t.add(e.input());
            }
            a.add(t);
        }
        return a;
    }
}
