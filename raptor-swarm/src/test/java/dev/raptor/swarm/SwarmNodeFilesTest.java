package dev.raptor.swarm;

import dev.raptor.core.node.NodeOverview;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.ServerSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server's files on its node, apart from transfers: deleting the server removes them there, through the node's engine
 * and the runtime's helper image (never the server's); and helper containers a raptord that died in the middle of a
 * transfer left behind are collected when a fleet boots.
 */
class SwarmNodeFilesTest {
    private static final Duration HANG = Duration.ofSeconds(240);

    @TempDir
    Path tmp;
    private final String label = "node-files-" + UUID.randomUUID();
    private SwarmFleet swarm;
    private final List<String[]> cleanUp = new ArrayList<>();

    @AfterEach
    void closeFleet() throws Exception {
        if (swarm != null) {
            swarm.close();
        }
        for (String[] c : cleanUp) {
            TestSwarm.docker(c[0], null, "rm", "-f", c[1]);
        }
    }

    private void openFleet(Path nodeTwoVolumes) {
        SwarmRuntimeConfig config;
        try (SwarmRuntime plain = TestSwarm.runtime(label)) {
            config = plain.config();
        }
        swarm = new SwarmFleet(SwarmRuntime.connect(config.withNodeVolumes(Map.of(TestSwarm.NODE_2, nodeTwoVolumes))), tmp, HANG);
    }

    @Test
    void deletingAServerRemovesItsFilesOnItsNodeEvenWhenItsImageHasNoShellAtAll() throws Exception {
        // an image of one file: no /bin/sh, no rm, nothing that could run
        String image = "raptor-test/no-shell:" + UUID.randomUUID().toString().substring(0, 8);
        Path tar = tmp.resolve("no-shell.tar");
        try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            byte[] body = "nothing to run here\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry("README");
            e.setSize(body.length);
            t.putArchiveEntry(e);
            t.write(body);
            t.closeArchiveEntry();
        }
        TestSwarm.Cli imported = TestSwarm.docker(TestSwarm.NODE_2, tar.toFile(), "import", "-c", "ENTRYPOINT [\"/README\"]", "-", image);
        assertThat(imported.exit()).as(imported.output()).isZero();
        Path nodeTwo = tmp.resolve("node-2-volumes");
        openFleet(nodeTwo);
        UUID id = swarm.fleet.create(ServerSpec.builder(image).name("shell-less").node(TestSwarm.NODE_2).build()).id();
        // it cannot run, but trying places it: its service is pinned to node 2, its directory made there
        swarm.fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertThat(swarm.runtime.find(id, Deadline.in(HANG))).singleElement()
                .satisfies(c -> assertThat(c.labels()).containsEntry(ServiceBlueprint.NODE_LABEL, TestSwarm.NODE_2));
        Path files = nodeTwo.resolve(id.toString());
        assertThat(files).isDirectory();
        Files.createDirectories(files.resolve("world/region"));
        Files.writeString(files.resolve("world/region/r.0.0.mca"), "region\n");
        Files.writeString(files.resolve("server.properties"), "motd=gone soon\n");

        swarm.fleet.delete(id, true).get(HANG.toSeconds(), TimeUnit.SECONDS);

