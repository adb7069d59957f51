package conclab.chart;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import conclab.trace.Span;
import conclab.trace.SpanState;
import conclab.trace.Trace;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class TraceExportTest {

    static List<JsonObject> events(String json, String ph) {
        JsonArray a = JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("traceEvents");
        return a.asList().stream().map(JsonElement::getAsJsonObject)
                .filter(o -> o.get("ph").getAsString().equals(ph)).toList();
    }

    @Test
    void perfettoJsonHasOneTrackPerLaneAndOneCompleteEventPerSpan() {
        Trace t = TestTraces.small();
        String json = TraceExport.perfettoJson(t);
        List<JsonObject> x = events(json, "X");
        assertEquals(t.spans().size(), x.size());
        Map<Integer, String> names = new HashMap<>();
        for (JsonObject m : events(json, "M")) {
            if (m.get("name").getAsString().equals("thread_name")) {
                names.put(m.get("tid").getAsInt(), m.getAsJsonObject("args").get("name").getAsString());
            }
        }
        assertEquals(Set.of("worker-1", "worker-2", "worker-10"), new HashSet<>(names.values()));
        // each span on its lane's track, in microseconds since the origin
        JsonObject first = x.stream().filter(o -> names.get(o.get("tid").getAsInt()).equals("worker-2")
                && o.get("cat").getAsString().equals("holding lock")).findFirst().orElseThrow();
        assertEquals(20_000.0, first.get("ts").getAsDouble());
        assertEquals(30_000.0, first.get("dur").getAsDouble());
        assertEquals("task 2", first.get("name").getAsString());
        assertEquals(t.counters().size(), events(json, "C").size());
        assertEquals(t.markers().size(), events(json, "i").size());
        // the label with quotes survives escaping
        assertEquals("small \"demo\"", JsonParser.parseString(json).getAsJsonObject()
                .getAsJsonObject("otherData").get("label").getAsString());
    }

    @Test
    void jsonEscapesEverythingAndKeepsSubMicrosecondTimes() {
        String nasty = "a\"b\\c\nd\te\u0001f\u2028g✓";
        Span s = new Span(nasty, 1, nasty, 1, "carrier \"0\"", 1_000, 2_501, SpanState.RUNNING);
        Trace t = new Trace(nasty, 0, 3_000, List.of(s), List.of(), List.of(), Map.of("k\"", "v\n"));
        String json = TraceExport.perfettoJson(t);
        JsonObject x = events(json, "X").getFirst();
        assertEquals(nasty, x.get("name").getAsString());
        assertEquals(1.0, x.get("ts").getAsDouble());
        assertEquals(1.501, x.get("dur").getAsDouble(), 1e-9);
        assertEquals("carrier \"0\"", x.getAsJsonObject("args").get("carrier").getAsString());
    }

    @Test
    void csvHasARowPerSpanMarkerAndCounter() {
        Trace t = TestTraces.small();
        List<String> rows = TraceExport.csv(t).lines().toList();
        assertEquals(TraceExport.CSV_HEADER, rows.getFirst());
        assertEquals(1 + t.spans().size() + t.markers().size() + t.counters().size(), rows.size());
        assertTrue(rows.contains("span,worker-2,task 2,2,2,,HOLDING_LOCK,20000000,50000000,,"), rows.toString());
        Trace q = new Trace("q", 0, 10, List.of(new Span("a,\"b\"", 1, "l", 1, null, 0, 5, SpanState.WAITING)),
                List.of(), List.of(), Map.of());
        assertTrue(TraceExport.csv(q).contains("span,l,\"a,\"\"b\"\"\",1,1,,WAITING,0,5,,"));
    }
}
