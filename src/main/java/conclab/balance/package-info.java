/**
 * Fair shares and load balancing (lesson 12): fairness inside one program, then across servers.
 *
 * <h2>Inside one program</h2>
 * {@link conclab.balance.TaskQueue} is the queue a pool of workers takes jobs from, with the client each
 * job came from: {@link conclab.balance.TaskQueue#fifo() one shared FIFO},
 * {@link conclab.balance.TaskQueue#weighted(java.util.Map) weighted fair queuing},
 * {@link conclab.balance.TaskQueue#strictPriority(java.util.Map) strict priorities} and
 * {@link conclab.balance.TaskQueue#ageing(java.util.Map, java.time.Duration) priorities with ageing}.
 * {@link conclab.balance.Tenants} sends open-loop load from several clients through one of them to a
 * pool of workers and records each client's latency.
 *
 * <h2>Across servers</h2>
 * {@link conclab.balance.Cluster} starts in-process servers, each with its own worker threads and queue
 * and a speed that can change, or that can die. {@link conclab.balance.Cluster#load} sends open-loop load
 * through a {@link conclab.balance.Policy} (random, round-robin, least outstanding requests, power of two
 * random choices, or one's own), optionally with health checks, and records each request's latency and
 * the server that served it.
 *
 * <p>The servers are in-process rather than HTTP servers on the loopback so that a request costs the
 * client microseconds of CPU, not the hundreds an HTTP exchange costs on both ends: a lesson sends
 * thousands of them in a few seconds on two shared cores and the servers' speeds, not the client's CPU,
 * decide the latencies. Their capacity is still real: a fixed number of workers per server, and a queue
 * in front of them where requests wait.
 *
 * <p>{@link conclab.balance.Checks} holds the probes of the lesson's exercises.
 */
package conclab.balance;
