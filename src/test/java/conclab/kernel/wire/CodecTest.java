package conclab.kernel.wire;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CodecTest {

    private final Codec codec = new Codec("hmac-sha256", "secret", 1 << 20);

    private Message sample() {
        JsonObject content = new JsonObject();
        content.addProperty("code", "1 + 1 // ünïcode");
        return codec.message("execute_request", null, List.of("client".getBytes()), content);
    }

    @Test
    void aSignedMessageDecodesToTheSameMessage() throws Exception {
        Message m = sample();
        Message back = codec.decode(codec.encode(m));
        assertEquals(m.header(), back.header());
        assertEquals(m.content(), back.content());
        assertArrayEquals("client".getBytes(), back.identities().getFirst());
    }

    @Test
    void aTamperedContentIsRefused() {
        List<byte[]> frames = new ArrayList<>(codec.encode(sample()));
        int content = frames.size() - 1;
        frames.set(content, "{\"code\":\"System.exit(0)\"}".getBytes(StandardCharsets.UTF_8));
        BadMessageException e = assertThrows(BadMessageException.class, () -> codec.decode(frames));
        assertEquals("bad signature", e.getMessage());
    }

    @Test
    void aMessageSignedWithAnotherKeyIsRefused() {
        Codec other = new Codec("hmac-sha256", "other", 1 << 20);
        assertThrows(BadMessageException.class, () -> codec.decode(other.encode(sample())));
    }

    @Test
    void aReplayIsRefused() throws Exception {
        List<byte[]> frames = codec.encode(sample());
        codec.decode(frames);
        BadMessageException e = assertThrows(BadMessageException.class, () -> codec.decode(frames));
        assertEquals("replayed signature", e.getMessage());
    }

    @Test
    void anEmptyKeyMeansUnsigned() throws Exception {
        Codec plain = new Codec("hmac-sha256", "", 1 << 20);
        List<byte[]> frames = plain.encode(sample());
        assertEquals(0, frames.get(2).length);   // identities, delimiter, empty signature
        assertEquals("execute_request", plain.decode(frames).type());
    }

    @Test
    void malformedFramesAreRefusedWithAReason() {
        Codec plain = new Codec("hmac-sha256", "", 64);
        byte[] d = Codec.DELIMITER.getBytes();
        byte[] empty = "{}".getBytes();
        assertThrows(BadMessageException.class, () -> plain.decode(List.of("x".getBytes())));
        assertThrows(BadMessageException.class, () -> plain.decode(List.of(d, new byte[0], empty)));
        assertThrows(BadMessageException.class,
                () -> plain.decode(List.of(d, new byte[0], "[1]".getBytes(), empty, empty, empty)));
        assertThrows(BadMessageException.class,
                () -> plain.decode(List.of(d, new byte[0], "{\"msg_id\":\"1\"}".getBytes(), empty, empty, empty)));
        assertThrows(BadMessageException.class,
                () -> plain.decode(List.of(d, new byte[0], new byte[100], empty, empty, empty)));
    }
}
