/**
 * Implementation shared by {@code conclab.task} and the checks' probes ({@code conclab.check}): how a thread
 * waits, read from the JVM. Not an API, and not imported into a session: types here may change without notice.
 */
package conclab.task.internal;
