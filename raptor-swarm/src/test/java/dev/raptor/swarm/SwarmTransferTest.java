package dev.raptor.swarm;

import dev.raptor.core.operation.OperationProgress;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Moving a server with its files between the two nodes of the real swarm. Both nodes of the test swarm see this
 * machine's disk, so node 2 keeps servers' data in a directory of its own ({@code RAPTOR_SWARM_VOLUMES}, here
 * {@code nodeVolumes}): the files really travel, from node 1's directory through node 1's engine, raptord and node 2's
 * engine into node 2's, as they would between machines with disks of their own.
 */
class SwarmTransferTest {
    private static final Duration HANG = Duration.ofSeconds(240);

    @TempDir
    Path tmp;
    private final String label = "transfer-" + UUID.randomUUID();
    private SwarmFleet swarm;
    private SwarmRuntime runtime;
    private SqliteStore store;
    private ServerFleet fleet;

    private void openFleet(Path nodeTwoVolumes) {
        SwarmRuntimeConfig config;
        try (SwarmRuntime plain = TestSwarm.runtime(label)) {
            config = plain.config();
        }
        swarm = new SwarmFleet(SwarmRuntime.connect(config.withNodeVolumes(Map.of(TestSwarm.NODE_2, nodeTwoVolumes))), tmp, HANG);
        runtime = swarm.runtime;
        store = swarm.store;
        fleet = swarm.fleet;
    }

    @AfterEach
    void closeFleet() throws Exception {
        if (swarm != null) {
            swarm.close();
        }
    }

    /** A server started on node 1 with a small world in its files, and their checksums before anything moved. */
    private record Started(UUID id, int port, Path source, Map<String, String> before) {
    }

    /** Creates and starts {@code name} on node 1 (greeting on its port), writes a small world into its files. */
    private Started startedWithWorld(String name) throws Exception {
        int port = TestSwarm.freePort();
        UUID id = fleet.create(server(name, port, TestSwarm.NODE_1)).id();
        assertThat(power(id, PowerAction.START)).isInstanceOf(PowerResult.Done.class);
        awaitGreeting(TestSwarm.NODE_1, port, name);
        Path source = tmp.resolve("volumes").resolve(id.toString());
        writeWorld(source);
        return new Started(id, port, source, checksums(source));
    }

    @Test
    void aRunningServerMovesToTheOtherNodeWithItsFilesVerifiedRunsThereAndItsSourceCopyIsRemoved() throws Exception {
        Path nodeTwo = tmp.resolve("node-2-volumes");
        openFleet(nodeTwo);
        Started mover = startedWithWorld("mover");
        UUID id = mover.id();
        int port = mover.port();
        Path source = mover.source();
        Map<String, String> before = mover.before();

        List<OperationProgress> progress = new CopyOnWriteArrayList<>();
        PowerResult result = fleet.transfer(id, TestSwarm.NODE_2, progress::add).get(HANG.toSeconds(), TimeUnit.SECONDS);

        assertThat(result).as(result.toString()).isInstanceOf(PowerResult.Done.class);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        awaitGreeting(TestSwarm.NODE_2, port, "mover");
        assertThat(runtime.find(id, Deadline.in(HANG)).getFirst().labels()).containsEntry(ServiceBlueprint.NODE_LABEL, TestSwarm.NODE_2);
        Path target = nodeTwo.resolve(id.toString());
        Map<String, String> after = checksums(target);
        // the server itself may write (its log) once it runs there: everything that was there came, byte for byte
        assertThat(after).containsAllEntriesOf(before);
        assertThat(Files.isSymbolicLink(target.resolve("world/latest"))).isTrue();
        assertThat(Files.readSymbolicLink(target.resolve("world/latest"))).isEqualTo(Path.of("region-0.mca"));
        assertThat(source).as("the source copy is removed once it runs on the target").doesNotExist();
        assertThat(progress).extracting(OperationProgress::stage).contains("copying", "verifying", "switching");
        assertThat(store.find(id).orElseThrow().spec().node()).as("its spec names where it is").isEqualTo(TestSwarm.NODE_2);
        assertThat(store.find(id).orElseThrow().desired()).isEqualTo(DesiredState.RUNNING);
        assertThat(store.activity(id, Long.MAX_VALUE, 100)).anySatisfy(a -> {
            assertThat(a.message()).contains("transferred to node " + TestSwarm.NODE_2);
            assertThat(a.details()).containsKey("sha256").containsEntry("from", TestSwarm.NODE_1);
        });
        assertThat(power(id, PowerAction.STOP)).as("power actions work on the target").isInstanceOf(PowerResult.Done.class);
    }

