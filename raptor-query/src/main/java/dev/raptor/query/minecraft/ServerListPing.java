package dev.raptor.query.minecraft;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.DeadlineStreams;
import dev.raptor.query.GameStatusClient;
import dev.raptor.query.QueryException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Minecraft Java Edition's Server List Ping, as a client (the protocol described on wiki.vg, "Server
 * List Ping", section "Current (1.7+)"): on the game port, a Handshake with next state 1 (status), a
 * Status Request, the Status Response's JSON, then Ping and Pong for the latency the game's server
 * list shows. A server older than 1.7 does not speak it; when the modern exchange fails for a reason
 * other than a timeout, {@link LegacyPing} is tried within what is left of the deadline.
 */
public final class ServerListPing implements GameStatusClient {
    /** By convention, a client that pings to find out the version sends protocol version -1. */
    static final int PROTOCOL_UNKNOWN = -1;
    static final int NEXT_STATE_STATUS = 1;
    static final int HANDSHAKE = 0x00;
    static final int STATUS_REQUEST = 0x00;
    static final int STATUS_RESPONSE = 0x00;
    static final int PING = 0x01;
    /** The status JSON is a String of at most 32767 characters (up to 4 bytes each in UTF-8), plus framing. */
    static final int MAX_PACKET = 32767 * 4 + 16;
    private static final int MAX_PLAYER_NAMES = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public QueryProtocol protocol() {
        return QueryProtocol.MINECRAFT;
    }

    @Override
    public GameStatus query(InetSocketAddress address, Deadline deadline) throws IOException {
        try {
            return modern(address, deadline);
        } catch (SocketTimeoutException | ConnectException e) {
            throw e; // nobody answers: a legacy ping would not either
        } catch (IOException modernFailed) {
            // a pre-1.7 server closes on the Netty handshake (EOF, reset, broken pipe) or answers a kick
            if (deadline.expired()) {
                throw modernFailed;
            }
            try {
                return new LegacyPing().query(address, deadline);
            } catch (IOException legacyFailed) {
                modernFailed.addSuppressed(legacyFailed);
                throw modernFailed;
            }
        }
    }

    /** The 1.7+ exchange only. */
    public GameStatus modern(InetSocketAddress address, Deadline deadline) throws IOException {
        long t0 = System.nanoTime();
        try (Socket socket = DeadlineStreams.connect(address, deadline)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = DeadlineStreams.input(socket, deadline);

            ByteArrayOutputStream handshake = new ByteArrayOutputStream();
            PacketIo.writeVarInt(handshake, PROTOCOL_UNKNOWN);
            PacketIo.writeString(handshake, address.getHostString());
            PacketIo.writeUnsignedShort(handshake, address.getPort());
            PacketIo.writeVarInt(handshake, NEXT_STATE_STATUS);
            out.write(PacketIo.packet(HANDSHAKE, handshake.toByteArray()));
            out.write(PacketIo.packet(STATUS_REQUEST, new byte[0]));
            out.flush();

            PacketIo.Packet response = PacketIo.readPacket(in, MAX_PACKET);
            if (response.id() != STATUS_RESPONSE) {
                throw new QueryException("expected a Status Response (0x00), got packet 0x" + Integer.toHexString(response.id()));
            }
            String json = PacketIo.readString(response.data(), MAX_PACKET);
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            Instant at = Instant.now();

            // Ping/Pong: the round trip the game shows. A server that closes instead still gave its status.
            long token = ThreadLocalRandom.current().nextLong();
            ByteArrayOutputStream ping = new ByteArrayOutputStream();
            PacketIo.writeLong(ping, token);
            try {
                long p0 = System.nanoTime();
                out.write(PacketIo.packet(PING, ping.toByteArray()));
                out.flush();
                PacketIo.Packet pong = PacketIo.readPacket(in, 64);
                if (pong.id() == PING && PacketIo.readLong(pong.data()) == token) {
                    latency = Duration.ofNanos(System.nanoTime() - p0);
                }
            } catch (IOException pongMissing) {
                // the status is what was asked for
            }
            return parseStatus(json, at, latency);
        }
    }

    /** The Status Response's JSON as a {@link GameStatus}. */
    static GameStatus parseStatus(String json, Instant at, Duration latency) throws QueryException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new QueryException("the status is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new QueryException("the status is not a JSON object");
        }
        JsonNode players = root.path("players");
        if (!players.path("online").canConvertToInt() || !players.path("max").canConvertToInt()) {
            throw new QueryException("the status has no players.online and players.max");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode p : players.path("sample")) {
            if (names.size() < MAX_PLAYER_NAMES && p.path("name").isTextual()) {
                names.add(p.get("name").asText());
            }
        }
        return new GameStatus(at, QueryProtocol.MINECRAFT, players.get("online").asInt(), players.get("max").asInt(),
                ChatText.stripFormatting(root.path("version").path("name").asText("")), ChatText.plain(root.get("description")),
                names, latency);
    }
}
