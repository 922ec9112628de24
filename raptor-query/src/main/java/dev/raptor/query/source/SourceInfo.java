package dev.raptor.query.source;

import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.query.QueryException;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Reads the body of an A2S_INFO answer (after its header and type byte), little-endian as the protocol is. */
final class SourceInfo {
    /** The Ship's app id: its answer carries three more bytes before the version. */
    static final int THE_SHIP = 2400;

    private SourceInfo() {
    }

    /**
     * Source: protocol, name, map, folder, game, app id, players, max players, bots, server type,
     * environment, visibility, VAC, (The Ship's mode, witnesses, duration), version, then optional extra data.
     */
    static GameStatus parse(ByteBuffer b, Instant at, Duration latency) throws QueryException {
        try {
            b.get(); // protocol
            String name = string(b);
            string(b); // map
            string(b); // folder
            string(b); // game
            int appId = b.getShort() & 0xFFFF;
            int players = b.get() & 0xFF;
            int max = b.get() & 0xFF;
            b.get(); // bots
            b.get(); // server type
            b.get(); // environment
            b.get(); // visibility
            b.get(); // VAC
            if (appId == THE_SHIP) {
                b.get();
                b.get();
                b.get();
            }
            String version = string(b);
            return new GameStatus(at, QueryProtocol.SOURCE, players, max, version, name, List.of(), latency);
        } catch (BufferUnderflowException e) {
            throw new QueryException("a truncated A2S_INFO answer");
        }
    }

    /** GoldSource: address, name, map, folder, game, players, max players, protocol (no version string). */
    static GameStatus parseGoldSource(ByteBuffer b, Instant at, Duration latency) throws QueryException {
        try {
            string(b); // address
            String name = string(b);
            string(b);
            string(b);
            string(b);
            int players = b.get() & 0xFF;
            int max = b.get() & 0xFF;
            return new GameStatus(at, QueryProtocol.SOURCE, players, max, "", name, List.of(), latency);
        } catch (BufferUnderflowException e) {
            throw new QueryException("a truncated GoldSource info answer");
        }
    }

    /** A NUL-terminated UTF-8 string. */
    static String string(ByteBuffer b) throws QueryException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (!b.hasRemaining()) {
                throw new QueryException("a string without its terminating NUL");
            }
            byte c = b.get();
            if (c == 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write(c);
        }
    }
}
