package dev.raptor.cli.e2e;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's {@code raptorctl exec -it SERVER sh}, the same on every runtime: in a real pseudo-terminal, a command
 * typed and its output seen, the local terminal raw while the session lasts, a window resize reaching the shell inside
 * the server, and raptorctl ending with the shell's exit code.
 */
final class InteractiveShell {
    private InteractiveShell() {
    }

    /** Drives the session on {@code server} with raptorctl reaching the daemon by {@code env}. */
    static void echoResizeAndExit(Map<String, String> env, String server) throws InterruptedException {
        try (PseudoTerminal terminal = PseudoTerminal.run(env, "exec", "-it", server, "sh")) {
            // what the shell computes, so the echo of the typed line is not taken for its output
            terminal.type("echo hello-$((6*7))\n");
            await("the shell's echo").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(terminal.screen()).contains("hello-42"));
            assertThat(terminal.modes()).as("raptorctl's own terminal is raw while the session lasts")
                    .contains("-icanon").contains("-echo ").contains("-isig");

            terminal.resize(123, 45);
            await("the resize inside the server").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        terminal.type("echo size-$(stty size | tr ' ' x)\n");
                        assertThat(terminal.screen()).contains("size-45x123");
                    });

            terminal.type("exit 7\n");
            assertThat(terminal.awaitExit(Duration.ofSeconds(60))).as(terminal.screen()).isEqualTo(7);
        }
    }
}
