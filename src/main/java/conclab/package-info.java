/**
 * Concurrency Lab's helper library. Start at {@link conclab.Lab}: one class of static methods that
 * reaches every workload, strategy, experiment, traced primitive and notebook helper. The library does
 * not depend on the kernel: it works the same in a notebook, in plain {@code jshell} and in any Java
 * program; it reaches its host only through {@link conclab.spi.Hosts}.
 *
 * <ul>
 *   <li>{@code conclab.task}: workloads, strategies, experiments, pipelines, the structured scope;
 *   <li>{@code conclab.sync}: synchronisation primitives that record what they do, and the simulated GIL;
 *   <li>{@code conclab.trace}: the recorder, the trace model, statistics and scaling fits.
 * </ul>
 */
package conclab;
