package dev.raptor.core.power;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Minimal Source RCON client (the protocol Minecraft, Rust, ARK and friends speak): authenticate,
 * send one command, read the first reply. Used by {@link StopPolicy.Rcon}. Every socket operation
 * has a timeout.
 */
public final class RconClient {
    private static final int TYPE_AUTH = 3;
    private static final int TYPE_COMMAND = 2;
    private static final int MAX_PACKET = 4110;

    private RconClient() {
    }

    /**
     * Where a server's RCON listens: its primary allocation's IP, or the loopback address when it has none
     * or binds every interface (a wildcard is where a server listens, not an address to connect to).
     */
    public static String hostFor(dev.raptor.core.server.ServerSpec spec) {
        String host = spec == null ? null : spec.primaryAllocation().map(a -> a.ip()).orElse(null);
        return host == null || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    }

    /**
     * Sends {@code command} to the RCON server at {@code host:port}.
     *
     * @return the server's reply text (may be empty)
     * @throws IOException on connection failure, a wrong password or a malformed reply
     */
    public static String send(String host, int port, String password, String command, Duration timeout) throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            write(out, 1, TYPE_AUTH, password);
            Packet auth = read(in);
            if (auth.type() != TYPE_AUTH) {
                // Some servers send an empty RESPONSE_VALUE before the auth response.
                auth = read(in);
            }
            if (auth.id() == -1) {
                throw new IOException("RCON authentication failed at " + host + ":" + port);
            }
            write(out, 2, TYPE_COMMAND, command);
            return read(in).body();
        }
    }

    private static void write(OutputStream out, int id, int type, String body) throws IOException {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 + 4 + payload.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(4 + 4 + payload.length + 2).putInt(id).putInt(type).put(payload).put((byte) 0).put((byte) 0);
        out.write(buf.array());
        out.flush();
    }

    private static Packet read(InputStream in) throws IOException {
        byte[] lenBytes = in.readNBytes(4);
        if (lenBytes.length < 4) {
            throw new IOException("RCON connection closed");
        }
        int len = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (len < 10 || len > MAX_PACKET) {
            throw new IOException("malformed RCON packet of length " + len);
        }
        byte[] rest = in.readNBytes(len);
        if (rest.length < len) {
            throw new IOException("RCON connection closed mid-packet");
        }
        ByteBuffer b = ByteBuffer.wrap(rest).order(ByteOrder.LITTLE_ENDIAN);
        int id = b.getInt();
        int type = b.getInt();
        String body = new String(rest, 8, len - 10, StandardCharsets.UTF_8);
        return new Packet(id, type, body);
    }

    private record Packet(int id, int type, String body) {
    }
}
