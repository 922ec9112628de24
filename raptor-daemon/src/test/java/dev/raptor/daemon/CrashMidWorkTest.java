package dev.raptor.daemon;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.testing.PackServer;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.client.RaptorProblemException;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.StopDocument;
import dev.raptor.wire.template.InstallRequest;
import dev.raptor.wire.update.UpdateDocument;
import dev.raptor.wire.update.UpdateHistory;
import dev.raptor.wire.update.UpdateRequest;
import dev.raptor.wire.update.UpdateSourceDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A real raptord on the real Docker engine, killed with SIGKILL in the middle of long work, then booted again on the
 * same data directory: an install's outcome is never lost nor left running (its helper is removed, the server reads
 * install-failed until reinstalled), and an update leaves the server on the old version, whole (the pre-update backup
 * restored, the old version started, the history saying rolled-back and why).
 */
class CrashMidWorkTest {
    private static final Duration HANG = Duration.ofSeconds(120);
    private static final String IMAGE = "raptor-test/gameserver:1";

    @TempDir
    Path tmp;
    final String node = "crashtest-" + UUID.randomUUID().toString().substring(0, 8);
    final String key = ApiKey.generate();
    final List<DaemonProcess> daemons = new ArrayList<>();
    DockerRuntime engine;
    int port;

    @BeforeEach
    void connect() {
        engine = DockerRuntime.connect(DockerRuntimeConfig.of(TestDaemon.dockerHost()).withNode(node));
        port = DaemonProcess.freePort();
    }

    @AfterEach
    void cleanUp() {
        daemons.forEach(DaemonProcess::close);
        engine.close();
        TestDaemon.removeContainers(node);
    }

    private DaemonProcess boot(String name) {
        DaemonProcess d = TestDaemon.started(DaemonProcess.builder().dataDir(tmp.resolve("data")).socket(tmp.resolve("raptor.sock"))
                .httpPort(port).apiKey(key).docker(TestDaemon.dockerHost(), node)
                .output(tmp.resolve(name + ".out"), tmp.resolve(name + ".err")));
        daemons.add(d);
        return d;
    }

    private static void killNine(DaemonProcess d) {
        ProcessHandle h = ProcessHandle.of(d.pid()).orElseThrow();
        h.destroyForcibly();
        await().atMost(HANG).until(() -> !h.isAlive());
    }

    private static UUID create(RaptorClient api, String name, String startup) {
        return api.servers().create(new ServerSpecDocument(null, name, IMAGE, startup, Map.of(), null, null,
                new StopDocument("command", "stop", BigDecimal.valueOf(20), null, null), null, null, null, null, null, "^Done!", null,
                null, null)).spec().id();
    }

    private boolean helperExists(UUID id) {
        String name = "raptor-" + id + "-installer";
        try {
            engine.inspect(new ContainerRef(name, name, id), Deadline.in(Duration.ofSeconds(30)));
            return true;
        } catch (EngineException.NotFound gone) {
            return false;
        }
    }

    private Path volume(UUID id) {
        return tmp.resolve("data").resolve("volumes").resolve(id.toString());
    }

    @Test
    void aDaemonKilledMidInstallComesBackWithTheInstallFailedAndItsHelperRemoved() {
        DaemonProcess first = boot("first");
        UUID id = create(first.client(), "install-crash", "sh run.sh");
        OperationDocument accepted = first.client().server(id).installNoWait(false,
                new InstallRequest("echo installing the slow way; touch /mnt/server/begun.txt; sleep 600", "sh", IMAGE, null, null));
        assertThat(accepted.status()).isEqualTo("pending");
        await().atMost(HANG).until(() -> Files.exists(volume(id).resolve("begun.txt")));
        assertThat(first.client().server(id).get().state()).isEqualTo("installing");
        assertThat(helperExists(id)).isTrue();
        await().atMost(HANG).until(() -> first.client().server(id).installLog().contains("installing the slow way"));

        killNine(first);
        assertThat(helperExists(id)).as("the helper outlives the killed daemon").isTrue();
        DaemonProcess second = boot("second");
        RaptorClient api = second.client();

        assertThat(helperExists(id)).as("the boot removed the helper it found by label").isFalse();
        assertThat(api.server(id).get().state()).isEqualTo("install-failed");
        OperationDocument op = api.operations().get(accepted.id());
        assertThat(op.status()).as(op.toString()).isIn("failed", "superseded");
        assertThat(api.server(id).installLog()).contains("installing the slow way");
        assertThatThrownBy(() -> api.server(id).start())
                .isInstanceOfSatisfying(RaptorProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.problem().type()).endsWith("install-failed");
                });

        OperationDocument again = api.server(id).installNoWait(true,
                new InstallRequest("echo quick; printf '#!/bin/sh\\necho Done!\\nwhile true; do sleep 1; done\\n' > /mnt/server/run.sh", "sh",
                        IMAGE, null, null));
        OperationDocument done = api.operations().await(again, HANG);
        assertThat(done.status()).as(done.toString()).isEqualTo("done");
        assertThat(api.server(id).get().state()).isEqualTo("offline");
        assertThat(api.server(id).start().state()).isEqualTo("running");
    }

    @Test
    void aDaemonKilledMidUpdateComesBackOnTheOldVersionWhole() throws Exception {
        try (PackServer packs = new PackServer(Files.createDirectories(tmp.resolve("packs")))) {
            DaemonProcess first = boot("first");
            RaptorClient api = first.client();
            UUID id = create(api, "update-crash", "sh run.sh");
            api.server(id).updates().setSource(new UpdateSourceDocument(packs.manifest().toString(), null, null,
                    List.of("world"), 300L, null, null));
            packs.publish("1", PackServer.game("1", true));
            assertThat(api.operations().await(api.server(id).updates().updateNoWait(null), HANG).status()).isEqualTo("done");
            assertThat(api.server(id).start().state()).isEqualTo("running");
            Files.writeString(volume(id).resolve("world").resolve("level.dat"), "the players' world\n");

            packs.publish("2", PackServer.game("2", false)); // comes up, but never ready: the update waits for it
            api.server(id).updates().updateNoWait(null);
            await().atMost(HANG).until(() -> {
                List<UpdateDocument> all = api.server(id).updates().history().updates();
                return all.getLast().stage().equals("starting");
            });
            await().atMost(HANG).until(() -> Files.readString(volume(id).resolve("boots.log")).contains("started 2"));
            assertThat(Files.readString(volume(id).resolve("version.txt"))).as("mid-update: the new files are in").isEqualTo("2\n");

            killNine(first);
            DaemonProcess second = boot("second");
            RaptorClient after = second.client();

            UpdateHistory h = after.server(id).updates().history();
            UpdateDocument last = h.updates().getLast();
            assertThat(last.to()).isEqualTo("2");
            assertThat(last.outcome()).isEqualTo("rolled-back");
            assertThat(last.reason()).contains("daemon stopped during the update", "restored from backup");
            assertThat(h.version()).isEqualTo("1");
            await().atMost(HANG).until(() -> after.server(id).get().state().equals("running"));
            assertThat(Files.readString(volume(id).resolve("version.txt"))).isEqualTo("1\n");
            assertThat(Files.readString(volume(id).resolve("world").resolve("level.dat"))).isEqualTo("the players' world\n");
            assertThat(Files.readString(volume(id).resolve("boots.log"))).as("version 2's run is gone with its files; version 1 booted again")
                    .doesNotContain("started 2").endsWith("started 1\nstarted 1\n");
        }
    }
}
