package dev.raptor.daemon;

import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/raptord's AOT cache training ({@code raptord __aot-training}, run under {@code -XX:AOTCacheOutput}): a real daemon
 * boots, answers and stops on a place of its own; the operator's data directory and ports are never touched.
 */
class AotTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void theTrainingBootsADaemonOfItsOwnAndLeavesNothingBehind() throws Exception {
        Path temp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path operatorData = tmp.resolve("operator-data");
        DaemonProcess d = DaemonProcess.builder().classPath(TestDaemon.classPath())
                .jvmOptions(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-Djava.io.tmpdir=" + temp))
                .env("RAPTOR_RUNTIME", "process")
                .env("RAPTOR_DATA_DIR", operatorData.toString())
                .args(List.of(AotTraining.VERB))
                .output(tmp.resolve("training.out"), tmp.resolve("training.err")).launch();
        int exit;
        try {
            exit = d.awaitExit(Duration.ofMinutes(3)); // a bound that only catches a hang
        } finally {
            d.close();
        }

        assertThat(exit).as("exit code; stderr:%n%s", d.stderr()).isZero();
        assertThat(d.stdout() + d.stderr()).as("the daemon it trained on booted and served").contains(" ready");
        assertThat(operatorData).as("the operator's data directory").doesNotExist();
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left.toList()).as("the training's own data directory is removed").isEmpty();
        }
    }
}
