package dev.raptor.core.testing;

import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.exec.ExecStream;
import dev.raptor.core.exec.ServerExec;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.ServerNotRunningException;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.server.ActivityEntry;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Exec, as every {@link ContainerRuntime} must do it under a {@link ServerExec}: one suite, run against each
 * runtime by a subclass (Docker, process, the fake), never copied. The commands are those a busybox or a Debian
 * shell knows alike ({@code echo}, {@code $NAME}, {@code pwd}, {@code sleep}, {@code stty size}, {@code exit}).
 */
public abstract class ExecContract {
    protected static final Duration HANG = ServerFixture.HANG;

    @TempDir
    protected Path tmp;
    protected ServerFixture node;
    protected ServerExec exec;

    protected abstract ContainerRuntime openRuntime();

    protected abstract ServerStore openStore(Path dir);

    /** The test game server on this runtime, unnamed, ready at its Done line, stopped by its console command. */
    protected abstract ServerSpec.Builder gameServer();

    @BeforeEach
    void openNode() {
        node = new ServerFixture(openRuntime(), openStore(tmp.resolve("state")), ControllerSettings.defaults(tmp.resolve("volumes")));
        exec = new ServerExec(node.fleet);
    }

    @AfterEach
    void closeNode() throws Exception {
        node.close();
    }

    @Test
    void aCommandAnswersItsOutputAndExitCode() throws Exception {
        UUID id = node.started(gameServer());
        ExecResult r = exec.run(id, ExecRequest.of("sh", "-c", "echo hello from exec; exit 3"), "contract");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("hello from exec\n");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void whatACommandWritesOnStderrComesApart() throws Exception {
        UUID id = node.started(gameServer());
        ExecResult r = exec.run(id, ExecRequest.of("sh", "-c", "no-such-command-here"), "contract");
        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("no-such-command-here").contains("not found");
    }

    @Test
    void theEnvironmentAndWorkingDirectoryOfTheRequestApply() throws Exception {
        UUID id = node.started(gameServer());
        ExecResult r = exec.run(id, ExecRequest.of("sh", "-c", "echo \"$GREETING\"; pwd")
                .withEnvironment(Map.of("GREETING", "hi there")).withWorkingDir("/tmp"), "contract");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("hi there\n/tmp\n");
    }

    @Test
    void outputBeyondTheBoundIsCutAndSaidToBe() throws Exception {
        UUID id = node.started(gameServer());
        ExecResult r = exec.run(id, ExecRequest.of("sh", "-c", "echo 0123456789abcdef").withMaxOutputBytes(4), "contract");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("0123");
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.stderrTruncated()).isFalse();
    }

    @Test
    void aCommandPastItsTimeoutIsKilled() throws Exception {
        UUID id = node.started(gameServer());
        ExecResult r = exec.run(id, ExecRequest.of("sleep", "600").withTimeout(Duration.ofSeconds(1)), "contract");
        assertThat(r.timedOut()).isTrue();
        // and the server it ran in goes on
        assertThat(exec.run(id, ExecRequest.of("sh", "-c", "echo still here"), "contract").stdout()).isEqualTo("still here\n");
    }

    @Test
    void execOnAStoppedServerIsRefusedAsNotRunning() {
        UUID id = node.create(gameServer());
        assertThatThrownBy(() -> exec.run(id, ExecRequest.of("sh", "-c", "echo no"), "contract"))
                .isInstanceOf(ServerNotRunningException.class);
        assertThatThrownBy(() -> exec.open(id, ExecRequest.interactive("sh"), "contract", new Collected()))
                .isInstanceOf(ServerNotRunningException.class);
    }

    @Test
    void everyExecIsAnActivityEntryWithItsCommandWhoAndExitCode() throws Exception {
        UUID id = node.started(gameServer());
        exec.run(id, ExecRequest.of("sh", "-c", "exit 5"), "node API key");
        ActivityEntry e = node.activity(id).stream().filter(a -> a.type().equals("exec")).findFirst().orElseThrow();
        assertThat(e.details()).containsEntry("command", "sh -c 'exit 5'").containsEntry("by", "node API key")
                .containsEntry("exitCode", "5").containsEntry("interactive", "false");
        assertThat(e.message()).contains("sh -c 'exit 5'").contains("node API key").contains("5");
    }

    @Test
    void anInteractiveShellInATerminalRunsCommandsResizesAndEndsWithTheShellsExitCode() throws Exception {
        UUID id = node.started(gameServer());
        Collected out = new Collected();
        try (ExecSession session = exec.open(id, ExecRequest.interactive("sh"), "contract", out)) {
            // two blanks typed, one printed: what arrives is the shell's output, not the terminal's echo of the input
            type(session, "echo interactive  session\n");
            await().atMost(HANG).until(() -> out.text().contains("interactive session"));
            session.resize(123, 45);
            type(session, "stty size\n");
            await().atMost(HANG).until(() -> out.text().contains("45 123"));
            type(session, "exit 7\n");
            assertThat(out.exit.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(session.isOpen()).isFalse();
        }
        await().atMost(HANG).untilAsserted(() -> assertThat(node.activity(id)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("exec");
            assertThat(e.details()).containsEntry("interactive", "true").containsEntry("exitCode", "7");
        }));
    }

    @Test
    void anInteractiveCommandWithoutATerminalKeepsItsStreamsApart() throws Exception {
        UUID id = node.started(gameServer());
        Collected out = new Collected();
        try (ExecSession session = exec.open(id, new ExecRequest(List.of("sh", "-c", "echo to-out; no-such-command-x; exit 4"),
                Map.of(), null, null, false, null, 0), "contract", out)) {
            assertThat(out.exit.get(HANG.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(session.isOpen()).isFalse();
        }
        assertThat(out.text(ExecStream.STDOUT)).isEqualTo("to-out\n");
        assertThat(out.text(ExecStream.STDERR)).contains("no-such-command-x");
    }

    private static void type(ExecSession session, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        session.write(b, 0, b.length);
    }

    /** What a session wrote, by stream, and its end. */
    protected static final class Collected implements ExecListener {
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();

        @Override
        public synchronized void output(ExecStream stream, byte[] bytes, int offset, int length) {
            (stream == ExecStream.STDERR ? stderr : stdout).write(bytes, offset, length);
        }

        @Override
        public void ended(Integer exitCode, Throwable error) {
            if (exitCode != null) {
                exit.complete(exitCode);
            } else {
                exit.completeExceptionally(error == null ? new IllegalStateException("ended without an exit code") : error);
            }
        }

        synchronized String text() {
            return stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
        }

        synchronized String text(ExecStream stream) {
            return (stream == ExecStream.STDERR ? stderr : stdout).toString(StandardCharsets.UTF_8);
        }
    }
}
