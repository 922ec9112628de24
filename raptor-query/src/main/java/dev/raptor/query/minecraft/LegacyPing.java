package dev.raptor.query.minecraft;

import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.DeadlineStreams;
import dev.raptor.query.QueryException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The Server List Ping of Minecraft before 1.7 (wiki.vg, "Server List Ping", section "1.6"): the client
 * sends {@code FE 01}, then an {@code FA} plugin message {@code MC|PingHost}; the server answers with a
 * kick packet {@code FF}, a UTF-16BE string that is {@code §1\0protocol\0version\0motd\0online\0max}
 * (1.4 to 1.6) or {@code motd§online§max} (beta 1.8 to 1.3).
 */
public final class LegacyPing {
    static final int SERVER_LIST_PING = 0xFE;
    static final int PLUGIN_MESSAGE = 0xFA;
    static final int KICK = 0xFF;
    static final String PING_HOST_CHANNEL = "MC|PingHost";
    /** The protocol version of 1.6.4, the last one that speaks this. */
    static final int PROTOCOL_1_6_4 = 74;
    private static final int MAX_CHARS = 32767;

    public GameStatus query(InetSocketAddress address, Deadline deadline) throws IOException {
        long t0 = System.nanoTime();
        try (Socket socket = DeadlineStreams.connect(address, deadline)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = DeadlineStreams.input(socket, deadline);
            out.write(request(address.getHostString(), address.getPort()));
            out.flush();
            int id = in.read();
            if (id != KICK) {
                throw new QueryException("expected a kick packet (0xFF) to the legacy ping, got " + (id < 0 ? "end of stream" : "0x" + Integer.toHexString(id)));
            }
            byte[] len = PacketIo.readFully(in, 2);
            int chars = ((len[0] & 0xFF) << 8) | (len[1] & 0xFF);
            if (chars > MAX_CHARS) {
                throw new QueryException("a legacy ping answer of " + chars + " characters");
            }
            String text = new String(PacketIo.readFully(in, chars * 2), StandardCharsets.UTF_16BE);
            return parse(text, Instant.now(), Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    /** {@code FE 01 FA}, the channel name, then protocol, host and port, as the 1.6 client sends them. */
    static byte[] request(String host, int port) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(SERVER_LIST_PING);
        out.write(0x01);
        out.write(PLUGIN_MESSAGE);
        writeUtf16(out, PING_HOST_CHANNEL);
        byte[] hostBytes = host.getBytes(StandardCharsets.UTF_16BE);
        writeShort(out, 7 + hostBytes.length);
        out.write(PROTOCOL_1_6_4);
        writeUtf16(out, host);
        out.write((port >>> 24) & 0xFF);
        out.write((port >>> 16) & 0xFF);
        out.write((port >>> 8) & 0xFF);
        out.write(port & 0xFF);
        return out.toByteArray();
    }

    private static void writeUtf16(ByteArrayOutputStream out, String s) {
        writeShort(out, s.length());
        out.writeBytes(s.getBytes(StandardCharsets.UTF_16BE));
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write((v >>> 8) & 0xFF);
        out.write(v & 0xFF);
    }

    static GameStatus parse(String text, Instant at, Duration latency) throws QueryException {
        try {
            if (text.startsWith("§1\0")) {
                String[] f = text.split("\0", -1);
                if (f.length < 6) {
                    throw new QueryException("a legacy ping answer with " + f.length + " fields (expected 6)");
                }
                return new GameStatus(at, QueryProtocol.MINECRAFT, Integer.parseInt(f[4].strip()), Integer.parseInt(f[5].strip()),
                        f[2], ChatText.stripFormatting(f[3]), List.of(), latency);
            }
            int last = text.lastIndexOf('§');
            int middle = last <= 0 ? -1 : text.lastIndexOf('§', last - 1);
            if (middle < 0) {
                throw new QueryException("a legacy ping answer that is neither format");
            }
            return new GameStatus(at, QueryProtocol.MINECRAFT, Integer.parseInt(text.substring(middle + 1, last).strip()),
                    Integer.parseInt(text.substring(last + 1).strip()), "", text.substring(0, middle), List.of(), latency);
        } catch (NumberFormatException e) {
            throw new QueryException("a legacy ping answer whose player counts are not numbers");
        }
    }
}
