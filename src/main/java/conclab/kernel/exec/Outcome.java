package conclab.kernel.exec;

import java.util.List;

/** What evaluating a cell gave. */
public sealed interface Outcome {

    /** Ran to the end; {@code value} is the last expression's value when {@code hasValue}. */
    record Ok(boolean hasValue, Object value) implements Outcome {}

    /**
     * Failed: a compile error, an exception, an interrupt.
     *
     * @param ename     the error's name, e.g. {@code CompileError}, {@code java.lang.ArithmeticException}
     * @param evalue    its message
     * @param traceback the lines to show, ANSI-coloured
     */
    record Failed(String ename, String evalue, List<String> traceback) implements Outcome {}
}
