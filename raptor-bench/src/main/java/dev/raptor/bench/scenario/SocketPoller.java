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
 * no pool): the storm's second way to poll ({@code --poller=socket}), to tell time the daemon takes from time an HTTP
 * client's own threads add. It asks for gzip as {@code RaptorClient} does and reads each answer whole by its
 * {@code Content-Length} (the list always has one).
 */
final class SocketPoller implements AutoCloseable {
    private final InetSocketAddress address;
    private final byte[] request;
    private final int timeoutMillis;
    private final byte[] buffer = new byte[1 << 16];
    private Socket socket;

    SocketPoller(int port, String apiKey, Duration timeout) {
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.request = ("GET /api/v1/servers HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + apiKey
                + "\r\nAccept-Encoding: gzip\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.timeoutMillis = (int) timeout.toMillis();
    }

    /** One poll read whole; false when it took longer than the timeout (the connection is then dropped). */
    boolean poll() throws IOException {
        try {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(address, timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            readAnswer(socket.getInputStream());
            return true;
        } catch (SocketTimeoutException e) {
            close();
            return false;
        }
    }

    private void readAnswer(InputStream in) throws IOException {
        int have = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            int n = in.read(buffer, have, buffer.length - have);
            if (n < 0) {
                throw new IOException("the daemon closed the connection mid-answer");
            }
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
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            }
        }
        if (length < 0) {
            throw new IOException("GET /servers answered without a Content-Length");
        }
        long left = length - (have - (headEnd + 4));
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the daemon closed the connection mid-answer");
            }
            left -= n;
        }
    }

    private int indexOfBlankLine(int have) {
        for (int i = 0; i + 3 < have; i++) {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
