package dev.raptor.cli.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The HTTP/1.1 wire format the Unix-socket client needs: request heads out, response heads and bodies in. */
final class Http1 {
    private static final int MAX_HEAD_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;

    private Http1() {
    }

    /** The request head, {@code Connection: close}: one request per connection keeps the client simple and correct. */
    static byte[] requestHead(DaemonRequest request, String host) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(host).append("\r\n");
        sb.append("User-Agent: raptorctl\r\n");
        boolean accept = false;
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            checkHeader(h.getKey(), h.getValue());
            accept |= h.getKey().equalsIgnoreCase("Accept");
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (!accept) {
            sb.append("Accept: application/json, application/problem+json, */*\r\n");
        }
        if (request.body().length > 0 || !request.method().equals("GET") && !request.method().equals("HEAD")
                && !request.method().equals("DELETE")) {
            sb.append("Content-Length: ").append(request.body().length).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void checkHeader(String name, String value) {
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c >= 127)
                || value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("invalid header " + name);
        }
    }

    /** A response head: status and headers (names lower-cased). */
    record Head(int status, String reason, Map<String, List<String>> headers) {
        String first(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.getFirst();
        }
    }

    /** Reads the status line and headers, skipping interim 1xx responses. */
    static Head readHead(InputStream in) throws IOException {
        while (true) {
            String status = readLine(in, MAX_HEAD_LINE);
            if (status == null) {
                throw new IOException("the daemon closed the connection without answering");
            }
            if (status.isEmpty()) {
                continue; // tolerate a stray CRLF between messages
            }
            // HTTP/1.1 200 OK
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer: '" + abbreviate(status) + "'");
            }
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("malformed status line: '" + abbreviate(status) + "'");
            }
            if (code < 100 || code > 999) {
                throw new IOException("malformed status code " + code);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 0; ; i++) {
                if (i > MAX_HEADERS) {
                    throw new IOException("the daemon sent more than " + MAX_HEADERS + " headers");
                }
                String line = readLine(in, MAX_HEAD_LINE);
                if (line == null) {
                    throw new IOException("the daemon closed the connection in the middle of the headers");
                }
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: '" + abbreviate(line) + "'");
                }
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
            if (code >= 100 && code < 200 && code != 101) {
                continue; // 100 Continue, 103 Early Hints: the real answer follows
            }
            return new Head(code, parts.length > 2 ? parts[2] : "", headers);
        }
    }

    /** The body stream the head announces: chunked, Content-Length, none, or up to the connection's end. */
    static InputStream body(String method, Head head, InputStream in) throws IOException {
        int s = head.status();
        if (method.equals("HEAD") || s == 204 || s == 304) {
            return InputStream.nullInputStream();
        }
        String te = head.first("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInputStream(in);
        }
        String cl = head.first("content-length");
        if (cl != null) {
            long length;
            try {
                length = Long.parseLong(cl.strip());
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length '" + cl + "'");
            }
            if (length < 0) {
                throw new IOException("negative Content-Length " + length);
            }
            return new FixedLengthInputStream(in, length);
        }
        return in; // Connection: close delimits the body
    }

    /** One line ending in CRLF (or a bare LF), without it; null at end of stream before any byte. */
    static String readLine(InputStream in, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= max) {
                throw new IOException("a line of the daemon's answer is longer than " + max + " bytes");
            }
            line.write(b);
        }
        if (line.size() == 0) {
            return null;
        }
        throw new IOException("the daemon closed the connection in the middle of a line");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
