package dev.raptor.wire.game;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.query.QueryResult;

import java.time.Instant;
import java.util.List;

/**
 * What the game said when Raptor last asked it (the spec's {@code query}): the {@code game} member of a
 * server document and of its stats. The players, version and MOTD are those of the last answer, even
 * when the last query went unanswered ({@code answered} false, {@code error} why); {@code answeredAt}
 * says how old they are.
 *
 * <pre>{@code
 * {"protocol": "minecraft", "answered": true, "askedAt": "…", "answeredAt": "…", "playersOnline": 3, "playersMax": 20,
 *  "version": "Paper 1.21.4", "motd": "A Minecraft Server", "players": ["alice"], "latencyMillis": 2}
 * }</pre>
 *
 * @param playersMax -1 when the protocol does not tell (RCON answers that only count players online)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GameStatusDocument(String protocol, boolean answered, Instant askedAt, String error, Instant answeredAt,
                                 Integer playersOnline, Integer playersMax, String version, String motd, List<String> players,
                                 Long latencyMillis) {

    /** The document of a query result by {@code protocol}. */
    public static GameStatusDocument of(QueryResult result, QueryProtocol queried) {
        GameStatus last = result.lastAnswer().orElse(null);
        String error = result instanceof QueryResult.Unanswered u ? u.reason() : null;
        String protocol = queried.wireName();
        if (last == null) {
            return new GameStatusDocument(protocol, false, result.at(), error, null, null, null, null, null, null, null);
        }
        return new GameStatusDocument(protocol, result instanceof QueryResult.Answered, result.at(), error, last.at(),
                last.playersOnline(), last.playersMax(), last.version(), last.motd(), last.players(), last.latency().toMillis());
    }
}
