package conclab.kernel.io;

import conclab.kernel.cell.CellContext;
import conclab.kernel.cell.Contexts;
import com.google.gson.JsonObject;
import conclab.kernel.wire.Codec;
import conclab.kernel.wire.Message;
import conclab.kernel.wire.Transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code System.in} of the kernel: when cell code reads and nothing is buffered, it asks the front
 * end for a line with an input_request on the stdin channel (under the reading thread's cell), and
 * waits for the input_reply. When the front end does not allow stdin, reading fails with a clear
 * message. One reader at a time holds the stdin channel.
 */
public final class StdinBridge extends InputStream {

    private final Contexts contexts;
    private final Transport transport;
    private final Codec codec;
    private final OutputRouter output;
    /* The rest of the last line received; guarded by this. */
    private byte[] buffer = new byte[0];
    private int pos;

    public StdinBridge(Contexts contexts, Transport transport, Codec codec, OutputRouter output) {
        this.contexts = contexts;
        this.transport = transport;
        this.codec = codec;
        this.output = output;
    }

    @Override
    public synchronized int read() throws IOException {
        if (pos >= buffer.length) fill();
        return buffer[pos++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pos >= buffer.length) fill();
        int n = Math.min(len, buffer.length - pos);
        System.arraycopy(buffer, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return buffer.length - pos;
    }

    private void fill() throws IOException {
        CellContext ctx = contexts.forCurrentThread();
        if (ctx == null || !ctx.allowStdin()) {
            // unchecked: Scanner would take an IOException for the end of the input and hide the reason
            throw new IllegalStateException(noInput("System.in"));
        }
        buffer = (ask(ctx, "", false) + "\n").getBytes(StandardCharsets.UTF_8);
        pos = 0;
    }

    private static String noInput(String what) {
        return what + " has nothing to read: this front end does not accept input "
                + "(the request had allow_stdin false). Run the cell in JupyterLab or Notebook to type input.";
    }

    /**
     * A line typed in the front end under {@code ctx} (the input box shows {@code prompt}): for readers other
     * than {@code System.in}, e.g. Python's {@code input()} in a {@code %%python} cell.
     *
     * @param what who reads, for the message when the front end takes no input
     * @throws UnsupportedOperationException when the cell's request had allow_stdin false
     * @throws InterruptedIOException when the cell is interrupted while waiting
     */
    public String readLine(CellContext ctx, String prompt, boolean password, String what) throws IOException {
        if (!ctx.allowStdin()) throw new UnsupportedOperationException(noInput(what));
        return ask(ctx, prompt, password);
    }

    private String ask(CellContext ctx, String prompt, boolean password) throws IOException {
        output.flush(ctx);   // what was printed as a prompt shows before the input box
        JsonObject content = new JsonObject();
        content.addProperty("prompt", prompt);
        content.addProperty("password", password);
        synchronized (transport.stdinLock()) {
            Transport.Channel stdin = transport.stdin();
            stdin.send(codec.message("input_request", ctx.parentHeader(), ctx.identities(), content));
            while (true) {
                Message reply = stdin.receive(500);
                if (ctx.stopRequested() || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for input");
                }
                if (reply == null || !reply.type().equals("input_reply")) continue;
                return reply.str("value", "");
            }
        }
    }
}
