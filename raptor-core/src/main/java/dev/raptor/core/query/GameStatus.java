package dev.raptor.core.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a game server said about itself when it was last asked.
 *
 * @param at            when it answered
 * @param protocol      how it was asked
 * @param playersOnline players connected now
 * @param playersMax    the player slots; -1 when the protocol does not tell
 * @param version       the game's version as the server names it; empty when the protocol does not tell
 * @param motd          the message of the day (or server name), formatting codes removed; empty when the protocol does not tell
 * @param players       some player names when the server lists them (Minecraft's sample); often empty
 * @param latency       how long the answer took
 */
public record GameStatus(Instant at, QueryProtocol protocol, int playersOnline, int playersMax, String version, String motd,
                         List<String> players, Duration latency) {

    public GameStatus {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(protocol, "protocol");
        version = version == null ? "" : version;
        motd = motd == null ? "" : motd;
        players = players == null ? List.of() : List.copyOf(players);
        latency = latency == null ? Duration.ZERO : latency;
    }
}
