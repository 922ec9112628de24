package dev.raptor.api.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.http.JsonPieces;
import dev.raptor.api.testing.TestNode;
import dev.raptor.core.testing.RecordVariants;
import dev.raptor.core.messaging.MessageSockets;
import dev.raptor.core.messaging.MessagingSettings;
import dev.raptor.core.power.ServerFleet.ServerSnapshot;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerList;
import dev.raptor.wire.server.ServerSpecDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /servers} is built from each server's kept bytes ({@link EncodedServers}): the answer is byte for
 * byte what Jackson writes for the same {@link ServerList}, a server's bytes are reused while its document is
 * unchanged, and a change of its spec or its deletion shows in the next list (real API, real SQLite, fake engine).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerListBytesTest {

    @Test
    void theListIsEachServersDocumentAsJacksonWritesItAndFollowsEveryChange(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestNode.Res created = node.post("/api/v1/servers", TestNode.gameServer("bytes-" + i, 0));
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
                ids.add(created.json().get("id").asText());
            }
            assertListIsTheServersOneByOne(node, ids);
            assertListIsTheServersOneByOne(node, ids); // from the kept bytes

            TestNode.Res patched = node.send("PATCH", "/api/v1/servers/" + ids.get(1), "{\"environment\": {\"BOOT_DELAY\": \"7\"}}",
                    "Authorization", "Bearer " + node.apiKey);
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            JsonNode second = WireJson.mapper().readTree(assertListIsTheServersOneByOne(node, ids)).get("servers").get(1);
            assertThat(second.get("environment").get("BOOT_DELAY").asText()).isEqualTo("7");
            assertThat(second.get("version").asLong()).isEqualTo(2);

            assertThat(node.call("DELETE", "/api/v1/servers/" + ids.get(2), null).status()).isIn(200, 202, 204);
            ids.remove(2);
            assertListIsTheServersOneByOne(node, ids);
        }
    }

    @Test
    void anUnchangedServersBytesAreReusedAndAChangedOnesWrittenAgain(@TempDir Path dir) {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            ServerSnapshot s = onlyServer(node, "kept");
            EncodedServers encoded = new EncodedServers();
            MessageSockets messages = noSockets(node);
            byte[] first = json(encoded, s, messages);
            byte[] again = json(encoded, s, messages);
            assertThat(again).isSameAs(first);

            String id = s.stored().id().toString();
            node.send("PATCH", "/api/v1/servers/" + id, "{\"environment\": {\"BOOT_DELAY\": \"3\"}}", "Authorization", "Bearer " + node.apiKey);
            ServerSnapshot changed = node.fleet.list().getFirst();
            byte[] after = json(encoded, changed, messages);
            assertThat(after).isNotSameAs(first);
            assertThat(new String(after, StandardCharsets.UTF_8)).contains("\"BOOT_DELAY\":\"3\"").contains("\"version\":2");
        }
    }

    @Test
    void anUnchangedServerCostsTheListNoNewObject(@TempDir Path dir) {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            ServerSnapshot s = onlyServer(node, "still");
            EncodedServers encoded = new EncodedServers();
            MessageSockets messages = noSockets(node);
            byte[] first = json(encoded, s, messages);
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            int polls = 1_000;
            int kept = 0;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < polls; i++) {
                kept += json(encoded, s, messages) == first ? 1 : 0;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(kept).isEqualTo(polls);

            // a new record per server per poll was ~70 bytes each (with 100 servers polled back to back, megabytes a second)
            assertThat(allocated).as("bytes allocated by %d asks for an unchanged server's bytes", polls).isLessThan(polls * 8L);
        }
    }

    @Test
    void anUnchangedFleetIsListedFromTheSamePiecesAndEveryChangeShowsInTheNextList(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(node.create(TestNode.gameServer("pieces-" + i, 0)));
            }
            EncodedServers encoded = new EncodedServers();
            MessageSockets messages = noSockets(node);
            JsonPieces first = list(encoded, node, ServerFilter.ALL, messages);
            assertThat(text(first)).isEqualTo(node.get("/api/v1/servers").body());
            assertThat(list(encoded, node, ServerFilter.ALL, messages)).as("nothing changed: the same pieces").isSameAs(first);

            // a spec's change, a live part's change (a start), another filter, a deletion: each a new list, as the API lists it
            node.send("PATCH", "/api/v1/servers/" + ids.get(1), "{\"environment\": {\"BOOT_DELAY\": \"4\"}}", "Authorization", "Bearer " + node.apiKey);
            JsonPieces patched = list(encoded, node, ServerFilter.ALL, messages);
            assertThat(patched).isNotSameAs(first);
            assertThat(text(patched)).contains("\"BOOT_DELAY\":\"4\"").isEqualTo(node.get("/api/v1/servers").body());

            TestNode.Res started = node.post("/api/v1/servers/" + ids.get(0) + "/power", "{\"action\": \"start\"}");
            assertThat(started.json().path("state").asText()).as(started.toString()).isEqualTo("running");
            JsonPieces running = list(encoded, node, ServerFilter.ALL, messages);
            assertThat(running).isNotSameAs(patched);
            assertThat(text(running)).contains("\"state\":\"running\"").isEqualTo(node.get("/api/v1/servers").body());

            JsonPieces named = list(encoded, node, new ServerFilter(List.of(), Map.of(), List.of(), "pieces-2"), messages);
            assertThat(text(named)).isEqualTo(node.get("/api/v1/servers?name=pieces-2").body()).endsWith("],\"count\":1}");
            JsonPieces allAgain = list(encoded, node, ServerFilter.ALL, messages);
            assertThat(text(allAgain)).isEqualTo(text(running));

            assertThat(node.call("DELETE", "/api/v1/servers/" + ids.get(2) + "?force=true", null).status()).isIn(200, 202, 204);
            await().atMost(Duration.ofMinutes(1)).until(() -> node.fleet.list().size() == 2);
            JsonPieces deleted = list(encoded, node, ServerFilter.ALL, messages);
            assertThat(text(deleted)).isEqualTo(node.get("/api/v1/servers").body()).endsWith("],\"count\":2}");
            assertThat(list(encoded, node, ServerFilter.ALL, messages)).isSameAs(deleted);
        }
    }

    @Test
    void aPollOfAnUnchangedFleetMakesNoNewObject(@TempDir Path dir) {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            for (int i = 0; i < 20; i++) {
                node.create(TestNode.gameServer("poll-" + i, 0));
            }
            EncodedServers encoded = new EncodedServers();
            MessageSockets messages = noSockets(node);
            JsonPieces first = list(encoded, node, ServerFilter.ALL, messages);
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            int polls = 1_000;
            int same = 0;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < polls; i++) {
                same += list(encoded, node, ServerFilter.ALL, messages) == first ? 1 : 0;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(same).isEqualTo(polls);
            // the store's list, the fleet's list with a snapshot per server, the documents' and the pieces' lists were
            // ~1.6 KB a poll of 20 servers
            assertThat(allocated).as("bytes allocated by %d lists of an unchanged fleet", polls).isLessThan(polls * 8L);
        }
    }

    private static JsonPieces list(EncodedServers encoded, TestNode node, ServerFilter filter, MessageSockets messages) {
        return encoded.list(node.fleet.list(), filter, id -> java.util.Optional.empty(), messages, null);
    }

    private static String text(JsonPieces pieces) {
        return new String(pieces.toArray(), StandardCharsets.UTF_8);
    }

    @Test
    void everyMemberOfTheLivePartIsComparedSoThatAChangeOfAnyOneRewritesTheServer(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            ServerSnapshot s = onlyServer(node, "each");
            // every source member set (none null), so that each can be changed to something else
            dev.raptor.core.messaging.MessageSocketState socket = new dev.raptor.core.messaging.MessageSocketState(true,
                    java.time.Instant.parse("2026-12-06T10:00:00Z"), 0);
            dev.raptor.wire.game.GameStatusDocument game = new dev.raptor.wire.game.GameStatusDocument("minecraft", true,
                    java.time.Instant.parse("2026-12-06T10:00:01Z"), null, java.time.Instant.parse("2026-12-06T10:00:02Z"), 3, 20,
                    "1.21", "hello", List.of("steve"), 4L);
            java.time.Instant nextBackup = java.time.Instant.parse("2026-12-07T00:00:00Z");
            ServerDocuments.Live made = ServerDocuments.live(s.stored(), s.live(), socket, game, nextBackup);
            assertThat(ServerDocuments.unchanged(made, s.stored(), s.live(), socket, game, nextBackup)).isTrue();

            for (RecordVariants.Variant<ServerDocuments.Live> v : RecordVariants.eachMemberChanged(made, ServerListBytesTest::another)) {
                // a member added to Live but not to unchanged() would keep serving the old bytes
                assertThat(ServerDocuments.unchanged(v.record(), s.stored(), s.live(), socket, game, nextBackup))
                        .as("a kept document whose %s differs is rewritten", v.member()).isFalse();
            }
        }
    }

    /** A value of {@code type} other than {@code v}. */
    private static Object another(Object v, Class<?> type) {
        if (type == boolean.class) {
            return !(Boolean) v;
        }
        if (type == long.class) {
            return (Long) v + 1;
        }
        if (type == String.class) {
            return v == null ? "other" : v + "-other";
        }
        if (type == java.time.Instant.class) {
            return v == null ? java.time.Instant.EPOCH : ((java.time.Instant) v).plusSeconds(1);
        }
        if (v != null) {
            return null; // e.g. the game's document
        }
        throw new IllegalStateException("no other value for a null " + type.getSimpleName() + ": set it in the test's sources");
    }

    @Test
    void aChangeOfTheLivePartAloneShowsInTheNextList(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            TestNode.Res created = node.post("/api/v1/servers", TestNode.gameServer("live", 0));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.json().get("id").asText();
            JsonNode before = WireJson.mapper().readTree(assertListIsTheServersOneByOne(node, List.of(id))).get("servers").get(0);
            assertThat(before.get("state").asText()).isEqualTo("offline");

            TestNode.Res started = node.post("/api/v1/servers/" + id + "/power", "{\"action\": \"start\"}");
            assertThat(started.json().path("state").asText()).as(started.toString()).isEqualTo("running");
            JsonNode after = WireJson.mapper().readTree(assertListIsTheServersOneByOne(node, List.of(id))).get("servers").get(0);
            // the stored version did not move: only the live part tells the kept bytes are stale
            assertThat(after.get("version").asLong()).isEqualTo(before.get("version").asLong());
            assertThat(after.get("state").asText()).isEqualTo("running");
            assertThat(after.get("containerId").isNull()).isFalse();
        }
    }

    @Test
    void theKeptEntriesHoldBytesButNoDocument(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.onFakeEngine(dir)) {
            ServerSnapshot s = onlyServer(node, "lean");
            EncodedServers encoded = new EncodedServers();
            MessageSockets messages = noSockets(node);
            byte[] json = json(encoded, s, messages);

            Map<Class<?>, Integer> kept = reachable(encoded);
            // the spec's document (and a document holding it) is derivable from the stored spec: kept, it was most of an entry
            assertThat(kept).doesNotContainKeys(ServerDocument.class, ServerSpecDocument.class);
            assertThat(kept).containsEntry(byte[].class, 1);
            assertThat(json).isNotEmpty();
        }
    }

    /** The objects reachable from {@code root}, counted by class (maps, collections and arrays walked; the JDK's leaves not). */
    private static Map<Class<?>, Integer> reachable(Object root) throws IllegalAccessException {
        Map<Class<?>, Integer> counts = new HashMap<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o)) {
                continue;
            }
            counts.merge(o.getClass(), 1, Integer::sum);
            switch (o) {
                case Map<?, ?> m -> m.forEach((k, v) -> {
                    todo.push(k);
                    if (v != null) {
                        todo.push(v);
                    }
                });
                case Collection<?> c -> c.stream().filter(java.util.Objects::nonNull).forEach(todo::push);
                case Object[] a -> Arrays.stream(a).filter(java.util.Objects::nonNull).forEach(todo::push);
                default -> {
                    if (!o.getClass().getName().startsWith("java.")) {
                        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                            for (Field f : c.getDeclaredFields()) {
                                if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                                    f.setAccessible(true);
                                    Object v = f.get(o);
                                    if (v != null) {
                                        todo.push(v);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return counts;
    }

    /** The snapshot of a server made by the API on an empty node. */
    private static ServerSnapshot onlyServer(TestNode node, String name) {
        assertThat(node.post("/api/v1/servers", TestNode.gameServer(name, 0)).status()).isEqualTo(201);
        return node.fleet.list().getFirst();
    }

    private static MessageSockets noSockets(TestNode node) {
        return new MessageSockets(node.fleet, MessagingSettings.defaults()); // not started: none open
    }

    private static byte[] json(EncodedServers encoded, ServerSnapshot s, MessageSockets messages) {
        // no game query and no backup schedule in the spec: neither is asked
        return encoded.json(s, id -> java.util.Optional.empty(), messages, null);
    }

    /** The list's body, checked against the servers' own documents (GET one by one) and against Jackson's writing. */
    private static String assertListIsTheServersOneByOne(TestNode node, List<String> ids) throws Exception {
        TestNode.Res list = node.get("/api/v1/servers");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.contentType()).startsWith("application/json");
        List<String> one = new ArrayList<>();
        for (String id : ids) {
            one.add(node.get("/api/v1/servers/" + id).body());
        }
        assertThat(list.body()).isEqualTo("{\"servers\":[" + String.join(",", one) + "],\"count\":" + ids.size() + "}");
        ServerList read = WireJson.mapper().readValue(list.body(), ServerList.class);
        assertThat(new String(WireJson.writeBytes(read), StandardCharsets.UTF_8)).isEqualTo(list.body());
        return list.body();
    }
}
