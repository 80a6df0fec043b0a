package org.entrylog.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import org.entrylog.common.Ids;
import org.entrylog.pass.PassToken;
import org.entrylog.pass.QrRenderer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The QR image of a pass: ZXing's encode alone, the renderer as the server runs it, and, for
 * comparison in the same run, the first renderer (per-pixel {@code setRGB} and a plain
 * {@code ImageIO.write}) and a 300-pixel image. One thread, images per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QrBench {
    private static final Map<EncodeHintType, Object> HINTS = Map.of(
            EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
            EncodeHintType.MARGIN, 4,
            EncodeHintType.CHARACTER_SET, "ISO-8859-1");

    private final QrRenderer renderer = new QrRenderer();
    private String token;

    @Setup
    public void setup() {
        token = Ids.encode(Ids.randomBytes(PassToken.LENGTH));
        ImageIO.setUseCache(false);
    }

    @Benchmark
    public BitMatrix zxingEncodeOnly() throws Exception {
        return new QRCodeWriter().encode(token, BarcodeFormat.QR_CODE, 0, 0, HINTS);
    }

    @Benchmark
    public BitMatrix zxingEncodeFixedMask() throws Exception {
        Map<EncodeHintType, Object> hints = new java.util.HashMap<>(HINTS);
        hints.put(EncodeHintType.QR_MASK_PATTERN, 0);
        return new QRCodeWriter().encode(token, BarcodeFormat.QR_CODE, 0, 0, hints);
    }

    @Benchmark
    public String serverDataUrl() {
        return renderer.dataUrl(token);
    }

    @Benchmark
    public byte[] firstRendererOnePixelPerModule() throws Exception {
        return setRgbPng(0);
    }

    @Benchmark
    public byte[] firstRenderer300px() throws Exception {
        return setRgbPng(300);
    }

    private byte[] setRgbPng(int size) throws Exception {
        BitMatrix m = new QRCodeWriter().encode(token, BarcodeFormat.QR_CODE, size, size, HINTS);
        BufferedImage img = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                img.setRGB(x, y, m.get(x, y) ? 0x000000 : 0xFFFFFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

}
