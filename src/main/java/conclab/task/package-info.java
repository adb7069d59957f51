/**
 * Workloads ({@link conclab.task.Work}, {@link conclab.task.Sizes}), the ways to run them
 * ({@link conclab.task.Strategy}), experiments comparing those ways ({@link conclab.task.Experiment},
 * {@link conclab.task.Runs}), producer/consumer pipelines ({@link conclab.task.Pipeline}), open-loop load
 * ({@link conclab.task.Load}), jcstress-style stress tests ({@link conclab.task.Stress}), a structured
 * scope ({@link conclab.task.Scope}), a loopback server for real blocking I/O, which can stall on purpose
 * ({@link conclab.task.LoopbackServer}), and one that serves the same protocol from a single event-loop
 * thread ({@link conclab.task.EventLoopServer}), and memory-model experiments whose loops must run in
 * compiled code ({@link conclab.task.MemoryDemos}). Reach them through {@link conclab.Lab}.
 *
 * <h2>Memory consistency</h2>
 * Actions of a thread before it runs a strategy, an experiment or a pipeline happen-before every task
 * of it; actions of every task happen-before the call returns (or throws). Results ({@link
 * conclab.task.Runs}, traces, statistics) are immutable and may be shared between threads freely.
 *
 * <h2>Cancellation</h2>
 * Interrupting the thread that runs a strategy, experiment or pipeline interrupts its tasks; library
 * workloads notice it (CPU work every ~20 µs, blocking work at once) and the call returns only after
 * every task thread has ended.
 */
package conclab.task;
