package dev.raptor.api.backups;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A spec's {@code backups} section and the import of archives made elsewhere, over real HTTP on a node with a real
 * store, Docker engine and local backup storage: bad settings are 400s naming the field and change nothing, good ones
 * are kept and run on their schedule; an imported tar.gz is a backup to restore like any other.
 */
class BackupSettingsApiTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String spec(String name, String backups) {
        return """
                {"name": "%s", "image": "raptor-test/gameserver:1", "stop": {"type": "command", "value": "stop"},
                 "labels": {"suite": "api"}, "backups": %s}""".formatted(name, backups);
    }

    @Test
    void aScheduleThatIsNoScheduleIsA400NamingItAndNoServerIsMade() {
        for (String bad : List.of("\"61 * * * *\"", "\"@every 0s\"", "\"@fortnightly\"", "7")) {
            TestNode.Res r = node.post("/api/v1/servers", spec("bad-schedule", "{\"schedule\": " + bad + "}"));

            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("errors").findValuesAsText("field")).as(r.toString()).containsExactly("backups.schedule");
        }
        TestNode.Res r = node.post("/api/v1/servers", spec("bad-retention", "{\"max\": -1, \"keep\": 3, \"commandsBefore\": [\"\"]}"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("backups.max", "backups.keep", "backups.commandsBefore[0]");
        assertThat(node.get("/api/v1/servers").json().findValuesAsText("name")).doesNotContain("bad-schedule", "bad-retention");
    }

    @Test
    void aPatchWithABadScheduleChangesNothingAndAGoodOneIsKept() {
        String id = node.create(spec("patched", "{\"max\": 3}"));

        TestNode.Res bad = node.send("PATCH", "/api/v1/servers/" + id, "{\"backups\": {\"schedule\": \"0 4 * *\"}}",
                "Authorization", "Bearer " + node.apiKey);
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.json().get("errors").findValuesAsText("field")).containsExactly("backups.schedule");
        assertThat(node.get("/api/v1/servers/" + id).json().get("backups").toString()).isEqualTo("{\"max\":3}");

        TestNode.Res good = node.send("PATCH", "/api/v1/servers/" + id,
                "{\"backups\": {\"schedule\": \"@daily\", \"ignore\": [\"logs/\"], \"commandsAfter\": [\"save-on\"]}}",
                "Authorization", "Bearer " + node.apiKey);
        assertThat(good.status()).as(good.toString()).isEqualTo(200);
        assertThat(node.get("/api/v1/servers/" + id).json().get("backups").toString())
                .isEqualTo("{\"schedule\":\"@daily\",\"max\":3,\"ignore\":[\"logs/\"],\"commandsAfter\":[\"save-on\"]}");
        // the schedule follows the spec's change event, on the bus's own thread
        await().atMost(TestNode.HANG).until(() -> node.scheduledBackups.next(java.util.UUID.fromString(id)).isPresent());
    }

    @Test
    void theBackupListTellsWhenTheNextScheduledBackupStartsAndFollowsTheSchedulesChanges() {
        java.time.ZoneId zone = java.time.ZoneId.systemDefault(); // the node's, as the daemon's scheduler reads cron in
        Instant created = Instant.now();
        String id = node.create(spec("next-backup", "{\"schedule\": \"0 4 * * *\"}"));
        String list = "/api/v1/servers/" + id + "/backups";

        // the scheduler follows the created event on the bus's thread: the list tells once it has
        await().atMost(TestNode.HANG).until(() -> !node.get(list).json().get("nextBackupAt").isNull());
        JsonNode daily = node.get(list).json();
        assertThat(daily.get("schedule").asText()).isEqualTo("0 4 * * *");
        assertThat(daily.get("timeZone").asText()).isEqualTo(zone.getId());
        Instant next = Instant.parse(daily.get("nextBackupAt").asText());
        assertThat(next).isEqualTo(node.scheduledBackups.next(java.util.UUID.fromString(id)).orElseThrow());
        assertThat(node.get("/api/v1/servers/" + id).json().get("nextBackupAt").asText()).as("the server document tells it too")
                .isEqualTo(daily.get("nextBackupAt").asText());
        java.time.ZonedDateTime local = next.atZone(zone);
        assertThat(List.of(local.getHour(), local.getMinute(), local.getSecond())).as(local.toString()).containsExactly(4, 0, 0);
        assertThat(next).isAfter(created).isBefore(created.plus(java.time.Duration.ofHours(25))); // 25: a day across a DST change

        Instant patched = Instant.now();
        TestNode.Res every = node.send("PATCH", "/api/v1/servers/" + id, "{\"backups\": {\"schedule\": \"@every 6h\"}}",
                "Authorization", "Bearer " + node.apiKey);
        assertThat(every.status()).as(every.toString()).isEqualTo(200);
        await().atMost(TestNode.HANG).until(() -> {
            JsonNode n = node.get(list).json().get("nextBackupAt");
            return !n.isNull() && !Instant.parse(n.asText()).equals(next);
        });
        JsonNode interval = node.get(list).json();
        assertThat(interval.get("schedule").asText()).isEqualTo("@every 6h");
        // no backup yet: six hours from when the scheduler learnt the change
        assertThat(Instant.parse(interval.get("nextBackupAt").asText()))
                .isBetween(patched.plus(java.time.Duration.ofHours(6)), Instant.now().plus(java.time.Duration.ofHours(6)));

        TestNode.Res none = node.send("PATCH", "/api/v1/servers/" + id, "{\"backups\": {\"schedule\": null}}",
                "Authorization", "Bearer " + node.apiKey);
        assertThat(none.status()).as(none.toString()).isEqualTo(200);
        await().atMost(TestNode.HANG).until(() -> node.get(list).json().get("nextBackupAt").isNull());
        assertThat(node.get(list).json().get("schedule").isNull()).isTrue();
        assertThat(node.get("/api/v1/servers/" + id).json().has("nextBackupAt")).as("absent without a schedule").isFalse();
        node.call("DELETE", "/api/v1/servers/" + id, null);
    }

    @Test
    void aScheduledServerIsBackedUpOnItsOwnKeepingItsMaxNewestAndLeavingOutItsIgnoredPaths() throws IOException {
        String id = node.create(spec("scheduled", "{\"schedule\": \"@every 1s\", \"max\": 2, \"ignore\": [\"logs/\"]}"));
        Path root = node.fleet.settings().volumesRoot().resolve(id);
        Files.createDirectories(root.resolve("logs"));
        Files.writeString(root.resolve("logs/latest.log"), "noise");
        Files.writeString(root.resolve("level.dat"), "level");

        await().atMost(TestNode.HANG).until(() -> node.get("/api/v1/servers/" + id + "/activity?limit=100").json()
                .findValuesAsText("type").stream().filter("backup.completed"::equals).count() >= 3);
        // The schedule off before a backup is read: every second a new one prunes the oldest, and under load a backup
        // picked from the list was pruned before its download. Once the scheduler knows, at most the one it may have
        // started already completes, which prunes the older of the two: the newest is kept.
        TestNode.Res off = node.send("PATCH", "/api/v1/servers/" + id, "{\"backups\": {\"schedule\": null}}",
                "Authorization", "Bearer " + node.apiKey);
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        await().atMost(TestNode.HANG).until(() -> node.scheduledBackups.next(java.util.UUID.fromString(id)).isEmpty());
        await().atMost(TestNode.HANG).untilAsserted(() -> assertThat(node.get("/api/v1/servers/" + id + "/backups").json()
                .get("backups").findValuesAsText("status")).containsOnly("completed").hasSizeLessThanOrEqualTo(2));

        JsonNode newest = java.util.stream.StreamSupport.stream(node.get("/api/v1/servers/" + id + "/backups").json().get("backups")
                .spliterator(), false).max(java.util.Comparator.comparing(n -> Instant.parse(n.get("createdAt").asText()))).orElseThrow();
        String bid = newest.get("id").asText();
        JsonNode b = node.get("/api/v1/servers/" + id + "/backups/" + bid).json();
        List<String> names = TarZst.names(node.backups.download(java.util.UUID.fromString(id), java.util.UUID.fromString(bid)).content());
        assertThat(names).as(b.toString()).anyMatch(n -> n.endsWith("level.dat")).noneMatch(n -> n.contains("logs"));
        node.call("DELETE", "/api/v1/servers/" + id, null);
    }

    @Test
    void anArchiveMadeElsewhereIsImportedAsABackupAndRestoredLikeOne() throws Exception {
        String id = node.create(spec("imported", "{}"));
        Path root = node.fleet.settings().volumesRoot().resolve(id);
        Files.createDirectories(root);
        Files.writeString(root.resolve("old.txt"), "before the import");
        byte[] big = new byte[3 * 1024 * 1024]; // larger than the API's JSON body limit: the archive is streamed
        new Random(7).nextBytes(big);
        byte[] archive = tarGz(List.of(new Entry("world/level.dat", "imported level".getBytes(StandardCharsets.UTF_8)),
                new Entry("world/region.bin", big)));

        TestNode.Res r = node.sendBytes("POST", "/api/v1/servers/" + id + "/backups/import?name=from-wings", archive,
                "application/octet-stream");

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode b = r.json();
        assertThat(b.get("name").asText()).isEqualTo("from-wings");
        assertThat(b.get("format").asText()).isEqualTo("tar.gz");
        assertThat(b.get("status").asText()).isEqualTo("completed");
        assertThat(b.get("size").asLong()).isEqualTo(archive.length);
        assertThat(b.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive)));
        assertThat(r.header("Location")).isEqualTo("/api/v1/servers/" + id + "/backups/" + b.get("id").asText());

        TestNode.Res restored = node.post("/api/v1/servers/" + id + "/backups/" + b.get("id").asText() + "/restore", "{\"truncate\": true}");
        assertThat(restored.json().get("status").asText()).as(restored.toString()).isEqualTo("done");
        assertThat(Files.readString(root.resolve("world/level.dat"))).isEqualTo("imported level");
        assertThat(Files.readAllBytes(root.resolve("world/region.bin"))).isEqualTo(big);
        assertThat(root.resolve("old.txt")).doesNotExist();
    }

    @Test
    void aBodyThatIsNoArchiveIsA422AndNoBackupIsKept() {
        String id = node.create(spec("not-imported", "{}"));

        TestNode.Res r = node.sendBytes("POST", "/api/v1/servers/" + id + "/backups/import", "just some text".getBytes(StandardCharsets.UTF_8),
                "application/octet-stream");

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().get("type").asText()).endsWith("bad-archive");
        assertThat(node.get("/api/v1/servers/" + id + "/backups").json().get("backups")).isEmpty();
        assertThat(node.sendBytes("POST", "/api/v1/servers/" + java.util.UUID.randomUUID() + "/backups/import", new byte[]{1},
                "application/octet-stream").status()).isEqualTo(404);
    }

    @Test
    void anImportWhileABackupOfTheServerRunsIsA409AndABadNameA400() throws Exception {
        String id = node.create(spec("import-busy", "{}"));
        java.nio.file.Files.createDirectories(node.fleet.settings().volumesRoot().resolve(id));
        byte[] archive = tarGz(List.of(new Entry("level.dat", "x".getBytes(StandardCharsets.UTF_8))));
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> {
            try {
                node.backups.create(dev.raptor.backup.BackupTarget.of(java.util.UUID.fromString(id)), dev.raptor.backup.BackupRequest.DEFAULT,
                        new dev.raptor.backup.BackupListener() {
                            @Override
                            public void started(dev.raptor.core.backup.BackupRecord backup) {
                                inside.countDown();
                                try {
                                    release.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        });
            } catch (Exception e) {
                // the test only needs it to hold the server
            }
        });
        assertThat(inside.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        try {
            TestNode.Res busy = node.sendBytes("POST", "/api/v1/servers/" + id + "/backups/import", archive, "application/octet-stream");
            assertThat(busy.status()).as(busy.toString()).isEqualTo(409);
            assertThat(busy.json().get("type").asText()).endsWith("backup-busy");
        } finally {
            release.countDown();
            holder.join(java.time.Duration.ofSeconds(60));
        }

        TestNode.Res badName = node.sendBytes("POST", "/api/v1/servers/" + id + "/backups/import?name=" + "n".repeat(201), archive,
                "application/octet-stream");
        assertThat(badName.status()).as(badName.toString()).isEqualTo(400);
        assertThat(badName.json().get("detail").asText()).startsWith("name:");
        assertThat(node.get("/api/v1/servers/" + id + "/backups").json().get("backups").findValuesAsText("name")).hasSize(1);
    }

    private record Entry(String name, byte[] content) {
    }

    private static byte[] tarGz(List<Entry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            for (Entry e : entries) {
                TarArchiveEntry t = new TarArchiveEntry(e.name());
                t.setSize(e.content().length);
                t.setMode(0644);
                tar.putArchiveEntry(t);
                tar.write(e.content());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    /** The entry names of a tar.zst stream. */
    private static final class TarZst {
        static List<String> names(java.io.InputStream in) throws IOException {
            List<String> names = new java.util.ArrayList<>();
            try (in; var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(new com.github.luben.zstd.ZstdInputStream(in))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    names.add(e.getName());
                }
            }
            return names;
        }
    }
}
