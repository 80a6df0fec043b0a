package org.entrylog.pass;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders a pass as a QR code PNG with ZXing: error correction M, the standard 4-module quiet zone,
 * one pixel per module. The page scales it up with {@code image-rendering: pixelated}; a tiny image
 * encodes in a fraction of the time of a 300-pixel one and scales without blur.
 *
 * <p>Speed (BENCHMARKS.md): a fresh QR for every pass, every 30 s, for a whole country. Three
 * things cost most and are avoided here:
 * <ul>
 *   <li>ZXing's automatic mask choice encodes the symbol with all eight masks and scores each
 *       (about 15 times the cost of the rest of the encode). The mask is fixed instead: any mask
 *       is valid QR and every decoder reads all eight; the scoring only avoids patterns that
 *       trouble poor scans of print, and a pass is a sharp, high-contrast screen held to a
 *       camera. QrRendererTest decodes rendered passes to hold us to that.</li>
 *   <li>Pixels are written straight into the 1-bit raster, not through {@code setRGB} (a colour
 *       conversion per pixel).</li>
 *   <li>The PNG writer is looked up once per thread and reused, instead of a registry lookup and
 *       a new writer per image in {@code ImageIO.write}.</li>
 * </ul>
 */
public final class QrRenderer {
    /** The mask used for every pass (ISO/IEC 18004 mask 0: (row + column) mod 2 = 0). */
    static final int MASK_PATTERN = 0;
    private static final Map<EncodeHintType, Object> HINTS = Map.of(
            EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
            EncodeHintType.MARGIN, 4,
            EncodeHintType.CHARACTER_SET, "ISO-8859-1",
            EncodeHintType.QR_MASK_PATTERN, MASK_PATTERN);

    static {
        ImageIO.setUseCache(false);
    }

    private final ThreadLocal<ImageWriter> writers = ThreadLocal.withInitial(
            () -> ImageIO.getImageWritersByFormatName("png").next());

    /** A {@code data:image/png;base64,…} URL of the QR code for {@code text}. */
    public String dataUrl(String text) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(text));
    }

    public byte[] png(String text) {
        try {
            BitMatrix m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, HINTS);
            int w = m.getWidth();
            int h = m.getHeight();
            // TYPE_BYTE_BINARY: one bit per pixel, rows padded to whole bytes, palette 0 = black, 1 = white
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
            byte[] pixels = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            int stride = (w + 7) / 8;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (!m.get(x, y)) {
                        pixels[y * stride + (x >> 3)] |= (byte) (0x80 >>> (x & 7));
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            ImageWriter writer = writers.get();
            try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(img);
            } finally {
                writer.setOutput(null);
            }
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode a QR code", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
