package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor is spawned in one step ({@link SessionSpawn}), not through the JDK's {@code jspawnhelper} and
 * {@code setsid(1)}, and still starts as a fresh process would: the leader of a session of its own, with none of the
 * daemon's descriptors, no blocked or ignored signal, in its record directory, with the server's environment only.
 */
class SupervisorLaunchTest extends RuntimeTest {

    @Test
    void thisMachinesCLibrarySpawnsTheSupervisorInOneStep() {
        assertThat(SessionSpawn.available()).as("posix_spawn with POSIX_SPAWN_SETSID and closefrom (glibc 2.34+)").isPresent();
    }

    @Test
    void theSupervisorLeadsItsOwnSessionWithOnlyItsOwnDescriptorsAndTheDefaultSignals() throws Exception {
        // a descriptor of the daemon's that is not close-on-exec: it must not reach the supervisor either
        int leaked = LibC.open(tmp, 0);
        assertThat(leaked).isPositive();
        try {
            ContainerRef ref = started(ServerSpec.builder().name("launch").startup("echo ready; exec sleep 600")
                    .env("RAPTOR_PROBE", "yes").build());
            Path record = tmp.resolve("process").resolve(ref.serverId().toString());
            ProcessId supervisor = await().atMost(PATIENCE).until(() -> ProcessId.read(record.resolve("supervisor.pid")).orElse(null),
                    p -> p != null);
            long pid = supervisor.pid();
            ProcStat stat = ProcStat.read(pid).orElseThrow();
            assertThat(stat.session()).as("leads a session of its own").isEqualTo(pid);

            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            assertThat(cmdline.split("\0")[1]).isEqualTo(record.resolve("supervisor.sh").toString());
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"))).isEqualTo(record);

            // 0-2; 9: the stdin FIFO the supervisor holds open on purpose; and the shell's own descriptor of the script it reads
            Set<Integer> fds = descriptors(pid);
            assertThat(fds).as("open descriptors of the supervisor").contains(0, 1, 2, 9);
            for (int fd : fds) {
                if (fd > 2 && fd != 9) {
                    assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))))
                            .as("descriptor %d of the supervisor", fd).isEqualTo(record.resolve("supervisor.sh"));
                }
            }
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", "0"))).isEqualTo(Path.of("/dev/null"));
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", "2")))
                    .isEqualTo(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", "1")));

            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            assertThat(field(status, "SigBlk")).as("no blocked signal").matches("0+");
            // signals 1-31; 32 and 33 are the C library's own (which a JDK-launched process has ignored too)
            assertThat(Long.parseLong(field(status, "SigIgn"), 16) & 0x7fffffffL).as("no ignored signal").isZero();

            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
            assertThat(Arrays.asList(environ.split("\0"))).contains("RAPTOR_PROBE=yes")
                    .noneMatch(v -> v.startsWith("JAVA_HOME=") || v.startsWith("CLASSPATH="));
        } finally {
            LibC.close(leaked);
        }
    }

    private static Set<Integer> descriptors(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(p -> Integer.parseInt(p.getFileName().toString())).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElseThrow();
    }
}
