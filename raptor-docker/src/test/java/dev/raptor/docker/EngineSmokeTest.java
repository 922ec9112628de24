package dev.raptor.docker;

import dev.raptor.core.runtime.Deadline;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The test image under the engine, driven only through the runtime. */
class EngineSmokeTest extends EngineTest {

    @Test
    void testServerBootsAnswersItsConsoleAndExitsCleanlyOnStop() {
        Console console = startBooted(spec().build());

        runtime.sendInput(console.ref(), "say hi", soon());
        console.awaitLine("[Server] hi");

        runtime.sendInput(console.ref(), "stop", soon());
        assertThat(runtime.awaitExit(console.ref(), Deadline.in(PATIENCE))).contains(0);
        await().atMost(PATIENCE).until(console.lines()::ended);
        assertThat(console.lines().ends).hasValue(1);
        assertThat(console.lines().error).hasNullValue();
    }
}