    /**
     * The acceptance test of a transfer: a 500 MiB volume (four 100 MiB files and 1600 of 64 KiB), its copy broken in the
     * middle by the target's engine going away and coming back, resumed; the files identical by checksum on the target,
     * the source copy still there while the copy was broken and removed only after the server ran on the target.
     */
    @Test
    void aFiveHundredMebibyteVolumeWhoseCopyTheTargetEngineRestartingBreaksInTheMiddleResumesAndArrivesIdentical() throws Exception {
        Path nodeTwo = tmp.resolve("node-2-volumes");
        openFleet(nodeTwo);
        int port = TestSwarm.freePort();
        UUID id = fleet.create(server("resumer", port, TestSwarm.NODE_1)).id();
        assertThat(power(id, PowerAction.START)).isInstanceOf(PowerResult.Done.class);
        Path source = tmp.resolve("volumes").resolve(id.toString());
        long total = writeVolume(source);
        assertThat(total).isEqualTo(500L << 20);
        Map<String, String> before = checksums(source);

        AtomicBoolean broken = new AtomicBoolean();
        AtomicBoolean sourceWhileBroken = new AtomicBoolean();
        List<String> stages = new CopyOnWriteArrayList<>();
        PowerResult result = fleet.transfer(id, TestSwarm.NODE_2, p -> {
            stages.add(p.stage());
            // well into the copy (some files are whole on the target): its engine goes away, and comes back
            if (p.stage().equals("copying") && p.bytesDone() >= 200L << 20 && broken.compareAndSet(false, true)) {
                try {
                    TestSwarm.script("stop-node", "2");
                    sourceWhileBroken.set(Files.isRegularFile(source.resolve("big/b0.bin")));
                } finally {
                    TestSwarm.script("start-node", "2");
                }
            }
        }).get(HANG.toSeconds(), TimeUnit.SECONDS);

        assertThat(broken).as("the copy was broken in the middle").isTrue();
        assertThat(sourceWhileBroken).as("the source copy is there while the copy is broken").isTrue();
        assertThat(result).as(result.toString()).isInstanceOf(PowerResult.Done.class);
        assertThat(stages).contains("resuming");
        assertThat(checksums(nodeTwo.resolve(id.toString()))).containsAllEntriesOf(before);
        assertThat(source).as("the source copy is removed after success").doesNotExist();
        awaitGreeting(TestSwarm.NODE_2, port, "resumer");
        var transferred = store.activity(id, Long.MAX_VALUE, 100).stream()
                .filter(a -> a.message().contains("transferred to node")).findFirst().orElseThrow();
        assertThat(transferred.details()).containsEntry("attempts", "2");
        assertThat(Long.parseLong(transferred.details().get("bytes"))).as("every byte was verified").isGreaterThanOrEqualTo(total);
        assertThat(Long.parseLong(transferred.details().get("bytesSentLastAttempt"))).as("the resumed copy sent only what was missing")
                .isLessThan(total);
    }

    @Test
    void aTransferThatFailsLeavesTheServerRunningOnTheSourceWithItsFilesIntact() throws Exception {
        Path blocker = tmp.resolve("not-a-directory");
        Files.writeString(blocker, "node 2's volumes directory is a file: nothing can be written under it");
        openFleet(blocker);
        Started stays = startedWithWorld("stays");
        UUID id = stays.id();
        int port = stays.port();
        Path source = stays.source();
        Map<String, String> before = stays.before();

        PowerResult result = fleet.transfer(id, TestSwarm.NODE_2, p -> {
        }).get(HANG.toSeconds(), TimeUnit.SECONDS);

        assertThat(result).isInstanceOfSatisfying(PowerResult.Failed.class,
                f -> assertThat(f.reason()).contains("transfer rolled back").contains("node " + TestSwarm.NODE_2)
                        .contains("runs again on node " + TestSwarm.NODE_1));
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        awaitGreeting(TestSwarm.NODE_1, port, "stays");
        assertThat(runtime.find(id, Deadline.in(HANG)).getFirst().labels()).containsEntry(ServiceBlueprint.NODE_LABEL, TestSwarm.NODE_1);
        assertThat(checksums(source)).containsAllEntriesOf(before);
        assertThat(store.find(id).orElseThrow().spec().node()).isEqualTo(TestSwarm.NODE_1);
    }

