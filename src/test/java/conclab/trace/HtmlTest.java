package conclab.trace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HtmlTest {

    @Test
    void escapes_the_five_special_characters_and_nothing_else() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; µs ✓", Html.escape("a <b> & \"c\" 'd' µs ✓"));
        assertEquals("&amp;lt;", Html.escape("&lt;"), "escaping twice shows the first escape");
        String plain = "platform(2) 1.97×";
        assertSame(plain, Html.escape(plain), "text without special characters is returned as is");
        assertEquals("", Html.escape(null));
        assertEquals("x", Html.escape(new StringBuilder("x")));
    }
}
