package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Map;
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
            int scale = 4; // image-rendering: pixelated on a phone screen
            int w = img.getWidth() * scale;
            int h = img.getHeight() * scale;
            int[] rgb = new int[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgb[y * w + x] = img.getRGB(x / scale, y / scale);
                }
            }
            var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, rgb)));
            String decoded = new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, true)).getText();
            assertEquals(token, decoded);
        }
    }
}
