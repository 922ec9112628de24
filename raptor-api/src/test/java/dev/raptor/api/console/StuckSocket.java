package dev.raptor.api.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A browser that stopped reading: a raw TCP connection with a tiny receive buffer that completes the
 * WebSocket handshake and then never reads again, so the daemon's writes to it really block (the JDK
 * client's buffers on loopback would otherwise swallow megabytes).
 */
final class StuckSocket implements AutoCloseable {
    private final Socket socket;

    private StuckSocket(Socket socket) {
        this.socket = socket;
    }

    static StuckSocket open(int port, String path, String bearer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + bearer + "\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the daemon closed the connection during the handshake: " + head);
            }
            head.write(b);
        }
        String status = head.toString(StandardCharsets.US_ASCII);
        if (!status.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("no upgrade: " + status);
        }
        return new StuckSocket(s);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
