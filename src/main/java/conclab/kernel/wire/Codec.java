package conclab.kernel.wire;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns {@link Message}s into ZeroMQ frames and back, signing and verifying them with the
 * connection's HMAC key, and makes the headers of the messages the kernel sends.
 *
 * <p>Verification is constant-time ({@link MessageDigest#isEqual}). A signature seen before is a
 * replay and is refused; the kernel remembers the last {@value #REPLAY_WINDOW} signatures.
 * Frames larger than {@link #maxFrameBytes} are refused before parsing.
 *
 * <p>Thread-safe: encoding happens on several threads (shell, control, iopub); the replay set is
 * guarded by its own lock.
 */
public final class Codec {

    public static final String DELIMITER = "<IDS|MSG>";
    public static final String PROTOCOL_VERSION = "5.4";
    static final int REPLAY_WINDOW = 1 << 15;
    private static final byte[] DELIM = DELIMITER.getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final Mac prototype;           // null when unsigned; cloned per use (Mac is not thread-safe)
    private final String session = UUID.randomUUID().toString();
    private final long maxFrameBytes;
    /* Recently seen signatures, guarded by itself; insertion-ordered so the oldest is dropped first. */
    private final Map<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > REPLAY_WINDOW;
        }
    };

    public Codec(String scheme, String key, long maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        if (key == null || key.isEmpty()) {
            prototype = null;
            return;
        }
        String alg = switch (scheme) {
            case "hmac-sha256" -> "HmacSHA256";
            case "hmac-sha512" -> "HmacSHA512";
            case "hmac-sha1" -> "HmacSHA1";
            default -> throw new IllegalArgumentException("unsupported signature scheme: " + scheme);
        };
        try {
            prototype = Mac.getInstance(alg);
            prototype.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), alg));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with " + scheme, e);
        }
    }

    /** This kernel's session id, sent in every header. */
    public String session() {
        return session;
    }

    /** A new header for a message of {@code type}. */
    public JsonObject header(String type) {
        JsonObject h = new JsonObject();
        h.addProperty("msg_id", UUID.randomUUID().toString());
        h.addProperty("session", session);
        h.addProperty("username", "kernel");
        h.addProperty("date", ISO.format(Instant.now()));
        h.addProperty("msg_type", type);
        h.addProperty("version", PROTOCOL_VERSION);
        return h;
    }

    /** A message of {@code type} answering or belonging to {@code parent} (may be null). */
    public Message message(String type, JsonObject parentHeader, List<byte[]> identities, JsonObject content) {
        return new Message(identities, header(type), parentHeader == null ? new JsonObject() : parentHeader,
                new JsonObject(), content, List.of());
    }

    /** The reply to {@code request}, routed back to its sender. */
    public Message reply(Message request, String type, JsonObject content) {
        return message(type, request.header(), request.identities(), content);
    }

    /** Frames of {@code m}, signed. */
    public List<byte[]> encode(Message m) {
        byte[] h = json(m.header()), p = json(m.parentHeader()), md = json(m.metadata()), c = json(m.content());
        List<byte[]> frames = new ArrayList<>(m.identities().size() + 6 + m.buffers().size());
        frames.addAll(m.identities());
        frames.add(DELIM);
        frames.add(sign(h, p, md, c).getBytes(StandardCharsets.US_ASCII));
        frames.add(h);
        frames.add(p);
        frames.add(md);
        frames.add(c);
        frames.addAll(m.buffers());
        return frames;
    }

    /**
     * Decodes and verifies frames.
     *
     * @throws BadMessageException when the frames are malformed, the signature is wrong or replayed
     */
    public Message decode(List<byte[]> frames) throws BadMessageException {
        int d = -1;
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            if (f == null) throw new BadMessageException("null frame");
            if (f.length > maxFrameBytes) throw new BadMessageException("frame of " + f.length + " bytes is too large");
            if (d < 0 && Arrays.equals(f, DELIM)) d = i;
        }
        if (d < 0) throw new BadMessageException("no " + DELIMITER + " delimiter");
        if (frames.size() < d + 6) throw new BadMessageException("too few frames: " + frames.size());
        byte[] sig = frames.get(d + 1), h = frames.get(d + 2), p = frames.get(d + 3), md = frames.get(d + 4),
                c = frames.get(d + 5);
        if (prototype != null) {
            byte[] expected = sign(h, p, md, c).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, sig)) throw new BadMessageException("bad signature");
            String key = new String(sig, StandardCharsets.US_ASCII);
            synchronized (seen) {
                if (seen.put(key, Boolean.TRUE) != null) throw new BadMessageException("replayed signature");
            }
        }
        JsonObject header = object(h, "header");
        for (String f : new String[] {"msg_id", "msg_type"}) {
            JsonElement e = header.get(f);
            if (e == null || !e.isJsonPrimitive()) throw new BadMessageException("header lacks " + f);
        }
        return new Message(frames.subList(0, d), header, object(p, "parent_header"), object(md, "metadata"),
                object(c, "content"), frames.subList(d + 6, frames.size()));
    }

    private static JsonObject object(byte[] frame, String what) throws BadMessageException {
        try {
            JsonElement e = JsonParser.parseString(new String(frame, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) throw new BadMessageException(what + " is not a JSON object");
            return e.getAsJsonObject();
        } catch (RuntimeException e) {
            throw new BadMessageException(what + " is not valid JSON");
        }
    }

    private String sign(byte[]... parts) {
        if (prototype == null) return "";
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        for (byte[] part : parts) mac.update(part);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** Compact JSON with nulls kept and no HTML escaping. */
    public static byte[] json(JsonElement e) {
        return GSON.toJson(e).getBytes(StandardCharsets.UTF_8);
    }

    public static Gson gson() {
        return GSON;
    }
}
