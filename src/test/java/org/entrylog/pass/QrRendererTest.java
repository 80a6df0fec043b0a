package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.entrylog.common.Ids;
import org.junit.jupiter.api.Test;

/**
 * The pass QR, rendered with a fixed mask at one pixel per module, decodes back to the pass, every
 * time. (ZXing's decoder reads the symbol as a whole here; its camera path, which first hunts for
 * finder patterns, misses about 1 % of perfect synthetic images whichever mask is used, and fewer
 * with mask 0 than with the automatic choice: see BENCHMARKS.md.)
 */
class QrRendererTest {
    private final QrRenderer renderer = new QrRenderer();

    @Test
    void everyRenderedPassDecodesToItsTokenWhenScaledUpAsThePageDoes() throws Exception {
        for (int i = 0; i < 300; i++) {
            String token = Ids.encode(Ids.randomBytes(PassToken.LENGTH));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(renderer.png(token)));
            // scaled up 4 times: image-rendering: pixelated on a phone screen
            assertEquals(token, org.entrylog.testing.QrImages.decode(img, 4));
        }
    }
}
