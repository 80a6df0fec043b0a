package org.entrylog.testing;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Decodes the server's QR PNGs (one pixel per module, as a data: URL or an element's src) with ZXing. */
public final class QrImages {
    private QrImages() {}

    /** The text of the QR in this {@code data:image/png;base64,…} URL. */
    public static String decodeDataUrl(String dataUrl) {
        try {
            byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
            return decode(ImageIO.read(new ByteArrayInputStream(png)), 4);
        } catch (Exception e) {
            throw new AssertionError("not a readable QR: " + e, e);
        }
    }

    /** The text of the QR in the img element with this id in an HTML text. */
    public static String decodeImgById(String html, String id) {
        Matcher m = Pattern.compile("<img[^>]*id=\"" + Pattern.quote(id) + "\"[^>]*src=\"(data:image/png;base64,[^\"]+)\"")
                .matcher(html);
        if (!m.find()) {
            throw new AssertionError("no img#" + id + " with a data: PNG");
        }
        return decodeDataUrl(m.group(1));
    }

    /** The text of the QR in this image, scaled up {@code scale} times (a module becomes a square). */
    public static String decode(BufferedImage img, int scale) throws Exception {
        int w = img.getWidth() * scale;
        int h = img.getHeight() * scale;
        int[] rgb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[y * w + x] = img.getRGB(x / scale, y / scale);
            }
        }
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, rgb)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, true)).getText();
    }
}
