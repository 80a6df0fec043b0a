package org.entrylog.venue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.entrylog.pass.QrRenderer;
import org.junit.jupiter.api.Test;

/** A venue's name is text in the kit, never markup. */
class DoorKitTest {
    @Test
    void theVenueNameIsEscaped() {
        String html = new DoorKit(new QrRenderer()).html("<script>alert(1)</script> & \"Cafe\"",
                "https://e.example/scan?enroll=abc", "https://e.example/pass");
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Cafe&quot;"));
    }
}