    @Test
    void aTransferToTheSameNodeAnUnknownNodeOrOfAServerNeverPlacedIsRefusedNamingTheNode() throws Exception {
        openFleet(tmp.resolve("node-2-volumes"));
        int port = TestSwarm.freePort();
        UUID placed = fleet.create(server("placed", port, TestSwarm.NODE_1)).id();
        assertThat(power(placed, PowerAction.START)).isInstanceOf(PowerResult.Done.class);
        UUID never = fleet.create(ServerSpec.builder(TestSwarm.image()).name("never").build()).id();

        assertThatThrownBy(() -> fleet.transfer(placed, TestSwarm.NODE_1, p -> {
        })).isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).singleElement()
                .satisfies(f -> assertThat(f.field()).isEqualTo("node")).satisfies(f -> assertThat(f.message()).contains("already")));
        assertThatThrownBy(() -> fleet.transfer(placed, "no-such-node", p -> {
        })).isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors().getFirst().message()).contains("no node"));
        assertThatThrownBy(() -> fleet.transfer(never, TestSwarm.NODE_2, p -> {
        })).isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors().getFirst().message()).contains("never placed"));
        assertThat(fleet.controller(placed).state()).as("nothing was stopped").isEqualTo(ServerState.RUNNING);
    }

    @Test
    void aTransferBetweenNodesThatShareTheVolumesDirectoryIsRefusedAndTheServerRunsOnWithItsFiles() throws Exception {
        openFleet(tmp.resolve("volumes")); // node 2 "keeps its servers" where node 1 does: one disk, as without RAPTOR_SWARM_VOLUMES
        Started shared = startedWithWorld("shared");
        UUID id = shared.id();
        Path source = shared.source();
        Map<String, String> before = shared.before();

        PowerResult result = fleet.transfer(id, TestSwarm.NODE_2, p -> {
        }).get(HANG.toSeconds(), TimeUnit.SECONDS);

        assertThat(result).isInstanceOfSatisfying(PowerResult.Failed.class,
                f -> assertThat(f.reason()).contains("same directory").contains("RAPTOR_SWARM_VOLUMES"));
        assertThat(checksums(source)).containsAllEntriesOf(before);
        assertThat(fleet.controller(id).state()).isEqualTo(ServerState.RUNNING);
        assertThat(runtime.find(id, Deadline.in(HANG)).getFirst().labels()).containsEntry(ServiceBlueprint.NODE_LABEL, TestSwarm.NODE_1);
    }

    private static ServerSpec server(String name, int port, String node) {
        return TestSwarm.server(name, port, node);
    }

    /** A small world: nested directories, an empty file, a larger random file, a link. */
    private static void writeWorld(Path root) throws IOException {
        Path world = root.resolve("world");
        Files.createDirectories(world.resolve("region"));
        byte[] big = new byte[24 << 20];
        new Random(23).nextBytes(big);
        Files.write(world.resolve("region-0.mca"), big);
        Files.writeString(root.resolve("server.properties"), "motd=moved\nmax-players=20\n");
        Files.createFile(world.resolve("session.lock"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(world.resolve("region/r." + i + ".dat"), "chunk " + i + "\n".repeat(i));
        }
        Files.createSymbolicLink(root.resolve("world/latest"), Path.of("region-0.mca"));
    }

    /**
     * 500 MiB of incompressible files under {@code root}: four of 100 MiB in {@code big/} and 1600 of 64 KiB in
     * {@code small/<n>/}, from a seeded generator (the same bytes every run), written once. Answers the bytes written.
     */
    private static long writeVolume(Path root) throws IOException {
        Random random = new Random(500);
        byte[] block = new byte[1 << 20];
        long written = 0;
        Path big = Files.createDirectories(root.resolve("big"));
        for (int f = 0; f < 4; f++) {
            try (var out = Files.newOutputStream(big.resolve("b" + f + ".bin"))) {
                for (int mib = 0; mib < 100; mib++) {
                    random.nextBytes(block);
                    out.write(block);
                    written += block.length;
                }
            }
        }
        byte[] small = new byte[64 << 10];
        for (int f = 0; f < 1600; f++) {
            Path dir = Files.createDirectories(root.resolve("small").resolve(Integer.toString(f / 100)));
            random.nextBytes(small);
            Files.write(dir.resolve("s" + f + ".dat"), small);
            written += small.length;
        }
        return written;
    }

    /** Every regular file under {@code root} by its relative path, with its SHA-256. */
    private static Map<String, String> checksums(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] b = new byte[1 << 16];
                    int n;
                    while ((n = in.read(b)) > 0) {
                        sha.update(b, 0, n);
                    }
                }
                out.put(root.relativize(p).toString(), HexFormat.of().formatHex(sha.digest()));
            }
        }
        return out;
    }

    private PowerResult power(UUID id, PowerAction action) throws Exception {
        return fleet.power(id, action).get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    private static void awaitGreeting(String node, int port, String name) {
        TestSwarm.awaitGreeting(node, port, name, HANG);
    }
}
