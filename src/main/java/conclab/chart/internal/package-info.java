/**
 * Implementation of {@code conclab.chart}: rendering to PNG/SVG, lane binning, text art, fits,
 * throttling and JSON writing. Not an API: types here may change without notice; use
 * {@link conclab.chart.Charts} and the chart classes of the package root.
 */
package conclab.chart.internal;
