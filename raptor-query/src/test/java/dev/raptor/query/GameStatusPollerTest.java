package dev.raptor.query;

import dev.raptor.core.query.GameQuery;
import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.query.QueryResult;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.minecraft.ServerListPing;
import dev.raptor.query.testing.MinecraftResponder;
import dev.raptor.query.testing.SourceResponder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GameStatusPollerTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void recordsEachServersPlayersVersionAndMotdAndFollowsChanges() throws Exception {
        UUID mcId = UUID.randomUUID();
        UUID srcId = UUID.randomUUID();
        try (MinecraftResponder mc = MinecraftResponder.modern(3, 20, "1.21.4", "\"lobby\"");
             SourceResponder a2s = SourceResponder.withChallenge("valheim", "0.219", 2, 10);
             GameStatusPoller poller = new GameStatusPoller(() -> List.of(
                     QueryTarget.of(mcId, "0.0.0.0", mc.port(), GameQuery.minecraft()),
                     QueryTarget.of(srcId, "127.0.0.1", 1, GameQuery.source(a2s.port()))),
                     new PollerSettings(Duration.ofMillis(100), Duration.ofSeconds(5), 4)).start()) {

            await().atMost(WAIT).until(() -> answered(poller, mcId) && answered(poller, srcId));
            var mcStatus = poller.latest(mcId).orElseThrow().lastAnswer().orElseThrow();
            assertThat(mcStatus.playersOnline()).isEqualTo(3);
            assertThat(mcStatus.version()).isEqualTo("1.21.4");
            assertThat(mcStatus.motd()).isEqualTo("lobby");
            assertThat(poller.latest(srcId).orElseThrow().lastAnswer().orElseThrow().playersMax()).isEqualTo(10);

            a2s.setPlayers(9, 10);
            await().atMost(WAIT).until(() -> poller.latest(srcId).flatMap(QueryResult::lastAnswer)
                    .map(s -> s.playersOnline() == 9).orElse(false));
        }
    }

    @Test
    void aServerThatStopsAnsweringKeepsItsLastAnswerAsStaleWithTheReason() throws Exception {
        UUID id = UUID.randomUUID();
        MinecraftResponder mc = MinecraftResponder.modern(5, 8, "1.20", "\"x\"");
        int port = mc.port();
        try (GameStatusPoller poller = new GameStatusPoller(() -> List.of(QueryTarget.of(id, "127.0.0.1", port, GameQuery.minecraft())),
                new PollerSettings(Duration.ofMillis(100), Duration.ofSeconds(2), 4)).start()) {
            await().atMost(WAIT).until(() -> answered(poller, id));
            mc.close();
            await().atMost(WAIT).until(() -> poller.latest(id).orElseThrow() instanceof QueryResult.Unanswered);
            QueryResult.Unanswered u = (QueryResult.Unanswered) poller.latest(id).orElseThrow();
            assertThat(u.reason()).contains("minecraft query to 127.0.0.1:" + port);
            assertThat(u.previous().playersOnline()).isEqualTo(5);
        }
    }

    @Test
    void aServerNoLongerATargetIsForgottenAndListenersHearIt() throws Exception {
        UUID id = UUID.randomUUID();
        List<QueryTarget> targets = new CopyOnWriteArrayList<>();
        List<UUID> forgotten = new CopyOnWriteArrayList<>();
        try (MinecraftResponder mc = MinecraftResponder.modern(1, 2, "1", "\"m\"");
             GameStatusPoller poller = new GameStatusPoller(() -> targets, new PollerSettings(Duration.ofMillis(100), Duration.ofSeconds(5), 4))) {
            poller.addListener(new GameStatusListener() {
                @Override
                public void result(UUID serverId, QueryResult result) {
                }

                @Override
                public void forgotten(UUID serverId) {
                    forgotten.add(serverId);
                }
            });
            targets.add(QueryTarget.of(id, "127.0.0.1", mc.port(), GameQuery.minecraft()));
            poller.start();
            await().atMost(WAIT).until(() -> answered(poller, id));

            targets.clear();

            await().atMost(WAIT).until(() -> forgotten.contains(id));
            assertThat(poller.latest(id)).isEmpty();
            assertThat(poller.latest()).isEmpty();
        }
    }

    @Test
    void queriesRunAtMostConcurrencyAtOnceAndAHangingServerIsNotAskedTwiceAtOnce() throws Exception {
        List<MinecraftResponder> silent = new ArrayList<>();
        List<QueryTarget> targets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            MinecraftResponder r = MinecraftResponder.silent();
            silent.add(r);
            targets.add(QueryTarget.of(UUID.randomUUID(), "127.0.0.1", r.port(), GameQuery.minecraft()));
        }
        // counted where the poller runs them, around the real client
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Map<UUID, AtomicInteger> perServer = new ConcurrentHashMap<>();
        AtomicInteger mostForOneServer = new AtomicInteger();
        Function<QueryTarget, GameStatusClient> counting = t -> new GameStatusClient() {
            @Override
            public QueryProtocol protocol() {
                return QueryProtocol.MINECRAFT;
            }

            @Override
            public GameStatus query(InetSocketAddress address, Deadline deadline) throws IOException {
                AtomicInteger mine = perServer.computeIfAbsent(t.serverId(), id -> new AtomicInteger());
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                mostForOneServer.accumulateAndGet(mine.incrementAndGet(), Math::max);
                try {
                    return new ServerListPing().query(address, deadline);
                } finally {
                    mine.decrementAndGet();
                    running.decrementAndGet();
                }
            }
        };
        Set<UUID> unanswered = ConcurrentHashMap.newKeySet();
        try (GameStatusPoller poller = new GameStatusPoller(() -> targets, counting,
                new PollerSettings(Duration.ofMillis(50), Duration.ofMillis(400), 2))) {
            poller.addListener((server, result) -> {
                if (result instanceof QueryResult.Unanswered) {
                    unanswered.add(server);
                }
            });
            poller.start();
            await().atMost(WAIT).until(() -> unanswered.size() == 6);

            assertThat(mostAtOnce.get()).as("queries at once").isBetween(1, 2);
            assertThat(mostForOneServer.get()).as("one server is never asked twice at once").isEqualTo(1);
            poller.close();
            await().atMost(WAIT).until(() -> poller.inFlight() == 0);
        } finally {
            for (MinecraftResponder r : silent) {
                r.close();
            }
        }
    }

    private static boolean answered(GameStatusPoller poller, UUID id) {
        return poller.latest(id).map(r -> r instanceof QueryResult.Answered).orElse(false);
    }
}
