/**
 * A data set to process in parallel (lesson 13): a seeded CSV of bike trips written once
 * ({@link conclab.data.Trips}), its rows ({@link conclab.data.Trip}) and per-station sums
 * ({@link conclab.data.Tally}), the lab's reference aggregations ({@link conclab.data.Totals}), a
 * bounded read → parse → aggregate pipeline over chunks of whole lines ({@link conclab.data.Chunks}),
 * and the probes the lesson's exercises are checked with ({@link conclab.data.DataChecks}).
 * The front door is {@link conclab.Lab#trips}.
 */
package conclab.data;
