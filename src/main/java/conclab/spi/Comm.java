package conclab.spi;

import java.util.List;

/**
 * One end of a comm: a channel of messages between the kernel and the front end, as the Jupyter
 * messaging protocol defines it ({@code comm_open}, {@code comm_msg}, {@code comm_close}). Widgets are
 * built on comms; most code uses them through {@code conclab.widgets}.
 *
 * <p>Opened by {@link Host#openComm}, or by the front end for a target registered with
 * {@link Host#registerCommTarget}. Thread-safe: any thread may send, also after the cell that opened it
 * has finished; the messages of one comm reach the front end in the order they were sent (for one thread,
 * in call order; for several, in the order their calls took the comm's lock). What a thread printed before
 * it sends goes out before the message.
 *
 * <p>Data travel as JSON text (an object, e.g. {@code {"method": "update"}}), binary data as buffers.
 *
 * <p>Where there is no front end (plain JShell, plain Java) the comm is detached: {@link #attached()} is
 * false and what is sent goes nowhere.
 */
public interface Comm {

    /** The comm id (unique per kernel session). */
    String id();

    /** The target name it was opened with, e.g. {@code jupyter.widget}. */
    String target();

    /**
     * Sends a {@code comm_msg} with {@code data} (a JSON object's text) and binary {@code buffers}; does
     * nothing once closed.
     *
     * @throws IllegalArgumentException when {@code data} is not a JSON object
     */
    void send(String data, List<byte[]> buffers);

    /** Sends a {@code comm_msg} with {@code data} and no buffers. */
    default void send(String data) {
        send(data, List.of());
    }

    /** Closes the comm (a {@code comm_close} to the front end) with {@code data}; closing twice does nothing. */
    void close(String data);

    /** True until either side closed it. */
    boolean isOpen();

    /** True when a front end may be listening (in the kernel), false in plain JShell or Java. */
    boolean attached();

    /**
     * What the front end sends on a comm. Handlers run on the kernel's one comm thread, in arrival order,
     * also while a cell runs, under the cell that opened the comm (what they print shows under it). A
     * handler should return quickly: while it runs, no other comm message is handled (long work belongs
     * on another thread, as in every GUI toolkit).
     */
    interface Handler {
        /** A {@code comm_msg} arrived. */
        void message(Comm comm, String data, List<byte[]> buffers);

        /** The front end closed the comm. */
        default void closed(Comm comm, String data) {}
    }

    /** A target the front end may open comms to: returns the handler of each new comm. */
    @FunctionalInterface
    interface Target {
        Handler opened(Comm comm, String data, List<byte[]> buffers);
    }

    /** A comm with no front end behind it: sends go nowhere. */
    static Comm detached(String target) {
        String id = java.util.UUID.randomUUID().toString().replace("-", "");
        return new Comm() {
            private volatile boolean open = true;
            @Override public String id() { return id; }
            @Override public String target() { return target; }
            @Override public void send(String data, List<byte[]> buffers) {}
            @Override public void close(String data) { open = false; }
            @Override public boolean isOpen() { return open; }
            @Override public boolean attached() { return false; }
        };
    }
}
