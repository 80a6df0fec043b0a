package org.entrylog.venue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.entrylog.pass.QrRenderer;
import org.entrylog.store.FilePermissions;

/**
 * A venue's printable door kit (issue 16): one self-contained HTML file, two A4 pages in Korean and
 * English — the staff sheet with the enrollment QR and short instructions, and the visitor poster
 * with a QR to {@code /pass}. Both QRs are made here by the server's {@link QrRenderer} and embedded
 * as {@code data:} PNGs, so the file prints from any browser, offline.
 *
 * <p>The enrollment code is stored only hashed, so the kit can be made only where the code is known:
 * by {@code venue add}, {@code venue rotate-code} and an owner's new code on {@code /venue}, which write
 * it into the data folder's {@code kits/} (owner-only, like the demo venue's code: whoever reads it can enroll a tablet).
 */
public final class DoorKit {
    /** The folder of the data folder that holds the kits. */
    public static final String FOLDER = "kits";

    private final QrRenderer qr;

    public DoorKit(QrRenderer qr) {
        this.qr = qr;
    }

    /** The two links of a kit: the staff's enrollment link (it holds the code) and the visitors' /pass. */
    public record Links(String enrollmentUrl, String passUrl) {
        @Override
        public String toString() {
            return "Links[enrollmentUrl=[REDACTED], " + passUrl + "]";
        }
    }

    /** The kit's links under {@code base} (the configured public URL, else the server's). */
    public static Links links(String base, String enrollmentCode) {
        return new Links(base + "/scan?enroll=" + enrollmentCode, base + "/pass");
    }

    /** Writes the kit of this venue to {@code <dataDir>/kits/<venueId>.html}, owner-only, and answers its path. */
    public Path write(Path dataDir, String venueId, String venueName, String enrollmentUrl, String passUrl) {
        Path dir = dataDir.resolve(FOLDER);
        Path file = dir.resolve(venueId + ".html");
        try {
            Files.createDirectories(dir);
            FilePermissions.ownerOnly(dir);
            FilePermissions.writeOwnerOnly(file, html(venueName, enrollmentUrl, passUrl).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The kit's HTML. */
    public String html(String venueName, String enrollmentUrl, String passUrl) {
        String name = escape(venueName);
        return """
                <!doctype html>
                <html lang="ko">
                <head>
                <meta charset="utf-8">
                <meta name="referrer" content="no-referrer">
                <title>%1$s — entrylog door kit · 출입 키트</title>
                <style>
                @page { size: A4; margin: 15mm; }
                body { font-family: system-ui, "Noto Sans KR", "Malgun Gothic", sans-serif; color: #111; margin: 0; }
                .sheet { page-break-after: always; break-after: page; min-height: 260mm; text-align: center; }
                .sheet:last-child { page-break-after: auto; break-after: auto; }
                h1 { font-size: 26pt; margin: 0 0 4mm; }
                h2 { font-size: 18pt; margin: 0 0 8mm; font-weight: 600; }
                .venue { font-size: 16pt; margin: 0 0 6mm; }
                img.qr { width: 110mm; height: 110mm; image-rendering: pixelated; image-rendering: crisp-edges; }
                ol { text-align: left; font-size: 12pt; max-width: 160mm; margin: 6mm auto; line-height: 1.5; }
                .link { font-family: ui-monospace, monospace; font-size: 9pt; word-break: break-all; }
                .warn { border: 2px solid #111; padding: 3mm; max-width: 160mm; margin: 6mm auto; font-size: 11pt; }
                </style>
                </head>
                <body>
                <section class="sheet" id="staff">
                <h1>직원용 · 태블릿 등록</h1>
                <h2 lang="en">Staff · enroll a tablet</h2>
                <p class="venue">%1$s</p>
                <img class="qr" id="enrollment-qr" alt="등록 QR 코드 · enrollment QR code" src="%2$s">
                <p class="link">%3$s</p>
                <ol>
                <li>매장 태블릿의 카메라로 이 코드를 스캔해 열고, 카메라 사용을 허용하세요. <span lang="en">Scan this code with the venue tablet's camera, open the link and allow the camera.</span></li>
                <li>태블릿이 매장에 등록되면 바로 방문자의 QR을 스캔할 수 있습니다. <span lang="en">Once enrolled, the tablet scans visitors' QR codes straight away.</span></li>
                <li>태블릿을 잃어버리면 운영자에게 알려 등록을 취소하세요. <span lang="en">If a tablet is lost, ask the operator to revoke it.</span></li>
                </ol>
                <p class="warn">이 종이는 방문자에게 보이지 마세요: 이 코드로 누구나 이 매장의 태블릿을 등록할 수 있습니다. <span lang="en">Keep this sheet away from visitors: anyone with this code can enroll a tablet for this venue.</span></p>
                </section>
                <section class="sheet" id="visitors">
                <h1>한 번 등록하고, 여기에서 패스를 보여 주세요</h1>
                <h2 lang="en">Register once, show your pass here</h2>
                <p class="venue">%1$s</p>
                <img class="qr" id="pass-qr" alt="방문자 패스 QR 코드 · visitor pass QR code" src="%4$s">
                <p class="link">%5$s</p>
                <ol>
                <li>휴대폰 카메라로 이 코드를 스캔하고, 이름과 전화번호를 한 번만 등록하세요. <span lang="en">Scan this code with your phone's camera and register your name and phone number once.</span></li>
                <li>입장할 때 화면의 QR 패스를 직원에게 보여 주세요. <span lang="en">Show the QR pass on your screen to the staff when you enter.</span></li>
                <li>이름과 전화번호는 암호화되어 보건 당국만 열 수 있습니다. <span lang="en">Your name and number are sealed: only the health authority can open them.</span></li>
                </ol>
                </section>
                </body>
                </html>
                """.formatted(name, qr.dataUrl(enrollmentUrl), escape(enrollmentUrl), qr.dataUrl(passUrl), escape(passUrl));
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
