package conclab.kernel.wire;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The connection file Jupyter writes for a kernel: where to bind and how to sign.
 *
 * @param transport        {@code tcp} (the only transport this kernel binds)
 * @param ip               the address to bind, e.g. {@code 127.0.0.1}
 * @param shellPort        shell ROUTER port
 * @param controlPort      control ROUTER port
 * @param stdinPort        stdin ROUTER port
 * @param iopubPort        iopub PUB port
 * @param hbPort           heartbeat port
 * @param signatureScheme  e.g. {@code hmac-sha256}
 * @param key              the signing key; empty means messages are not signed
 */
public record ConnectionInfo(String transport, String ip, int shellPort, int controlPort, int stdinPort,
                             int iopubPort, int hbPort, String signatureScheme, String key) {

    /** Reads a connection file. */
    public static ConnectionInfo read(Path file) throws IOException {
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException("not a JSON connection file: " + file + " (" + e.getMessage() + ")", e);
        }
        String transport = str(o, "transport", "tcp");
        if (!transport.equals("tcp")) {
            throw new IOException("transport '" + transport + "' is not supported by this kernel; use tcp");
        }
        return new ConnectionInfo(transport, str(o, "ip", "127.0.0.1"),
                port(o, "shell_port"), port(o, "control_port"), port(o, "stdin_port"),
                port(o, "iopub_port"), port(o, "hb_port"),
                str(o, "signature_scheme", "hmac-sha256"), str(o, "key", ""));
    }

    /** The ZeroMQ endpoint of a port, e.g. {@code tcp://127.0.0.1:5555}. */
    public String endpoint(int port) {
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return transport + "://" + host + ":" + port;
    }

    private static String str(JsonObject o, String name, String dflt) {
        return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsString() : dflt;
    }

    private static int port(JsonObject o, String name) throws IOException {
        if (!o.has(name)) throw new IOException("connection file lacks " + name);
        int p = o.get(name).getAsInt();
        if (p <= 0 || p > 65535) throw new IOException(name + " is not a port: " + p);
        return p;
    }
}
