package dev.raptor.cli.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * One {@code GET} under {@code /api/v1} on the daemon's Unix socket with nothing but the JDK: HTTP/1.1,
 * {@code Connection: close}, the answer read to its end. For {@code raptorctl ps}, whose run is otherwise
 * mostly the start of the HTTP client (Jetty's, with its threads and buffer pools) for a single request.
 *
 * <p>It answers only a plain success: a 200 with a JSON body, whole within the budget (delimited by its length, its
 * chunks, or the end of the connection). Anything else (no socket, a refusal, an error status, a redirect, an
 * encoding it did not ask for, a body shorter than its length, the budget gone) is empty, and the caller asks again through {@code RaptorClient}, which reports it as
 * every other verb does. A GET changes nothing, so asking twice is harmless.
 */
public final class SocketGet {
    private static final int MAX_ANSWER_BYTES = 256 * 1024 * 1024;

    private SocketGet() {
    }

    /**
     * The body of {@code GET /api/v1<path>} on {@code socket}, or empty (see the class).
     *
     * @param budget how long the exchange may take; past it the connection is closed and the answer is empty
     */
    public static Optional<byte[]> json(Path socket, String path, Duration budget) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        Thread watchdog = Thread.ofPlatform().daemon().name("raptorctl-socket-deadline").start(() -> {
            try {
                Thread.sleep(budget);
                channel.close(); // unblocks the read below
            } catch (InterruptedException | IOException e) {
                // the exchange ended in time
            }
        });
        try (channel) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String head = "GET /api/v1" + path + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: raptorctl\r\n"
                    + "Accept: application/json, application/problem+json\r\nConnection: close\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream(16 * 1024);
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            while (channel.read(in) >= 0) {
                answer.write(in.array(), 0, in.position());
                in.clear();
                if (answer.size() > MAX_ANSWER_BYTES) {
                    return Optional.empty();
                }
            }
            return body(answer.toByteArray());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } finally {
            watchdog.interrupt();
        }
    }

    /** The body of a whole HTTP/1.1 answer when it is a 200 with a JSON body; empty otherwise. */
    static Optional<byte[]> body(byte[] answer) {
        int end = indexOf(answer, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (end < 0) {
            return Optional.empty();
        }
        String[] lines = new String(answer, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("200")) {
            return Optional.empty();
        }
        long length = -1;
        boolean chunked = false;
        boolean json = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }
                case "transfer-encoding" -> {
                    if (!value.equals("chunked")) {
                        return Optional.empty();
                    }
                    chunked = true;
                }
                case "content-encoding" -> {
                    if (!value.equals("identity")) {
                        return Optional.empty();
                    }
                }
                case "content-type" -> json = value.startsWith("application/json");
                default -> {
                }
            }
        }
        int start = end + 4;
        if (!json) {
            return Optional.empty();
        }
        if (chunked) {
            return unchunk(answer, start);
        }
        if (length < 0) {
            // neither a length nor chunks: the body ends where the server closed the connection (RFC 9112, 6.3), as
            // Jetty sends an answer to "Connection: close" that outgrew its buffer (a list of ten servers). A body
            // cut short there is not told by the framing; the caller's strict JSON reader refuses it.
            return Optional.of(Arrays.copyOfRange(answer, start, answer.length));
        }
        if (start + length != answer.length) {
            return Optional.empty(); // cut short, or more than it announced
        }
        byte[] body = new byte[(int) length];
        System.arraycopy(answer, start, body, 0, body.length);
        return Optional.of(body);
    }

    /** A chunked body (RFC 9112, section 7.1), whole up to its last chunk; empty when it is not. */
    private static Optional<byte[]> unchunk(byte[] answer, int from) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(answer.length - from);
        int pos = from;
        while (true) {
            int eol = indexOf(answer, "\r\n".getBytes(StandardCharsets.US_ASCII), pos);
            if (eol < 0) {
                return Optional.empty();
            }
            String size = new String(answer, pos, eol - pos, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            long n;
            try {
                n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            pos = eol + 2;
            if (n == 0) {
                return Optional.of(body.toByteArray()); // trailers, if any, are not needed
            }
            if (n < 0 || pos + n + 2 > answer.length) {
                return Optional.empty();
            }
            body.write(answer, pos, (int) n);
            pos += (int) n + 2;
        }
    }

    private static int indexOf(byte[] in, byte[] what, int from) {
        outer:
        for (int i = from; i <= in.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
