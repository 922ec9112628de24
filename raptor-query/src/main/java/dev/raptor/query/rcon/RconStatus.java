package dev.raptor.query.rcon;

import dev.raptor.core.power.RconClient;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.DeadlineStreams;
import dev.raptor.query.GameStatusClient;
import dev.raptor.query.QueryException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * Game status over Source RCON: authenticates, sends one command (Minecraft's {@code list} by
 * default) through the {@link RconClient} stop policies use, and reads the player count out of the
 * answer with {@link PlayerCountParser}.
 */
public final class RconStatus implements GameStatusClient {
    private final String password;
    private final String command;

    public RconStatus(String password, String command) {
        this.password = password == null ? "" : password;
        this.command = command;
    }

    @Override
    public QueryProtocol protocol() {
        return QueryProtocol.RCON;
    }

    @Override
    public GameStatus query(InetSocketAddress address, Deadline deadline) throws IOException {
        long t0 = System.nanoTime();
        String answer = RconClient.send(address.getHostString(), address.getPort(), password, command,
                Duration.ofMillis(DeadlineStreams.millisLeft(deadline)));
        Duration latency = Duration.ofNanos(System.nanoTime() - t0);
        PlayerCountParser.Count count = PlayerCountParser.parse(answer)
                .orElseThrow(() -> new QueryException("the answer to RCON '" + command + "' names no player count: "
                        + abbreviate(answer)));
        return new GameStatus(Instant.now(), QueryProtocol.RCON, count.online(), count.max(), "", "", count.names(), latency);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 120 ? "'" + one + "'" : "'" + one.substring(0, 117) + "...'";
    }
}
