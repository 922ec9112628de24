package dev.raptor.bench.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code GET /api/v1/servers} on one keep-alive socket, written and read by the calling thread alone (no selector,
 * no pool): the storm's poller (the default since 2026-12-06 22:50; {@code --poller=client} polls with
 * {@code RaptorClient} as before). With an HTTP client the answer is read by the client's selector thread, which must
 * get a CPU before it can read the answer and wake the polling thread, so a poll's time held that thread's wait for a
 * CPU (and its gzip decoding) too; here the kernel wakes the polling thread itself when the answer's bytes arrive.
 * The request goes through the loopback to the daemon's HTTP server as a panel's does: the same headers as
 * {@code RaptorClient}'s (gzip asked for), one connection kept alive. The answer is read whole by its
 * {@code Content-Length} (the list always has one) and not decoded: its decoding is the client's work, not the daemon's.
 * A poll's deadline covers the whole answer, not each read; an answer that says {@code Connection: close} closes the
 * socket, and the next poll connects again (in its own time, as a client would).
 */
final class SocketPoller implements AutoCloseable {
    private final InetSocketAddress address;
    private final byte[] request;
    private final long timeoutNanos;
    private final byte[] buffer = new byte[1 << 16];
    private Socket socket;
    /** The last answer's body length and whether it came gzip-encoded (what the poll read, for the run's output). */
    private long lastLength = -1;
    private boolean lastGzip;

    SocketPoller(int port, String apiKey, Duration timeout) {
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.request = ("GET /api/v1/servers HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: application/json, application/problem+json"
                + "\r\nAuthorization: Bearer " + apiKey + "\r\nUser-Agent: raptor-client\r\nAccept-Encoding: gzip\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        this.timeoutNanos = timeout.toNanos();
    }

    /** One poll read whole; false when it took longer than the timeout (the connection is then dropped). */
    boolean poll() throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            boolean reused = socket != null;
            try {
                exchange(deadline);
            } catch (ClosedBeforeAnswer e) {
                if (!reused) {
                    throw new IOException("the daemon closed a new connection before answering", e);
                }
                // the daemon closed the kept-alive connection between two polls: connect again, in this poll's time
                close();
                exchange(deadline);
            }
            return true;
        } catch (SocketTimeoutException e) {
            close();
            return false;
        }
    }

    /** Whether the last answer came gzip-encoded, and its body's length ({@code -1} before the first). */
    String lastAnswer() {
        return lastLength < 0 ? "none yet" : lastLength + " bytes" + (lastGzip ? ", gzip" : ", not compressed");
    }

    private void exchange(long deadline) throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            try {
                s.connect(address, (int) Math.min(Integer.MAX_VALUE, Math.max(1, remainingMillis(deadline))));
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
        }
        OutputStream out = socket.getOutputStream();
        try {
            out.write(request);
            out.flush();
        } catch (IOException e) {
            throw new ClosedBeforeAnswer(e);
        }
        readAnswer(socket.getInputStream(), deadline);
    }

    private void readAnswer(InputStream in, long deadline) throws IOException {
        int have = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            int n = read(in, have, buffer.length - have, deadline, have == 0);
            have += n;
            headEnd = indexOfBlankLine(have);
            if (headEnd < 0 && have == buffer.length) {
                throw new IOException("an answer's head longer than " + buffer.length + " bytes");
            }
        }
        String head = new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.1 200")) {
            throw new IOException("GET /servers answered " + head.lines().findFirst().orElse("?"));
        }
        long length = -1;
        boolean gzip = false;
        boolean closes = false;
        for (String line : head.split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            } else if (l.startsWith("content-encoding:")) {
                gzip = l.contains("gzip");
            } else if (l.startsWith("connection:")) {
                closes = l.contains("close");
            }
        }
        if (length < 0) {
            throw new IOException("GET /servers answered without a Content-Length");
        }
        long left = length - (have - (headEnd + 4));
        while (left > 0) {
            left -= read(in, 0, (int) Math.min(buffer.length, left), deadline, false);
        }
        lastLength = length;
        lastGzip = gzip;
        if (closes) {
            close();
        }
    }

    /** One read into the buffer within what is left of the poll's deadline; EOF before the answer's first byte is told apart. */
    private int read(InputStream in, int at, int max, long deadline, boolean first) throws IOException {
        long left = remainingMillis(deadline);
        if (left <= 0) {
            throw new SocketTimeoutException("the answer was not read whole within the poll's deadline");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        int n;
        try {
            n = in.read(buffer, at, max);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            if (first) {
                throw new ClosedBeforeAnswer(e);
            }
            throw e;
        }
        if (n < 0) {
            if (first) {
                throw new ClosedBeforeAnswer(null);
            }
            throw new IOException("the daemon closed the connection mid-answer");
        }
        return n;
    }

    private static long remainingMillis(long deadline) {
        long left = deadline - System.nanoTime();
        return left <= 0 ? 0 : Math.max(1, left / 1_000_000);
    }

    private int indexOfBlankLine(int have) {
        for (int i = 0; i + 3 < have; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The connection ended before any byte of the answer: a kept-alive connection the daemon had closed. */
    private static final class ClosedBeforeAnswer extends IOException {
        ClosedBeforeAnswer(IOException cause) {
            super("the connection closed before the answer began", cause);
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            Socket s = socket;
            socket = null;
            s.close();
        }
    }
}
