package dev.raptor.cli.e2e;

import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.wire.client.RaptorException;
import dev.raptor.wire.server.ServerDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code raptorctl exec -it} on a daemon of the process runtime (a machine without Docker): the shell runs as the
 * server's user on a pseudo-terminal the runtime opens, and the operator's terminal session is the one Docker gives
 * ({@link InteractiveShell}). Runs as root, as CI does: only a root daemon runs servers as another user.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExecInATerminalOnProcessesTest {
    @TempDir
    Path tmp;
    private DaemonProcess daemon;

    @AfterEach
    void stopDaemon() {
        if (daemon == null) {
            return;
        }
        try {
            for (ServerDocument s : daemon.client().servers().list().servers()) {
                daemon.client().server(s.spec().id()).delete(true);
            }
        } catch (RaptorException e) {
            // the test failed already; its daemon goes now
        }
        daemon.close();
    }

    @Test
    void execItGivesTheShellARealTerminalResizedWithTheWindowAndExitsWithTheShellsCode() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("this test needs root, as CI runs it: only a root daemon runs servers as another user");
        }
        // JUnit makes its directory 0700; a data directory lives under one all may pass, like /var/lib.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = tmp.resolve("data");
        daemon = TestDaemon.launch(tmp, "raptord", Map.of(
                "RAPTOR_DATA_DIR", data.toString(),
                "RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort(),
                "RAPTOR_SFTP_ADDR", "127.0.0.1:0",
                "RAPTOR_API_KEY", ApiKey.generate(),
                "RAPTOR_RUNTIME", "process"), List.of());
        TestDaemon.awaitHealthy(daemon);
        Map<String, String> env = Map.of("RAPTOR_DATA_DIR", data.toString());

        Raptorctl.Result run = Raptorctl.withEnv(env).run("run", "-d", "--name", "shell-host", "--ready-pattern", "Done!",
                "--startup", "echo Done!; exec sleep 600");
        assertThat(run.exit()).as(run.toString()).isZero();

        InteractiveShell.echoResizeAndExit(env, "shell-host");
    }
}
