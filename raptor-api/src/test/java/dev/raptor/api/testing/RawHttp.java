package dev.raptor.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.wire.json.WireJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 written by hand over a socket (TCP or Unix domain), one request per connection
 * ({@code Connection: close}): for the Unix socket, which the JDK's client cannot reach, and for
 * requests no well-behaved client would send (the fuzz test).
 */
public final class RawHttp {
    private final SocketAddress address;
    private final StandardProtocolFamily family;
    private final Duration timeout;

    private RawHttp(SocketAddress address, StandardProtocolFamily family, Duration timeout) {
        this.address = address;
        this.family = family;
        this.timeout = timeout;
    }

    public static RawHttp unix(Path socket) {
        return new RawHttp(UnixDomainSocketAddress.of(socket), StandardProtocolFamily.UNIX, Duration.ofSeconds(120));
    }

    public static RawHttp tcp(String host, int port) {
        return new RawHttp(new InetSocketAddress(host, port), StandardProtocolFamily.INET, Duration.ofSeconds(120));
    }

    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            return WireJson.parse(body);
        }

        @Override
        public String toString() {
            return status + " " + headers.getOrDefault("content-type", "") + " " + (body.length() > 600 ? body.substring(0, 600) + "..." : body);
        }
    }

    /** A request with an optional JSON body (Content-Type application/json when there is one). */
    public Response send(String method, String target, String jsonBody, String... headers) {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        if (jsonBody != null && head.indexOf("Content-Type:") < 0) {
            head.append("Content-Type: application/json\r\n");
        }
        if (jsonBody != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return exchange(method, target, head.toString(), body);
    }

    /** Exactly these header lines (each ending CRLF) and body bytes after the request line. */
    public Response exchange(String method, String target, String headerLines, byte[] body) {
        String request = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headerLines + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(request.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return raw(out.toByteArray());
    }

    /**
     * Writes {@code bytes} as they are and reads the whole answer, which is checked against
     * {@code openapi.json} ({@link ApiExchanges}) under the request line the bytes begin with.
     */
    public Response raw(byte[] bytes) {
        Response response = rawUnchecked(bytes);
        String[] requestLine = new String(bytes, 0, Math.min(bytes.length, 8192), StandardCharsets.ISO_8859_1)
                .split("\r?\n", 2)[0].split(" ");
        String method = requestLine.length >= 2 ? requestLine[0] : "?";
        String target = requestLine.length >= 2 ? requestLine[1] : "?";
        ApiExchanges.answer(family == StandardProtocolFamily.UNIX ? "raw-unix" : "raw-tcp", method, target,
                response.status(), response.header("content-type"), response.body());
        return response;
    }

    private Response rawUnchecked(byte[] bytes) {
        CompletableFuture<Response> f = CompletableFuture.supplyAsync(() -> {
            try (SocketChannel ch = SocketChannel.open(family)) {
                ch.connect(address);
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    try {
                        ch.write(buf);
                    } catch (IOException e) {
                        break; // the server may answer (413...) and close before reading everything
                    }
                }
                InputStream in = Channels.newInputStream(ch);
                return parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("raw HTTP exchange with " + address + " failed", e);
        }
    }

    private static Response parse(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("no HTTP answer (got '" + statusLine + "')");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                if (n == 0) {
                    break;
                }
                b.writeBytes(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
