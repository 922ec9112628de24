package dev.raptor.query.source;

import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.DeadlineStreams;
import dev.raptor.query.GameStatusClient;
import dev.raptor.query.QueryException;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Valve's A2S_INFO over UDP, as a client (Valve Developer Community, "Server queries"): the request
 * {@code FF FF FF FF 54 "Source Engine Query\0"}; since the December 2020 change a server may first
 * answer S2C_CHALLENGE ({@code FF FF FF FF 41} and a 4-byte challenge), and the client sends the same
 * request again with the challenge appended. The answer is a single packet ({@code FF FF FF FF}) with
 * the Source info ({@code 49}) or the obsolete GoldSource info ({@code 6D}).
 */
public final class A2sInfo implements GameStatusClient {
    static final int SIMPLE = -1;
    static final int SPLIT = -2;
    static final byte A2S_INFO = 0x54;
    static final byte S2C_CHALLENGE = 0x41;
    static final byte S2A_INFO_SOURCE = 0x49;
    static final byte S2A_INFO_GOLDSOURCE = 0x6D;
    static final String PAYLOAD = "Source Engine Query";
    /** Steam's packet size; one packet holds any single info answer. */
    static final int MAX_PACKET = 1400;
    /** A server may ask for a fresh challenge again; more rounds than this are not the protocol. */
    private static final int MAX_CHALLENGES = 3;

    @Override
    public QueryProtocol protocol() {
        return QueryProtocol.SOURCE;
    }

    @Override
    public GameStatus query(InetSocketAddress address, Deadline deadline) throws IOException {
        long t0 = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(address);
            byte[] challenge = null;
            for (int round = 0; round <= MAX_CHALLENGES; round++) {
                byte[] req = request(challenge);
                socket.send(new DatagramPacket(req, req.length));
                byte[] buf = new byte[MAX_PACKET + 64];
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                socket.setSoTimeout(DeadlineStreams.millisLeft(deadline));
                socket.receive(in);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, in.getLength()).order(ByteOrder.LITTLE_ENDIAN);
                if (b.remaining() < 5) {
                    throw new QueryException("an A2S answer of " + b.remaining() + " bytes");
                }
                int header = b.getInt();
                if (header == SPLIT) {
                    throw new QueryException("a split A2S_INFO answer (the info fits one packet; this is not the protocol)");
                }
                if (header != SIMPLE) {
                    throw new QueryException("an A2S answer with header 0x" + Integer.toHexString(header));
                }
                byte type = b.get();
                switch (type) {
                    case S2C_CHALLENGE -> {
                        if (b.remaining() < 4) {
                            throw new QueryException("a challenge of " + b.remaining() + " bytes");
                        }
                        challenge = new byte[4];
                        b.get(challenge);
                    }
                    case S2A_INFO_SOURCE -> {
                        return SourceInfo.parse(b, Instant.now(), Duration.ofNanos(System.nanoTime() - t0));
                    }
                    case S2A_INFO_GOLDSOURCE -> {
                        return SourceInfo.parseGoldSource(b, Instant.now(), Duration.ofNanos(System.nanoTime() - t0));
                    }
                    default -> throw new QueryException("an A2S answer of type 0x" + Integer.toHexString(type & 0xFF));
                }
            }
            throw new QueryException("the server asked for a new challenge " + (MAX_CHALLENGES + 1) + " times");
        }
    }

    /** The request, with the server's challenge appended when it sent one. */
    static byte[] request(byte[] challenge) {
        byte[] payload = PAYLOAD.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + payload.length + 1 + (challenge == null ? 0 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SIMPLE).put(A2S_INFO).put(payload).put((byte) 0);
        if (challenge != null) {
            b.put(challenge);
        }
        return Arrays.copyOf(b.array(), b.position());
    }
}
