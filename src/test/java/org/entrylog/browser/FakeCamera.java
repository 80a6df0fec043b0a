package org.entrylog.browser;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.entrylog.pass.QrRenderer;

/**
 * A video file for Chromium's fake camera ({@code --use-file-for-fake-video-capture}): a pass
 * rendered as a QR code by the server's own renderer, scaled up to whole pixels per module and
 * centred on a white 640×480 frame, as a phone held in front of the tablet would show it.
 * Chromium loops the file, so a few identical frames are a steady picture.
 */
public final class FakeCamera {
    static final int W = 640;
    static final int H = 480;
    private static final int FRAMES = 3;

    private FakeCamera() {}

    /** A camera looking at the QR code of {@code token}. */
    public static Path showing(String token, Path file) {
        try {
            BufferedImage qr = ImageIO.read(new ByteArrayInputStream(new QrRenderer().png(token)));
            int modules = qr.getWidth(); // one pixel per module, quiet zone included
            int scale = Math.max(1, Math.min(8, (H - 40) / modules));
            int size = modules * scale;
            int x0 = (W - size) / 2;
            int y0 = (H - size) / 2;
            byte[] luma = new byte[W * H];
            Arrays.fill(luma, (byte) 235);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean dark = (qr.getRGB(x / scale, y / scale) & 0xFFFFFF) == 0;
                    luma[(y0 + y) * W + x0 + x] = (byte) (dark ? 16 : 235);
                }
            }
            return write(luma, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A camera looking at a plain white wall: nothing to decode. */
    public static Path blank(Path file) {
        byte[] luma = new byte[W * H];
        Arrays.fill(luma, (byte) 235);
        return write(luma, file);
    }

    /** Y4M, 4:2:0: each frame is the luma plane followed by two grey quarter-size chroma planes. */
    private static Path write(byte[] luma, Path file) {
        byte[] chroma = new byte[(W / 2) * (H / 2)];
        Arrays.fill(chroma, (byte) 128);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(("YUV4MPEG2 W" + W + " H" + H + " F10:1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < FRAMES; i++) {
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(luma);
                out.write(chroma);
                out.write(chroma);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
