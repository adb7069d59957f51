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
            throw new IllegalStateException("System.in has nothing to read: this front end does not accept input "
                    + "(the request had allow_stdin false). Run the cell in JupyterLab or Notebook to type input.");
        }
        output.flush(ctx);   // what was printed as a prompt shows before the input box
        JsonObject content = new JsonObject();
        content.addProperty("prompt", "");
        content.addProperty("password", false);
        synchronized (transport.stdinLock()) {
            Transport.Channel stdin = transport.stdin();
            stdin.send(codec.message("input_request", ctx.parentHeader(), ctx.identities(), content));
            while (true) {
                Message reply = stdin.receive(500);
                if (ctx.stopRequested() || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting for input");
                }
                if (reply == null || !reply.type().equals("input_reply")) continue;
                String value = reply.str("value", "");
                buffer = (value + "\n").getBytes(StandardCharsets.UTF_8);
                pos = 0;
                return;
            }
        }
    }
}
