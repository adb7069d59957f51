package conclab.task;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/**
 * The main class of a worker JVM of {@link Strategy#processes(int)}; not for direct use. It reads
 * tasks from standard input and answers on standard output, which it keeps for itself (what the work
 * prints goes to standard error).
 *
 * <p>Protocol, all big-endian ({@link DataOutputStream}): the worker first writes {@code READY}. Then the
 * parent sends {@code TASK, index:int, spec:UTF, payload:int, payload bytes}, and the worker answers
 * {@code DONE, index:int, computeNanos:long, payload:int, payload bytes} or
 * {@code FAILED, index:int, computeNanos:long, message:UTF}; {@code EXIT} (or end of input) ends the worker.
 * A workload is rebuilt from its spec once and reused.
 */
public final class ProcessWorker {

    static final int READY = 1, TASK = 2, DONE = 3, FAILED = 4, EXIT = 5;

    /** True in a worker JVM. Written once by main before any task runs. */
    private static volatile boolean inWorker;

    private ProcessWorker() {}

    static boolean inWorker() {
        return inWorker;
    }

    public static void main(String[] args) throws Exception {
        inWorker = true;
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        out.writeByte(READY);
        out.flush();
        String lastSpec = null;
        Work work = null;
        while (true) {
            int kind;
            try {
                kind = in.readByte();
            } catch (EOFException e) {
                return;
            }
            if (kind == EXIT) return;
            if (kind != TASK) throw new IllegalStateException("unexpected message " + kind);
            int index = in.readInt();
            String spec = in.readUTF();
            byte[] payload = in.readNBytes(in.readInt());
            long t0 = System.nanoTime();
            try {
                if (!spec.equals(lastSpec)) {
                    work = Work.parse(spec);
                    lastSpec = spec;
                }
                work.run(index);
                long t = System.nanoTime() - t0;
                out.writeByte(DONE);
                out.writeInt(index);
                out.writeLong(t);
                out.writeInt(payload.length);
                out.write(payload);
            } catch (Throwable e) {
                long t = System.nanoTime() - t0;
                out.writeByte(FAILED);
                out.writeInt(index);
                out.writeLong(t);
                out.writeUTF(String.valueOf(e));
            }
            out.flush();
        }
    }
}
