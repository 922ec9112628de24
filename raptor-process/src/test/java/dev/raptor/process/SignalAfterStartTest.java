package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A signal sent the moment start returns reaches the server. Start returns once main.pid is written, a
 * moment before the main process makes its own session; a stop sent in that moment used to find no process
 * group and vanish, and the controller then waited out the whole stop timeout (30 s) before killing. A
 * second moment follows: the server's shell has set its signal traps but not yet run the startup command,
 * and swallowed the signal (about one round in a hundred, before the runtime sent it again). The moments are
 * short, so the test takes many turns at them.
 */
class SignalAfterStartTest extends RuntimeTest {
    private static final int ROUNDS = 120;

    @Test
    void aSigtermSentAsSoonAsStartReturnsEndsTheServer() {
        for (int i = 0; i < ROUNDS; i++) {
            ContainerRef ref = started(ServerSpec.builder().name("quick-" + i).startup("exec sleep 1000").build());

            runtime.signal(ref, "SIGTERM", soon());

            assertThat(runtime.awaitExit(ref, soon())).as("round %d: the exit of a server sent SIGTERM", i).contains(143);
            runtime.remove(ref, soon());
        }
    }
}
