/**
 * The instruments behind the lessons' self-checks: each runs a learner's code on inputs of its own,
 * instrumented so that a wrong answer is caught on every run and on any number of cores, by forcing the
 * interleaving that breaks it ({@link conclab.check.Rendezvous}, {@link conclab.check.SharedInt}) or by
 * the structure of what ran (which threads, how many at once, in which order: {@link conclab.check.CallProbe},
 * {@link conclab.check.SplitProbe}, {@link conclab.check.Probes}), never by timing luck. Every wait has a
 * deadline, so a check says ✗ with a hint instead of hanging or throwing.
 *
 * <p>Lesson by lesson: 01a {@link conclab.check.CallProbe}, {@link conclab.check.Attempt}; 03
 * {@link conclab.check.SplitProbe}; 04 {@link conclab.check.BoxOffice}; 05 {@link conclab.check.Bank};
 * 06a, 06b, 07 {@link conclab.check.Probes}; 08a, 08b {@link conclab.check.ResponsivenessChecks}. How
 * a check earns its ✓ and the wrong answers each is tried on: {@code docs/writing-lessons.md} and
 * {@code src/test/notebooks/answers/}. The package builds on {@code task}, {@code sync} and
 * {@code trace}; nothing there depends on it.
 */
package conclab.check;
