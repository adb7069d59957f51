/**
 * Synchronisation primitives that behave exactly as the {@code java.util.concurrent} ones they wrap
 * and record what they do into the recorder of the calling thread (or one given with
 * {@link conclab.sync.Traced#recordInto}): waits as {@code WAITING} or {@code BLOCKED} spans, holds as
 * {@code HOLDING_LOCK}, and counters over time (queue depth, permits in use, readers). Also the
 * simulated global interpreter lock, {@link conclab.sync.Gil}. Made by {@link conclab.Lab}.
 *
 * <h2>Memory consistency</h2>
 * The same as the wrapped primitive, stated on each class: for example, a lock's unlock happens-before
 * every later lock of it, and an element's insertion into a queue happens-before its removal. Recording
 * adds no synchronisation a program could rely on. Methods named {@code try*} never block.
 */
package conclab.sync;
