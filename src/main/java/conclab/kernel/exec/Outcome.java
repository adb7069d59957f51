package conclab.kernel.exec;

import conclab.kernel.cell.Liveness;

import java.util.ArrayList;
import java.util.List;

/** What evaluating a cell gave. */
public sealed interface Outcome {

    /** Ran to the end; {@code value} is the last expression's value when {@code hasValue}. */
    record Ok(boolean hasValue, Object value) implements Outcome {}

    /**
     * Failed: a compile error, an exception.
     *
     * @param ename     the error's name, e.g. {@code CompileError}, {@code java.lang.ArithmeticException}
     * @param evalue    its message
     * @param traceback the lines to show, ANSI-coloured
     */
    record Failed(String ename, String evalue, List<String> traceback) implements Outcome {}

    /**
     * Stopped by an interrupt. On the wire an error named {@value #ENAME}, as in IPython.
     *
     * @param evalue      what happened, in a few words
     * @param traceback   the lines to show, ANSI-coloured
     * @param unstoppable the cell's thread that ignored the stop, which the kernel stopped waiting for;
     *                    or null
     * @param survivors   threads of the cell still alive after a grace period (empty until the execute
     *                    handler looked, see {@link #withSurvivors})
     */
    record Interrupted(String evalue, List<String> traceback, Thread unstoppable, List<Thread> survivors)
            implements Outcome {

        /** The error name front ends know for an interrupt. */
        public static final String ENAME = "KeyboardInterrupt";

        public Interrupted(String evalue, List<String> traceback, Thread unstoppable) {
            this(evalue, traceback, unstoppable, List.of());
        }

        public String ename() {
            return ENAME;
        }

        /** The same interrupt, knowing which of the cell's threads survived it. */
        public Interrupted withSurvivors(List<Thread> survivors) {
            return new Interrupted(evalue, traceback, unstoppable, List.copyOf(survivors));
        }

        /** As an error for the wire: the interrupt, then any deadlock, then the survivors by name. */
        public Failed failed() {
            List<String> tb = new ArrayList<>(traceback);
            tb.addAll(Liveness.deadlocks());
            tb.addAll(Liveness.survivorReport(survivors));
            return new Failed(ENAME, evalue, tb);
        }
    }
}
