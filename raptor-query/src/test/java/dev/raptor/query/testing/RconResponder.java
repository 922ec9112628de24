package dev.raptor.query.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Source RCON server (Valve Developer Community, "Source RCON Protocol"): little-endian packets of
 * size, id, type and a NUL-terminated body plus an empty NUL. SERVERDATA_AUTH (3) is answered with an
 * empty SERVERDATA_RESPONSE_VALUE (0) and then SERVERDATA_AUTH_RESPONSE (2) carrying the request id, or
 * -1 for a wrong password; SERVERDATA_EXECCOMMAND (2) with the configured answer as a RESPONSE_VALUE.
 */
public final class RconResponder implements AutoCloseable {
    private final ServerSocket server;
    private final String password;
    private final Map<String, String> answers;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public RconResponder(String password, Map<String, String> answers) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.password = password;
        this.answers = answers;
        this.acceptor = Thread.ofVirtual().name("rcon-responder").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<String> commands() {
        return commands;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        serve(s.getInputStream(), s.getOutputStream());
                    } catch (IOException e) {
                        // client gone
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(InputStream raw, OutputStream out) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        boolean authed = false;
        while (true) {
            byte[] sizeBytes = in.readNBytes(4);
            if (sizeBytes.length < 4) {
                return;
            }
            int size = ByteBuffer.wrap(sizeBytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (size < 10 || size > 4096) {
                return;
            }
            ByteBuffer p = ByteBuffer.wrap(in.readNBytes(size)).order(ByteOrder.LITTLE_ENDIAN);
            int id = p.getInt();
            int type = p.getInt();
            String body = new String(p.array(), 8, size - 10, StandardCharsets.UTF_8);
            if (type == 3) {
                write(out, id, 0, "");
                authed = body.equals(password);
                write(out, authed ? id : -1, 2, "");
            } else if (type == 2) {
                if (!authed) {
                    return;
                }
                commands.add(body);
                write(out, id, 0, answers.getOrDefault(body, "Unknown command"));
            }
        }
    }

    private static void write(OutputStream out, int id, int type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(14 + b.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(10 + b.length).putInt(id).putInt(type).put(b).put((byte) 0).put((byte) 0);
        out.write(buf.array());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
