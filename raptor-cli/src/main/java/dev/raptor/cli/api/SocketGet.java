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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
        try {
            return ask(socket, path, budget).body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * {@link #json} asked on a thread of its own, so that the caller does other work meanwhile: the first Unix-domain
     * socket of a JVM initialises the JDK's security providers (the channel's class initialiser makes a
     * {@code SecureRandom}, tens of milliseconds of a short run, interpreted), and then the daemon answers.
     */
    public static Pending ask(Path socket, String path, Duration budget) {
        Pending pending = new Pending(socket, path, budget);
        Thread.ofPlatform().daemon().name("raptorctl-socket-get").start(pending);
        return pending;
    }

    /** An exchange of {@link #ask}: its answer, once the thread that asks has it. */
    public static final class Pending implements Runnable {
        private final Path socket;
        private final String path;
        private final Duration budget;
        private final CountDownLatch answered = new CountDownLatch(1);
        private volatile Optional<byte[]> body = Optional.empty();
        /** The exchange's channel once open; {@link #cut} closes it. */
        private volatile SocketChannel channel;
        /** Set when the waiter gave up: a channel opened after that is closed at once. */
        private volatile boolean cut;

        private Pending(Path socket, String path, Duration budget) {
            this.socket = socket;
            this.path = path;
            this.budget = budget;
        }

        /**
         * The body, or empty (see the class); waits for it at most the budget, and then cuts the exchange (its channel
         * closed, which unblocks its connect or read). The waiter keeps the deadline, not a thread of the exchange's own:
         * a second thread started before the connect was on a plain ps's critical path (its start, and the JDK's
         * {@code ThreadSleepEvent} class loaded from the run-time image), while this thread waits here anyway.
         */
        public Optional<byte[]> body() throws InterruptedException {
            if (answered.await(budget.toNanos(), TimeUnit.NANOSECONDS)) {
                return body;
            }
            cut();
            return Optional.empty();
        }

        /** Ends the exchange where it is; the channel's close unblocks it (and is harmless once it ended). */
        private void cut() {
            cut = true; // before reading the channel: the exchange writes it, then reads this (one of the two sees the other)
            SocketChannel open = channel;
            if (open != null) {
                closeQuietly(open);
            }
        }

        /** The exchange; the answer is handed over before the connection is closed (see below). */
        @Override
        public void run() {
            try {
                exchange();
            } finally {
                answered.countDown(); // a failure: body stays empty
            }
        }

        private void exchange() {
            SocketChannel channel;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            } catch (IOException | UnsupportedOperationException e) {
                return;
            }
            this.channel = channel;
            if (cut) {
                closeQuietly(channel); // the waiter gave up before the channel was open
                return;
            }
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
                        return;
                    }
                }
                // handed over before the close, which the caller need not wait for
                body = SocketGet.body(answer.toByteArray());
                answered.countDown();
                // closed in non-blocking mode: the JDK's close of a connected channel in blocking mode first asks
                // sun.nio.ch.Net whether to shut the output down, whose start-up (InetAddress, the extended socket
                // options: some 25 classes initialised, interpreted) then competes for the CPU with the caller's
                // printing. Unregistered and at its end, the channel closes at once either way.
                channel.configureBlocking(false);
            } catch (IOException | RuntimeException e) {
                // empty (cut at the budget, or failed): the caller asks again through the client
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed: nothing more to end
        }
    }

    /** The body of a whole HTTP/1.1 answer when it is a 200 with a JSON body; empty otherwise. */
    static Optional<byte[]> body(byte[] answer) {
        int end = indexOf(answer, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (end < 0) {
            return Optional.empty();
        }
        // the head cut into lines with indexOf, not split("\r\n"): a separator of two characters is a regular
        // expression to String.split, and compiling it initialised java.util.regex on ps's path for this alone
        String head = new String(answer, 0, end, StandardCharsets.ISO_8859_1);
        int lineEnd = lineEnd(head, 0);
        String[] status = head.substring(0, lineEnd).split(" ", 3); // one plain character: split's own loop, no regex
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("200")) {
            return Optional.empty();
        }
        long length = -1;
        boolean chunked = false;
        boolean json = false;
        for (int from = lineEnd + 2; from < head.length(); from = lineEnd + 2) {
            lineEnd = lineEnd(head, from);
            String line = head.substring(from, lineEnd);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
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

    /** Where the line of {@code head} that starts at {@code from} ends: at its CRLF, or at the head's end. */
    private static int lineEnd(String head, int from) {
        int crlf = head.indexOf("\r\n", from);
        return crlf < 0 ? head.length() : crlf;
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
