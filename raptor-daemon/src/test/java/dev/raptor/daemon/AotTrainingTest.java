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
        // the system's temporary directory lets every user pass; JUnit's is 0700 (the servers' user must reach their files)
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path temp = Files.createDirectories(tmp.resolve("java-tmp"));
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
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
        // on the process runtime its servers went through create, start, stop and delete (their requests are trained too)
        assertThat(d.stderr().lines().filter(l -> l.contains("removed process container")).count())
                .as("servers created, run and removed by the training; stderr:%n%s", d.stderr()).isEqualTo(AotTraining.LIFECYCLES);
        assertThat(d.stderr()).as("stderr").doesNotContain("AOT training: a server's");
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left.toList()).as("the training's own data directory is removed").isEmpty();
        }
        assertThat(processesNaming(temp)).as("processes of the training's servers left running").isEmpty();
    }

    /** Processes whose command line names {@code dir} (a supervisor names its record directory there). */
    private static List<String> processesNaming(Path dir) throws Exception {
        List<String> found = new java.util.ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmdline.contains(dir.toString())) {
                        found.add(p.getFileName() + ": " + cmdline);
                    }
                } catch (java.io.IOException e) {
                    // ended meanwhile
                }
            }
        }
        return found;
    }
}
