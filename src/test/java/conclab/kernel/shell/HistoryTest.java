package conclab.kernel.shell;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HistoryTest {

    private History filled() {
        History h = new History(1);
        String[] inputs = {"6 * 7", "int x = 1;", "6 * 8", "6 * 7", "x"};
        for (int i = 0; i < inputs.length; i++) h.add(i + 1, inputs[i]);
        h.output(1, "42");
        return h;
    }

    private static List<String> inputs(List<History.Entry> entries) {
        return entries.stream().map(History.Entry::input).toList();
    }

    @Test
    void tailGivesTheLastN() {
        assertEquals(List.of("6 * 7", "x"), inputs(filled().tail(2)));
    }

    @Test
    void rangeIsStartInclusiveStopExclusive() {
        History h = filled();
        assertEquals(List.of("int x = 1;", "6 * 8"), inputs(h.range(1, 2, 4)));
        assertEquals(List.of("int x = 1;", "6 * 8"), inputs(h.range(0, 2, 4)));  // 0 = this session
        assertEquals(List.of(), h.range(7, 1, 4));
    }

    @Test
    void searchMatchesGlobsOnTheWholeInput() {
        History h = filled();
        assertEquals(List.of("6 * 7", "6 * 8", "6 * 7"), inputs(h.search("6 * ?", 0, false)));
        assertEquals(List.of("6 * 8", "6 * 7"), inputs(h.search("6 * ?", 0, true)));
        assertEquals(List.of("6 * 7"), inputs(h.search("6 * ?", 1, false)));
        assertEquals(List.of(), inputs(h.search("6", 0, false)));
        assertEquals(5, h.search("*", 0, false).size());
    }

    @Test
    void entriesBecomeProtocolTuples() {
        var json = History.toJson(filled().tail(5).subList(0, 1), true);
        assertEquals("[[1,1,[\"6 * 7\",\"42\"]]]", json.toString());
        assertEquals("[[1,5,\"x\"]]", History.toJson(filled().tail(1), false).toString());
    }
}
