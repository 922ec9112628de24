package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.swarm.TestSwarm;
import dev.raptor.wire.backup.BackupCreateRequest;
import dev.raptor.wire.backup.BackupDocument;
import dev.raptor.wire.backup.RestoreRequest;
import dev.raptor.wire.client.FilesClient;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.exec.ExecResultDocument;
import dev.raptor.wire.operation.OperationDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static dev.raptor.daemon.TestSwarmDaemon.AGENT_HTTP;
import static dev.raptor.daemon.TestSwarmDaemon.exec;
import static dev.raptor.daemon.TestSwarmDaemon.managerEnv;
import static dev.raptor.daemon.TestSwarmDaemon.onNode;
import static dev.raptor.daemon.TestSwarmDaemon.port;
import static dev.raptor.daemon.TestSwarmDaemon.startAgent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups of a server on a worker, on the real two-node test swarm (scripts/swarm.sh): the worker's {@code raptord
 * agent} runs in node 2's network namespace on node 2's volumes directory (as {@link SwarmFilesAgentTest} starts it), the
 * manager keeps the records and the archives in its own storage. The archive is node 2's volume; a restore with
 * truncate makes node 2's files exactly the backup's again, and the game server reads them in its container.
 */
class SwarmBackupAgentTest {
    @TempDir
    Path tmp;

    @Test
    void aServerOnAWorkerIsBackedUpFromItsVolumeThereAndRestoredIntoItIdenticalByChecksum() throws Exception {
        TestSwarm.require();
        String node = "swarmbackup-" + UUID.randomUUID().toString().substring(0, 8);
        String agentKey = ApiKey.generate();
        Path nodeTwoVolumes = tmp.resolve("node-2-volumes");
        DaemonProcess agent = startAgent(tmp, nodeTwoVolumes, agentKey, Map.of(), null); // plain HTTP (SwarmFilesAgentTest: HTTPS)
        URI agentUri = URI.create("http://" + TestSwarm.addressOf(TestSwarm.NODE_2) + ":" + port(agent, AGENT_HTTP));

        Map<String, String> env = managerEnv(tmp, node, nodeTwoVolumes);
        env.put("RAPTOR_SWARM_AGENTS", TestSwarm.NODE_2 + "=" + agentUri);
        env.put("RAPTOR_AGENT_KEY", agentKey);
        int port = TestSwarm.freePort();

        try (agent; DaemonProcess d = TestDaemon.launch(tmp, "manager", env, List.of())) {
            TestDaemon.awaitHealthy(d);
            RaptorClient api = d.client();
            UUID id = api.servers().create(onNode("backup-on-2", port, TestSwarm.NODE_2)).spec().id();
            try {
                OperationDocument started = api.server(id).power("start", Duration.ofSeconds(90));
                assertThat(started.status()).as(started.toString()).isEqualTo("done");
                FilesClient files = api.server(id).files();
                Path volume = nodeTwoVolumes.resolve(id.toString());

                // files in node 2's volume: through the API (the agent), and by the game server itself
                byte[] world = new byte[3 << 20];
                ThreadLocalRandom.current().nextBytes(world);
                files.mkdir("/world");
                files.write("/world/region.bin", new ByteArrayInputStream(world), world.length, n -> { });
                byte[] level = "level one\n".getBytes(StandardCharsets.UTF_8);
                files.write("/world/level.dat", new ByteArrayInputStream(level), level.length, n -> { });
                ExecResultDocument wrote = api.server(id).exec(exec("sh", "-c",
                        "echo made by the game > /home/container/world/game.txt"));
                assertThat(wrote.exitCode()).as(wrote.toString()).isZero();
                Map<String, String> before = digests(volume);
                assertThat(before).containsKeys("world/region.bin", "world/level.dat", "world/game.txt");

                // the backup: node 2's volume, stored in the manager's storage with the checksum of what was stored
                OperationDocument made = api.server(id).backups().create(new BackupCreateRequest("on-node-2", null, null, BigDecimal.valueOf(120)));
                assertThat(made.status()).as(made.toString()).isEqualTo("done");
                BackupDocument b = api.server(id).backups().get(made.backupId().toString());
                assertThat(b.status()).isEqualTo("completed");
                Path stored = tmp.resolve("data").resolve("backups").resolve(id.toString()).resolve(b.id() + ".tar.zst");
                assertThat(sha256(Files.readAllBytes(stored))).isEqualTo(b.sha256());
                assertThat(b.size()).isEqualTo(Files.size(stored)).isGreaterThan(world.length); // random bytes do not compress
                assertThat(tmp.resolve("data").resolve("volumes").resolve(id.toString()).resolve("world"))
                        .as("nothing read from or written to the manager's own copy of the path").doesNotExist();

                // mutate on node 2, then restore with truncate (the running server is stopped, restored, started again)
                byte[] changed = "level two\n".getBytes(StandardCharsets.UTF_8);
                files.write("/world/level.dat", new ByteArrayInputStream(changed), changed.length, n -> { });
                ExecResultDocument mutated = api.server(id).exec(exec("sh", "-c",
                        "rm /home/container/world/game.txt && echo extra > /home/container/extra.txt"));
                assertThat(mutated.exitCode()).as(mutated.toString()).isZero();
                assertThat(digests(volume)).isNotEqualTo(before);

                OperationDocument restored = api.server(id).backups().restore(b.id().toString(),
                        new RestoreRequest(true, null, BigDecimal.valueOf(180)));
                assertThat(restored.status()).as(restored.toString()).isEqualTo("done");
                assertThat(restored.state()).isEqualTo("running");
                assertThat(digests(volume)).isEqualTo(before);

                ExecResultDocument seen = api.server(id).exec(exec("sh", "-c",
                        "cat /home/container/world/level.dat /home/container/world/game.txt; ls /home/container"));
                assertThat(seen.exitCode()).as(seen.toString()).isZero();
                assertThat(seen.stdout()).startsWith("level one\nmade by the game\n").doesNotContain("extra.txt");
            } finally {
                try {
                    api.server(id).delete(true);
                } catch (RuntimeException e) {
                    System.err.println("could not delete test server " + id + ": " + e);
                }
            }
        }
    }

    /** Every regular file under {@code root}, by relative path, to its SHA-256. */
    private static Map<String, String> digests(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
