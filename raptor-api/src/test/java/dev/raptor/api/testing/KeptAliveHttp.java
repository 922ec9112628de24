package dev.raptor.api.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests written by hand on one kept-alive socket, as a polling panel's connection carries them: each answer is read
 * by its {@code Content-Length} (a chunked answer, or one whose body is shorter than its length, fails), so an answer
 * that ends anywhere but where it says breaks the next one.
 */
public final class KeptAliveHttp {
    private KeptAliveHttp() {
    }

    /** An answer: its status, its headers (names in lower case) and its body's bytes as sent (compressed or not). */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
    }

    /** {@code GET target} with {@code headerLines} (each ending CRLF) written on {@code socket}, and its answer. */
    public static Answer get(Socket socket, String target, String headerLines) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headerLines + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        assertThat(length).as("Content-Length of %s %s", statusLine, headers).isNotNull();
        byte[] body = in.readNBytes(Integer.parseInt(length));
        assertThat(body).as("the body's bytes, as many as its Content-Length").hasSize(Integer.parseInt(length));
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
    }

    /** {@code gz} decompressed. */
    public static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the daemon closed the connection mid-answer");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
