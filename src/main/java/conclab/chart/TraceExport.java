package conclab.chart;

import conclab.chart.internal.Json;
import conclab.trace.CounterSample;
import conclab.trace.Marker;
import conclab.trace.Span;
import conclab.trace.Trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trace in formats other tools read.
 *
 * <ul>
 * <li><b>Chrome/Perfetto trace-event JSON</b>: open the file at <a href="https://ui.perfetto.dev">ui.perfetto.dev</a>
 * or {@code chrome://tracing}. One track per lane (a {@code tid} named by a {@code thread_name} metadata
 * event), each span a complete event ({@code "ph":"X"}, name = task, category = state), each counter sample a
 * counter event ({@code "ph":"C"}), each marker an instant event ({@code "ph":"i"}, on its lane or global,
 * its duration in {@code args}). Times in microseconds since the trace's origin.
 * <li><b>CSV</b>: one row per span, marker and counter sample, times in nanoseconds since the origin.
 * </ul>
 */
public final class TraceExport {

    private TraceExport() {}

    /** The trace as Chrome/Perfetto trace-event JSON (the object form, with {@code traceEvents}). */
    public static String perfettoJson(Trace trace) {
        StringBuilder sb = new StringBuilder(128 + trace.spans().size() * 160);
        long t0 = trace.originNanos();
        Map<String, Integer> tids = new LinkedHashMap<>();
        for (String lane : Charts.timeline(trace).order(TimelineChart.LaneOrder.FIRST_START).maxLanes(Integer.MAX_VALUE).lanes()) {
            tids.put(lane, tids.size() + 1);
        }
        for (Marker m : trace.markers()) if (m.lane() != null) tids.putIfAbsent(m.lane(), tids.size() + 1);
        sb.append("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"label\":");
        Json.string(sb, trace.label());
        for (var e : new java.util.TreeMap<>(trace.meta()).entrySet()) {
            sb.append(',');
            Json.string(sb, e.getKey()).append(':');
            Json.string(sb, e.getValue());
        }
        sb.append("},\"traceEvents\":[\n");
        sb.append("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":");
        Json.string(sb, trace.label()).append("}}");
        for (var e : tids.entrySet()) {
            sb.append(",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":").append(e.getValue()).append(",\"args\":{\"name\":");
            Json.string(sb, e.getKey()).append("}}");
            sb.append(",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":").append(e.getValue())
                    .append(",\"args\":{\"sort_index\":").append(e.getValue()).append("}}");
        }
        for (Span s : trace.spans()) {
            sb.append(",\n{\"name\":");
            Json.string(sb, s.task());
            sb.append(",\"cat\":");
            Json.string(sb, TimelineChart.label(s.state()));
            sb.append(",\"ph\":\"X\",\"ts\":");
            Json.micros(sb, s.startNanos() - t0);
            sb.append(",\"dur\":");
            Json.micros(sb, s.durationNanos());
            sb.append(",\"pid\":1,\"tid\":").append(tids.get(s.lane()));
            sb.append(",\"args\":{\"state\":\"").append(s.state().name()).append("\",\"taskId\":").append(s.taskId())
                    .append(",\"threadId\":").append(s.threadId());
            if (s.carrier() != null) {
                sb.append(",\"carrier\":");
                Json.string(sb, s.carrier());
            }
            sb.append("}}");
        }
        for (CounterSample c : trace.counters()) {
            sb.append(",\n{\"name\":");
            Json.string(sb, c.name());
            sb.append(",\"ph\":\"C\",\"ts\":");
            Json.micros(sb, c.atNanos() - t0);
            sb.append(",\"pid\":1,\"args\":{\"value\":");
            Json.number(sb, c.value()).append("}}");
        }
        for (Marker m : trace.markers()) {
            sb.append(",\n{\"name\":");
            Json.string(sb, m.kind());
            sb.append(",\"cat\":\"marker\",\"ph\":\"i\",\"ts\":");
            Json.micros(sb, m.atNanos() - t0);
            sb.append(",\"pid\":1");
            if (m.lane() != null) sb.append(",\"tid\":").append(tids.get(m.lane())).append(",\"s\":\"t\"");
            else sb.append(",\"tid\":0,\"s\":\"g\"");
            sb.append(",\"args\":{\"durationUs\":");
            Json.micros(sb, m.durationNanos());
            sb.append(",\"detail\":");
            Json.string(sb, m.detail()).append("}}");
        }
        return sb.append("\n]}\n").toString();
    }

    /** Writes {@link #perfettoJson} to {@code file}. */
    public static Path writePerfettoJson(Trace trace, Path file) throws IOException {
        Files.writeString(file, perfettoJson(trace), StandardCharsets.UTF_8);
        return file;
    }

    /** Header of {@link #csv}. */
    public static final String CSV_HEADER = "kind,lane,task,task_id,thread_id,carrier,state,start_ns,end_ns,name,value";

    /**
     * The trace as CSV (RFC 4180 quoting): rows of kind {@code span}, {@code marker} and {@code counter},
     * times in nanoseconds since the trace's origin.
     */
    public static String csv(Trace trace) {
        StringBuilder sb = new StringBuilder(64 + trace.spans().size() * 64);
        sb.append(CSV_HEADER).append('\n');
        long t0 = trace.originNanos();
        for (Span s : trace.spans()) {
            row(sb, "span", s.lane(), s.task(), Long.toString(s.taskId()), Long.toString(s.threadId()),
                    s.carrier() == null ? "" : s.carrier(), s.state().name(), Long.toString(s.startNanos() - t0),
                    Long.toString(s.endNanos() - t0), "", "");
        }
        for (Marker m : trace.markers()) {
            row(sb, "marker", m.lane() == null ? "" : m.lane(), "", "", "", "", "", Long.toString(m.atNanos() - t0),
                    Long.toString(m.atNanos() + m.durationNanos() - t0), m.kind(), m.detail());
        }
        for (CounterSample c : trace.counters()) {
            StringBuilder v = new StringBuilder();
            Json.number(v, c.value());
            row(sb, "counter", "", "", "", "", "", "", Long.toString(c.atNanos() - t0), "", c.name(), v.toString());
        }
        return sb.toString();
    }

    /** Writes {@link #csv} to {@code file}. */
    public static Path writeCsv(Trace trace, Path file) throws IOException {
        Files.writeString(file, csv(trace), StandardCharsets.UTF_8);
        return file;
    }

    private static void row(StringBuilder sb, String... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append(',');
            String c = cells[i];
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        sb.append('\n');
    }
}
