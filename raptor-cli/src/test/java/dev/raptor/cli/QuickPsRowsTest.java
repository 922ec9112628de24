package dev.raptor.cli;

import dev.raptor.cli.api.PlainJson;
import dev.raptor.cli.command.PsRow;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerList;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code raptorctl ps}'s quick path reads its rows from the list's JSON without the wire records; they must be the
 * rows the full verb makes of the records ({@link PsRow#of}), and whatever it cannot read the same way must send
 * it to the full verb (empty). The same comparison on a live daemon is in {@code RaptorctlAgainstLiveDaemonTest}.
 */
class QuickPsRowsTest {
    /** Every member a table shows in each shape it takes, members ps ignores, escapes, and a member no record has. */
    private static final String LIST = """
            {"servers": [
              {"id": "3F9C2D1E-0000-4000-8000-00000000C0DE", "name": "lobby \\"main\\" \\u00e9", "image": "ghcr.io\\/x/mc:1.21",
               "startup": "java -jar s.jar", "environment": {"A": "1"}, "labels": {"team": "red"},
               "allocations": [
                 {"ip": "127.0.0.1", "port": 19132, "containerPort": 19133, "protocol": "udp", "primary": false},
                 {"ip": "::1", "port": 25565, "primary": true},
                 {"port": 25575}],
               "limits": {"memoryMiB": 1024, "cpuPercent": 150}, "settleSeconds": 2.5,
               "state": "running", "desiredState": "running", "version": 7, "createdAt": "2026-12-05T10:15:30.123456789Z",
               "updatedAt": "2026-12-05T10:16:00Z", "crashLoop": false, "lastError": null, "containerId": "abc",
               "startedAt": "2026-12-05T10:16:00Z", "busyWith": null, "game": {"protocol": "minecraft", "answered": false}, "health": "healthy",
               "socketConnected": false, "lastCommunication": null, "aMemberFromANewerDaemon": [1, {"x": null}]},
              {"id": "00000000-0000-4000-8000-000000000002", "name": "off", "image": "raptor-test/gameserver:1", "allocations": [],
               "state": "offline", "desiredState": "stopped", "version": 1, "createdAt": "2026-12-04T00:00:00Z"},
              {"id": null, "state": null}
            ], "count": 3}
            """;

    @Test
    void theRowsAreThoseTheFullVerbMakesOfTheWireRecords() throws Exception {
        ServerList records = WireJson.mapper().readValue(LIST, ServerList.class);
        List<PsRow> expected = records.servers().stream().map(PsRow::of).toList();
        assertThat(rows(LIST)).contains(expected);
        assertThat(expected.getFirst().ports()).isEqualTo("[::1]:25565->25565/tcp, 127.0.0.1:19132->19133/udp, 0.0.0.0:25575->25575/tcp");
        // and the same list as the daemon writes it (the wire mapper)
        assertThat(rows(WireJson.mapper().writeValueAsString(records))).contains(expected);
    }

    @Test
    void whatItCannotReadAsTheRecordsDoIsLeftToTheFullVerb() {
        for (String odd : List.of("[]", "{\"count\": 0}", "{\"servers\": null}", "{\"servers\": [null]}", "{\"servers\": {}}", "{\"servers\": [1]}", "{\"servers\": [{\"id\": \"not-a-uuid\"}]}",
                "{\"servers\": [{\"name\": 5}]}", "{\"servers\": [{\"createdAt\": \"yesterday\"}]}",
                "{\"servers\": [{\"allocations\": [{\"port\": 25565.5}]}]}", "{\"servers\": [{\"allocations\": [{\"port\": 1e10}]}]}",
                "{\"servers\": [{\"allocations\": [{\"port\": 2147483648}]}]}",
                "{\"servers\": [{\"allocations\": [{\"primary\": \"yes\"}]}]}", "{\"servers\": [{\"allocations\": {}}]}")) {
            assertThat(rows(odd)).as("%s", odd).isEmpty();
        }
        assertThat(rows("{\"servers\": [], \"count\": 0}")).as("no servers").contains(List.of());
    }

    @Test
    void timesAreReadAsInstantParseReadsThemAndRefusedAsItRefusesThem() {
        List<String> times = new java.util.ArrayList<>(List.of("2026-12-05T10:15:30Z", "2026-12-05T10:15:30.1Z", "2026-12-05T10:15:30.123456Z",
                "2026-12-05T10:15:30.123456789Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "2024-02-29T12:00:00Z", "2000-02-29T00:00:00Z", "2026-03-01T00:00:00Z",
                // what the plain code leaves to Instant.parse: read by it, or refused by it
                "2026-12-05T24:00:00Z", "2026-12-05T23:59:60Z", "2026-12-05t10:15:30z", "2026-12-05T10:15:30+01:00", "+12026-12-05T10:15:30Z",
                "2026-12-05T10:15:30.Z", "2026-12-05T10:15:30.1234567891Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-12-00T00:00:00Z", "2026-12-05T10:60:00Z", "2026-12-05T10:15Z",
                "2026-12-05T1a:15:30Z", "2026-12-05 10:15:30Z", "yesterday", "", "2026-12-05T10:15:30.12345６Z"));
        java.util.Random random = new java.util.Random(20261206);
        for (int i = 0; i < 2_000; i++) {
            long second = random.nextLong(-62_167_219_200L, 253_402_300_800L); // years 0000 to 9999
            times.add(java.time.Instant.ofEpochSecond(second, random.nextBoolean() ? 0 : random.nextInt(1_000_000_000)).toString());
        }
        for (String time : times) {
            Object expected;
            try {
                expected = java.time.Instant.parse(time);
            } catch (java.time.format.DateTimeParseException e) {
                expected = "refused";
            }
            Object read;
            try {
                read = QuickPs.instant(time);
            } catch (java.time.format.DateTimeParseException e) {
                read = "refused";
            }
            assertThat(read).as("%s", time).isEqualTo(expected);
        }
    }

    private static Optional<List<PsRow>> rows(String json) {
        return PlainJson.parse(json.getBytes(StandardCharsets.UTF_8)).flatMap(QuickPs::rows);
    }
}
