package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * However a scan's body arrives, it is read whole and the scan is written once: with its headers in
 * one write (the common case, handed on by the thread that read it, issue 18), after them, or in
 * pieces (read without a thread waiting, {@link EdgeHandler}). Raw sockets, so the test decides the
 * writes; a client library would send headers and body as it likes.
 */
class BodyArrivalTest {
    @TempDir
    Path dir;
    private TestApp t;
    private TestApp.Device door;
    private TestApp.Visitor visitor;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
        door = t.venueWithDevice("Door");
        visitor = t.register("A", "01012345678");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private byte[][] scan() {
        byte[] body = ("{\"token\":\"" + t.pass(visitor) + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("POST /api/scans HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + door.secret() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new byte[][] {head, body};
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** One whole answer from a kept-alive connection: the status line and headers, and the body of its Content-Length. */
    private static String answer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int at = h.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        int length = Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).trim());
        return h + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    @Test
    void aBodySentWithItsHeadersIsAnsweredAndTheConnectionServesTheNextScan() throws Exception {
        try (Socket s = connect(t.port)) {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 3; i++) {
                byte[][] r = scan();
                ByteArrayOutputStream whole = new ByteArrayOutputStream();
                whole.write(r[0]);
                whole.write(r[1]);
                out.write(whole.toByteArray()); // one write: the body is there when the headers are read
                out.flush();
                String a = answer(s.getInputStream());
                assertTrue(a.startsWith("HTTP/1.1 201"), a);
            }
        }
        assertEquals(3, t.count("SELECT count(*) FROM scan_log"));
    }

    @Test
    void aBodyThatComesAfterItsHeadersOrInPiecesIsReadWhole() throws Exception {
        try (Socket s = connect(t.port)) {
            OutputStream out = s.getOutputStream();
            byte[][] r = scan();
            out.write(r[0]);
            out.flush();
            Thread.sleep(300); // the headers are read and handled before any of the body is there
            out.write(r[1]);
            out.flush();
            String a = answer(s.getInputStream());
            assertTrue(a.startsWith("HTTP/1.1 201"), a);

            r = scan();
            out.write(r[0]);
            out.write(r[1], 0, 10);
            out.flush();
            Thread.sleep(300);
            out.write(r[1], 10, r[1].length - 10);
            out.flush();
            a = answer(s.getInputStream());
            assertTrue(a.startsWith("HTTP/1.1 201"), a);
        }
        assertEquals(2, t.count("SELECT count(*) FROM scan_log"));
    }
}
