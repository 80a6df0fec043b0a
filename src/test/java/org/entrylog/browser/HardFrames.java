package org.entrylog.browser;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.imageio.ImageIO;
import org.entrylog.common.Ids;
import org.entrylog.pass.PassToken;
import org.entrylog.pass.QrRenderer;

/**
 * Hard camera frames of passes for the decoder test and bench: the server's own renderer makes
 * the QR code (version, level M, mask 0 as served), and {@code decoder/hard-frames.js}, run in
 * the page, turns it into a seeded 1280x720 camera frame (blur, tilt, glare...).
 */
public final class HardFrames {
    private static final QrRenderer RENDERER = new QrRenderer();

    private HardFrames() {}

    /** Pass-format tokens (random bytes of a pass's length, as the server encodes them), seeded. */
    public static String[] tokens(long seed, int n) {
        Random r = new Random(seed);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[PassToken.LENGTH];
            r.nextBytes(b);
            out[i] = Ids.encode(b);
        }
        return out;
    }

    /** The rendered QR of {@code token}, one char per module ('1' dark), row by row, quiet zone included. */
    public static String modules(String token) {
        try {
            BufferedImage qr = ImageIO.read(new ByteArrayInputStream(RENDERER.png(token)));
            StringBuilder sb = new StringBuilder(qr.getWidth() * qr.getHeight());
            for (int y = 0; y < qr.getHeight(); y++) {
                for (int x = 0; x < qr.getWidth(); x++) {
                    sb.append((qr.getRGB(x, y) & 0xFFFFFF) == 0 ? '1' : '0');
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Modules per side of a rendered pass, quiet zone included. */
    public static int size(String modules) {
        return (int) Math.round(Math.sqrt(modules.length()));
    }

    /** A script from src/test/resources/decoder/, to inject into a page through DevTools. */
    public static String script(String name) {
        try (InputStream in = HardFrames.class.getResourceAsStream("/decoder/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
