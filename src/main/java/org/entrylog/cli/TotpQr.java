package org.entrylog.cli;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.entrylog.store.FilePermissions;

/**
 * An official's {@code otpauth://} URI as a QR code for an authenticator app: a PNG file
 * ({@code --qr FILE}, owner-only, since it holds the shared secret), or drawn on an interactive
 * terminal's standard error (standard output stays one JSON object).
 */
final class TotpQr {
    private static final int SCALE = 8;
    private static final int QUIET = 4;

    private TotpQr() {}

    private static BitMatrix matrix(String uri) {
        try {
            return new QRCodeWriter().encode(uri, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 0));
        } catch (WriterException e) {
            throw new IllegalStateException("the URI does not fit a QR code", e);
        }
    }

    /** Writes the QR code as a PNG, readable only by its owner. */
    static void writePng(String uri, Path file) {
        BitMatrix m = matrix(uri);
        int size = (m.getWidth() + 2 * QUIET) * SCALE;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int mx = x / SCALE - QUIET;
                int my = y / SCALE - QUIET;
                boolean dark = mx >= 0 && my >= 0 && mx < m.getWidth() && my < m.getHeight() && m.get(mx, my);
                img.setRGB(x, y, dark ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            FilePermissions.writeOwnerOnly(file, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Draws the code with half-block characters, two modules rows per text line, light on dark-agnostic. */
    static void drawOnTerminal(String uri, PrintStream err) {
        BitMatrix m = matrix(uri);
        int w = m.getWidth() + 4;
        int h = m.getHeight() + 4;
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < h; y += 2) {
            for (int x = 0; x < w; x++) {
                boolean top = dark(m, x - 2, y - 2);
                boolean bottom = dark(m, x - 2, y - 1);
                // drawn inverted (light modules as blocks) so it scans on the usual dark terminal
                sb.append(!top && !bottom ? '█' : !top ? '▀' : !bottom ? '▄' : ' ');
            }
            sb.append('\n');
        }
        err.print(sb);
        err.flush();
    }

    private static boolean dark(BitMatrix m, int x, int y) {
        return x >= 0 && y >= 0 && x < m.getWidth() && y < m.getHeight() && m.get(x, y);
    }
}
