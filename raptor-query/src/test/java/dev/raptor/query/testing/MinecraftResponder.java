package dev.raptor.query.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Minecraft server's status side, written from wiki.vg's "Server List Ping": on a loopback TCP port it
 * reads a Handshake (packet 0x00: VarInt protocol, String address, unsigned short port, VarInt next
 * state) and insists on next state 1, answers the Status Request (0x00, empty) with a Status Response
 * (0x00, the JSON as a String) and a Ping (0x01, long) with the same Pong. As a pre-1.7 server
 * ({@link Mode#LEGACY}) it answers only {@code FE 01 FA "MC|PingHost" ...} with a kick packet
 * {@code FF} carrying {@code §1\0protocol\0version\0motd\0online\0max} in UTF-16BE, and closes on
 * anything else. Protocol violations by the client are recorded in {@link #violations()}.
 */
public final class MinecraftResponder implements AutoCloseable {
    public enum Mode { MODERN, LEGACY, SILENT }

    /** What a client's handshake said. */
    public record Handshake(int protocol, String address, int port, int nextState) {
    }

    private final ServerSocket server;
    private final Mode mode;
    private volatile String statusJson;
    private volatile String legacyAnswer;
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public MinecraftResponder(Mode mode, String statusJson) throws IOException {
        this.mode = mode;
        this.statusJson = statusJson;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("mc-responder").start(this::accept);
    }

    /** A modern server answering {@code online/max} players of version {@code version} with the MOTD as a chat component. */
    public static MinecraftResponder modern(int online, int max, String version, String descriptionJson) throws IOException {
        return new MinecraftResponder(Mode.MODERN, """
                {"version":{"name":"%s","protocol":769},"players":{"max":%d,"online":%d,"sample":[{"name":"alice","id":"4566e69f-c907-48ee-8d71-d7ba5aa00d20"}]},
                 "description":%s,"enforcesSecureChat":false}""".formatted(version, max, online, descriptionJson));
    }

    public static MinecraftResponder legacy(String version, String motd, int online, int max) throws IOException {
        MinecraftResponder r = new MinecraftResponder(Mode.LEGACY, null);
        r.legacyAnswer = "§1\0" + 74 + "\0" + version + "\0" + motd + "\0" + online + "\0" + max;
        return r;
    }

    public static MinecraftResponder silent() throws IOException {
        return new MinecraftResponder(Mode.SILENT, null);
    }

    public void setStatusJson(String json) {
        this.statusJson = json;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Handshake> handshakes() {
        return handshakes;
    }

    public List<String> violations() {
        return violations;
    }

    public int pings() {
        return pings.get();
    }

    /** The most connections open at the same time so far. */
    public int mostOpenAtOnce() {
        return mostOpen.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        serve(s);
                    } catch (IOException e) {
                        // the client went away
                    } finally {
                        open.decrementAndGet();
                        sockets.remove(s);
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        if (mode == Mode.SILENT) {
            in.readAllBytes(); // holds the connection until the client gives up
            return;
        }
        int first = in.read();
        if (first < 0) {
            return;
        }
        if (mode == Mode.LEGACY) {
            if (first != 0xFE) {
                return; // a pre-1.7 server does not speak the Netty handshake
            }
            legacy(new DataInputStream(in), out);
            return;
        }
        // modern: the first byte is part of the Handshake's length
        int length = continueVarInt(first, in);
        DataInputStream packet = new DataInputStream(new ByteArrayInputStream(readN(in, length)));
        int id = varInt(packet);
        if (id != 0x00) {
            violations.add("first packet id " + id + ", not the Handshake 0x00");
            return;
        }
        int protocol = varInt(packet);
        int hostLen = varInt(packet);
        if (hostLen > 255 * 4) {
            violations.add("server address of " + hostLen + " bytes");
            return;
        }
        String host = new String(readN(packet, hostLen), StandardCharsets.UTF_8);
        int port = packet.readUnsignedShort();
        int next = varInt(packet);
        if (packet.available() != 0) {
            violations.add("handshake has " + packet.available() + " bytes too many");
        }
        handshakes.add(new Handshake(protocol, host, port, next));
        if (next != 1) {
            violations.add("next state " + next + ", not 1 (status)");
            return;
        }
        while (true) {
            int len;
            try {
                len = varInt(in);
            } catch (EOFException e) {
                return;
            }
            DataInputStream p = new DataInputStream(new ByteArrayInputStream(readN(in, len)));
            int pid = varInt(p);
            if (pid == 0x00 && len == 1) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                writeVarInt(body, 0x00);
                byte[] json = statusJson.getBytes(StandardCharsets.UTF_8);
                writeVarInt(body, json.length);
                body.writeBytes(json);
                frame(out, body.toByteArray());
            } else if (pid == 0x01 && len == 9) {
                long payload = p.readLong();
                pings.incrementAndGet();
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                writeVarInt(body, 0x01);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    body.write((int) (payload >>> shift) & 0xFF);
                }
                frame(out, body.toByteArray());
                return; // the status exchange ends with the Pong
            } else {
                violations.add("unexpected packet 0x" + Integer.toHexString(pid) + " of length " + len + " in the status state");
                return;
            }
        }
    }

    private void legacy(DataInputStream in, OutputStream out) throws IOException {
        if (in.readUnsignedByte() != 0x01) {
            violations.add("legacy ping without the 0x01 payload");
        }
        if (in.readUnsignedByte() != 0xFA) {
            violations.add("legacy ping without the 0xFA plugin message");
            return;
        }
        String channel = utf16(in);
        if (!channel.equals("MC|PingHost")) {
            violations.add("legacy plugin channel '" + channel + "'");
        }
        int rest = in.readUnsignedShort();
        byte[] data = readN(in, rest);
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(data));
        int protocol = d.readUnsignedByte();
        String host = utf16(d);
        int port = d.readInt();
        if (rest != 7 + host.length() * 2) {
            violations.add("legacy ping data length " + rest + " for host '" + host + "'");
        }
        handshakes.add(new Handshake(protocol, host, port, 1));
        byte[] answer = legacyAnswer.getBytes(StandardCharsets.UTF_16BE);
        out.write(0xFF);
        out.write((legacyAnswer.length() >>> 8) & 0xFF);
        out.write(legacyAnswer.length() & 0xFF);
        out.write(answer);
        out.flush();
    }

    private static String utf16(DataInputStream in) throws IOException {
        int chars = in.readUnsignedShort();
        return new String(readN(in, chars * 2), StandardCharsets.UTF_16BE);
    }

    private static void frame(OutputStream out, byte[] body) throws IOException {
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        writeVarInt(framed, body.length);
        framed.writeBytes(body);
        out.write(framed.toByteArray());
        out.flush();
    }

    private static int varInt(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return continueVarInt(b, in);
    }

    private static int continueVarInt(int first, InputStream in) throws IOException {
        int value = first & 0x7F;
        int b = first;
        for (int i = 1; (b & 0x80) != 0; i++) {
            if (i >= 5) {
                throw new IOException("VarInt too long");
            }
            b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            value |= (b & 0x7F) << (7 * i);
        }
        return value;
    }

    private static void writeVarInt(ByteArrayOutputStream out, int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
