/**
 * Other systems for the lessons to talk to, all on 127.0.0.1 and started by the lesson: an HTTP service
 * with the latency, failures and capacity the lesson sets and a log of what it received
 * ({@link conclab.services.HttpTestService}); the retry loop and back-off policies once the learner has written
 * them ({@link conclab.services.Retry}); a small {@link conclab.services.CircuitBreaker}; and the checks of the
 * lessons' exercises ({@link conclab.services.ServiceChecks}). Database code stays in the notebooks (the
 * database's driver is loaded there with {@code %maven}); the checks that need a database take a
 * {@code javax.sql.DataSource} and use JDBC only.
 */
package conclab.services;
