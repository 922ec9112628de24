package dev.raptor.process;

import dev.raptor.core.install.InstallJob;
import dev.raptor.core.install.InstallScript;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Install scripts on the process runtime: /bin/sh in the server's directory as the server user, with its variables. */
class ProcessInstallerTest extends RuntimeTest {

    private static ServerSpec server(Map<String, String> env) {
        return ServerSpec.builder().name("installed").startup("sleep 1").environment(env).build();
    }

    private Path dataDir(ServerSpec spec) {
        return tmp.resolve("volumes").resolve(spec.id().toString());
    }

    @Test
    void theScriptRunsInTheServersDirectoryAsTheServerUserWithItsVariablesAndItsOutputIsHandedOn() throws Exception {
        ServerSpec spec = server(Map.of("PACK_VERSION", "1.2"));
        Files.createDirectories(tmp.resolve("volumes"));
        TestHost.reachable(tmp.resolve("volumes"));
        List<String> lines = new CopyOnWriteArrayList<>();
        InstallScript script = new InstallScript(null, null, """
                echo "installing pack $PACK_VERSION in $(pwd)"
                echo "a warning" >&2
                echo "$PACK_VERSION" > version.txt
                id -u > uid.txt
                """);

        int code = runtime.installer().run(new InstallJob(spec, script, dataDir(spec)), lines::add, soon());

        assertThat(code).isZero();
        assertThat(lines).contains("installing pack 1.2 in " + dataDir(spec).toAbsolutePath(), "a warning");
        assertThat(Files.readString(dataDir(spec).resolve("version.txt")).strip()).isEqualTo("1.2");
        int serverUid = (Integer) Files.getAttribute(dataDir(spec), "unix:uid");
        assertThat(Files.readString(dataDir(spec).resolve("uid.txt")).strip()).isEqualTo(Integer.toString(serverUid));
        assertThat((Integer) Files.getAttribute(dataDir(spec).resolve("version.txt"), "unix:uid")).isEqualTo(serverUid);
        assertThat(dataDir(spec).resolve("install.sh")).doesNotExist();
    }

    @Test
    void aFailingScriptReturnsItsExitCode() throws Exception {
        ServerSpec spec = server(Map.of());
        Files.createDirectories(tmp.resolve("volumes"));
        TestHost.reachable(tmp.resolve("volumes"));

        int code = runtime.installer().run(new InstallJob(spec, new InstallScript(null, null, "echo no pack; exit 3"),
                dataDir(spec)), line -> { }, soon());

        assertThat(code).isEqualTo(3);
    }

    @Test
    void anInterruptedInstallKillsTheScriptAndWhatItStarted() throws Exception {
        ServerSpec spec = server(Map.of());
        Files.createDirectories(tmp.resolve("volumes"));
        TestHost.reachable(tmp.resolve("volumes"));
        List<String> lines = new CopyOnWriteArrayList<>();
        InstallScript script = new InstallScript(null, null, "sleep 300 & echo \"child $!\"; wait");
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                runtime.installer().run(new InstallJob(spec, script, dataDir(spec)), lines::add, soon());
                ended.complete(null);
            } catch (Throwable e) {
                ended.complete(e);
            }
        });
        await().atMost(PATIENCE).until(() -> lines.stream().anyMatch(l -> l.startsWith("child ")));
        long child = Long.parseLong(lines.stream().filter(l -> l.startsWith("child ")).findFirst().orElseThrow().substring(6));

        t.interrupt();

        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        await().atMost(PATIENCE).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    }
}
