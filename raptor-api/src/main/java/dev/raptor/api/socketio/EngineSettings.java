package dev.raptor.api.socketio;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Socket.IO gateway's Engine.IO sessions behave.
 *
 * @param pingInterval   how often the daemon pings a client (told to it in the handshake)
 * @param pingTimeout    how long a client has to answer a ping before its session ends
 * @param maxPayload     the largest long-polling body accepted, and the most a poll answers at once
 * @param writeTimeout   a client that takes nothing for this long is dropped as dead
 * @param outboxPackets  packets waiting for a client at most; a writer waits for room (at most the write timeout)
 * @param connectTimeout a session that joins no namespace within this is ended
 */
public record EngineSettings(Duration pingInterval, Duration pingTimeout, long maxPayload, Duration writeTimeout,
                             int outboxPackets, Duration connectTimeout) {
    public EngineSettings {
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pingTimeout, "pingTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (maxPayload < 1024 || outboxPackets < 16) {
            throw new IllegalArgumentException("maxPayload must be at least 1024 and outboxPackets at least 16");
        }
    }

    /** The reference server's defaults: pings every 25 s, 20 s to answer, 1 MB payloads; 30 s write timeout, 45 s to connect. */
    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000, Duration.ofSeconds(30), 4096,
                Duration.ofSeconds(45));
    }
}
