/**
 * Charts of concurrency experiments: who ran when, how many ran at once, how speedup bends, where
 * latency piles up, what outcomes a race produced.
 *
 * <h2>Start here</h2>
 * {@link conclab.chart.Charts} has one static method per chart kind; each returns a chart configured
 * by setters that return the chart itself:
 * <pre>{@code
 * Charts.timeline(trace).order(TimelineChart.LaneOrder.NAME)   // Gantt: one lane per thread, states coloured
 * Charts.concurrency(trace)                                    // tasks running / waiting over time
 * Charts.speedup(series...)                                    // speedup vs workers, Amdahl and USL fits
 * Charts.histogram(h), Charts.percentiles(h)                   // latency from HdrHistogram
 * Charts.counters(trace, "queue depth")                        // counters over time
 * Charts.boxPlot().add("virtual", 0.21, 0.24, 0.22)            // repeated runs
 * Charts.iterations("µs", timesPerCall)                        // a warm-up curve, per iteration
 * Charts.outcomes().add("1", 130, Outcome.Verdict.FORBIDDEN)   // jcstress-style outcome counts
 * Charts.figure(a, b, c).columns(2)                            // several charts as one image
 * }</pre>
 *
 * <h2>Where charts show</h2>
 * Every chart is a {@link conclab.spi.Displayable}: in a notebook it renders as {@code image/png} at
 * twice its size ({@link conclab.chart.LabChart#width()} and {@code height()} give the 1× size for the
 * display metadata) and as {@code image/svg+xml} when asked; in plain JShell its {@code toString()} is a
 * Unicode drawing about 80 columns wide. {@link conclab.chart.LabChart#save(java.nio.file.Path)} writes
 * PNG, SVG or text by the file's extension. Rendering is always headless.
 *
 * <h2>Live</h2>
 * {@link conclab.chart.LiveChart} and {@link conclab.chart.Progress} update their display in place at
 * most every 250 ms and always once more when finished.
 *
 * <h2>Elsewhere</h2>
 * {@link conclab.chart.TraceExport} writes a trace as Chrome/Perfetto trace-event JSON or CSV.
 *
 * <h2>Speed</h2>
 * Timelines bin spans per pixel column (O(spans + lanes × pixels)), so a million spans draw in about a
 * second; {@link conclab.chart.Charts#warmUp()} loads the rendering path ahead of the first chart.
 *
 * <p>The implementation lives in {@code conclab.chart.internal}, which is not an API.
 */
package conclab.chart;
