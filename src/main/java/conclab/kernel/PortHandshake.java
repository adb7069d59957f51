package conclab.kernel;

import com.google.gson.JsonObject;
import conclab.kernel.wire.ConnectionInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The kernel's half of the port handshake: once every socket is bound, the ports really bound are
 * written to a file that the kernelspec's provisioner ({@code conclab_provisioner.py}) waits for and
 * hands to jupyter_client, which rewrites the connection file and connects to them.
 *
 * <p>Why: jupyter_client 7 chooses a kernel's ports by binding port 0 and closing the socket again, and
 * every single-user server of a JupyterHub chooses alone; two servers can pick the same free port for
 * two kernels before either has bound it, and a JVM's start keeps that window open for seconds. Its
 * restarts then reuse the same cached ports, so the kernel that lost fails every time.
 */
final class PortHandshake {

    private PortHandshake() {}

    /** Writes {@code bound}'s ports to {@code file} atomically (the reader never sees half a file). */
    static void write(Path file, ConnectionInfo bound) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("shell_port", bound.shellPort());
        o.addProperty("iopub_port", bound.iopubPort());
        o.addProperty("stdin_port", bound.stdinPort());
        o.addProperty("control_port", bound.controlPort());
        o.addProperty("hb_port", bound.hbPort());
        o.addProperty("pid", ProcessHandle.current().pid());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, o.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