        assertThat(files).as("its files on node 2 are removed with it").doesNotExist();
        assertThat(nodeTwo).as("only its own directory goes").isDirectory();
        assertThat(helpersOf(TestSwarm.NODE_2, id)).as("the helper that removed them is gone too").isEmpty();
        TestSwarm.docker(TestSwarm.NODE_2, null, "rmi", "-f", image);
    }

    @Test
    void aServerDeletedWhileItsNodeIsDownLeavesARecordOfItsFilesThereAndTheyAreRemovedOnceTheNodeIsBack() throws Exception {
        Path nodeTwo = tmp.resolve("node-2-volumes");
        openFleet(nodeTwo);
        int port = TestSwarm.freePort();
        UUID id = swarm.fleet.create(TestSwarm.server("left-behind", port, TestSwarm.NODE_2)).id();
        assertThat(swarm.fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(dev.raptor.core.power.PowerResult.Done.class);
        TestSwarm.awaitGreeting(TestSwarm.NODE_2, port, "left-behind", HANG);
        assertThat(swarm.fleet.power(id, PowerAction.STOP).get(HANG.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(dev.raptor.core.power.PowerResult.Done.class);
        Path files = nodeTwo.resolve(id.toString());
        Files.writeString(files.resolve("world.dat"), "a world\n");

        try {
            TestSwarm.script("stop-node", "2");

            swarm.fleet.delete(id, true).get(HANG.toSeconds(), TimeUnit.SECONDS);

            assertThat(swarm.store.find(id)).as("the server is deleted all the same").isEmpty();
            assertThat(files).as("its node is down: its files are still there").isDirectory();
            assertThat(swarm.store.pendingRemovals()).as("recorded with the delete").singleElement().satisfies(r -> {
                assertThat(r.target().serverId()).isEqualTo(id);
                assertThat(r.target().node()).isEqualTo(TestSwarm.NODE_2);
                assertThat(Path.of(r.target().volume()).getFileName()).hasToString(id.toString());
            });
            assertThat(NodeOverview.of(swarm.fleet, Deadline.in(HANG)).nodes())
                    .extracting(n -> n.node().name() + "=" + n.pendingRemovals())
                    .containsExactly(TestSwarm.NODE_1 + "=0", TestSwarm.NODE_2 + "=1");
            assertThat(swarm.store.activity(id, Long.MAX_VALUE, 50)).extracting(ActivityEntry::message)
                    .anySatisfy(m -> assertThat(m).startsWith("its node " + TestSwarm.NODE_2 + " could not remove its files now"));
        } finally {
            TestSwarm.script("start-node", "2");
        }

        await().atMost(HANG).untilAsserted(() -> {
            assertThat(files).as("removed through node 2 once it answers").doesNotExist();
            assertThat(swarm.store.pendingRemovals()).isEmpty();
        });
        assertThat(nodeTwo).as("only its own directory goes").isDirectory();
        assertThat(swarm.store.activity(id, Long.MAX_VALUE, 50)).extracting(ActivityEntry::message)
                .anySatisfy(m -> assertThat(m).startsWith("removed its files on node " + TestSwarm.NODE_2));
        assertThat(NodeOverview.of(swarm.fleet, Deadline.in(HANG)).nodes()).extracting(NodeOverview.Node::pendingRemovals)
                .containsOnly(0L);
        await().atMost(HANG).untilAsserted(() ->
                assertThat(helpersOf(TestSwarm.NODE_2, id)).as("the helper that removed them is gone too").isEmpty());
    }

    @Test
    void aNodeThatCannotPullTheHelperImageMakesAndRemovesAServersFilesWithHelpersOfTheServersOwnImage() throws Exception {
        SwarmRuntimeConfig config;
        try (SwarmRuntime plain = TestSwarm.runtime(label)) {
            config = plain.config();
        }
        Path nodeTwo = tmp.resolve("node-2-volumes");
        swarm = new SwarmFleet(SwarmRuntime.connect(config.withNodeVolumes(Map.of(TestSwarm.NODE_2, nodeTwo))
                .withHelperImage(TestSwarm.registry() + "/raptor-test/no-such-helper:1")), tmp, HANG);
        int port = TestSwarm.freePort();
        UUID id = swarm.fleet.create(TestSwarm.server("fallback", port, TestSwarm.NODE_2)).id();
        assertThat(swarm.fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(dev.raptor.core.power.PowerResult.Done.class);
        TestSwarm.awaitGreeting(TestSwarm.NODE_2, port, "fallback", HANG);
        Path files = nodeTwo.resolve(id.toString());
        assertThat(files).as("its directory was made on node 2").isDirectory();
        Files.writeString(files.resolve("world.dat"), "a world\n");

        swarm.fleet.delete(id, true).get(HANG.toSeconds(), TimeUnit.SECONDS);

        assertThat(files).as("removed by `rm` in a helper of its own image").doesNotExist();
    }

    @Test
    void helperContainersADaemonThatDiedMidTransferLeftAreCollectedOnEveryNodeWhenTheFleetBootsAndOnlyItsOwn() {
        UUID server = UUID.randomUUID();
        String mine1 = leftover(TestSwarm.NODE_1, server, label);
        String mine2 = leftover(TestSwarm.NODE_2, server, label);
        String others = leftover(TestSwarm.NODE_1, server, "someone-else-" + UUID.randomUUID());
        cleanUp.add(new String[] {TestSwarm.NODE_1, others});
        assertThat(helpersOf(TestSwarm.NODE_1, server)).contains(mine1, others);
        assertThat(helpersOf(TestSwarm.NODE_2, server)).contains(mine2);

        openFleet(tmp.resolve("node-2-volumes")); // boots: lists its servers, and with them its leftover helpers

        org.awaitility.Awaitility.await().atMost(HANG).untilAsserted(() -> {
            assertThat(helpersOf(TestSwarm.NODE_1, server)).as("node 1: its leftover goes, another daemon's stays").containsExactly(others);
            assertThat(helpersOf(TestSwarm.NODE_2, server)).as("node 2").isEmpty();
        });
    }

    /** A helper container as a transfer makes them, of the Raptor node label {@code raptorNode}: made, never started. */
    private static String leftover(String hostname, UUID server, String raptorNode) {
        String name = "raptor-transfer-source-" + server + "-" + UUID.randomUUID().toString().substring(0, 8);
        TestSwarm.dockerOk(hostname, "create", "--name", name, "--label", NodeHelpers.LABEL + "=" + server,
                "--label", RuntimeLabels.NODE + "=" + raptorNode, TestSwarm.registry() + "/raptor-test/helper:1", "true");
        return name;
    }

    /** The names of the helper containers of {@code server} on {@code hostname}. */
    private static List<String> helpersOf(String hostname, UUID server) {
        return TestSwarm.dockerOk(hostname, "ps", "-a", "--filter", "label=" + NodeHelpers.LABEL + "=" + server, "--format", "{{.Names}}")
                .lines().filter(l -> !l.isBlank()).toList();
    }
}
