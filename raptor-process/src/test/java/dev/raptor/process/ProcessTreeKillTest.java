package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kill leaves nothing of the server alive: not its children, not their children, not a child that left its session. */
class ProcessTreeKillTest {

    /** The sleeps a server forks: plain, in a new session (parent alive), and a grandchild. */
    private static final String FORKS = "sleep 1001 & setsid sleep 1002 & sh -c 'sleep 1003 & wait' & ";
    /** A child that fled into a session of its own and whose parent has gone: only a cgroup still knows it. */
    private static final String ORPHAN = "sh -c 'setsid sleep 1004 & exit 0'; ";

    /** With the host's cgroups (as in production). */
    @Nested
    class InACgroup extends RuntimeTest {
        @Test
        void killLeavesNoDescendantAliveNotEvenAnOrphanThatFledItsSession() throws Exception {
            if (withoutCgroupsSaysSo(this)) {
                return;
            }
            assertKillLeavesNothing(this, FORKS + ORPHAN, 4);
        }

        @Test
        void aServerThatEndsLeavesNoOrphanThatFledItsSessionOnceItsExitIsRecorded() throws Exception {
            if (withoutCgroupsSaysSo(this)) {
                return;
            }
            String mark = "RAPTOR_TEST_MARK=" + UUID.randomUUID();
            // the server ends by itself (exit 3) once the test drops the file "go" into its data directory
            ServerSpec spec = ServerSpec.builder().name("leaver").env("RAPTOR_TEST_MARK", mark.substring(mark.indexOf('=') + 1))
                    .startup(ORPHAN + "echo forked; while [ ! -e go ]; do sleep 0.05; done; exit 3").build();
            ContainerRef ref = started(spec);
            await().atMost(PATIENCE).until(() -> marked(mark).stream().anyMatch(p -> p.command().equals("sleep 1004")));

            Files.createFile(tmp.resolve("volumes").resolve(spec.id().toString()).resolve("go"));

            // the supervisor's group kill misses the orphan (another session, no parent): only its cgroup sweep ends it
            assertThat(runtime.awaitExit(ref, soon())).contains(3);
            await().atMost(PATIENCE).until(() -> marked(mark).isEmpty()); // killed ones are reaped by whoever inherited them
        }
    }

    /** Without cgroups: kill walks /proc for the main process's descendants, session and group. */
    @Nested
    class WithoutCgroups extends RuntimeTest {
        @Override
        ProcessRuntimeConfig config() {
            return super.config().withCgroupParent(null);
        }

        @Test
        void killLeavesNoDescendantAliveIncludingOneInANewSession() throws Exception {
            assertKillLeavesNothing(this, FORKS, 3);
        }
    }

    /** Whether this host has no cgroup; if so, the runtime must say that kill can miss an orphan that fled its session. */
    private static boolean withoutCgroupsSaysSo(RuntimeTest t) {
        RuntimeInfo info = t.runtime.info(RuntimeTest.soon());
        if (!info.details().get("cgroupVersion").equals("none")) {
            return false;
        }
        assertThat(info.warnings()).anyMatch(w -> w.contains("misses a process that left its session"));
        return true;
    }

    private static void assertKillLeavesNothing(RuntimeTest t, String forks, int sleeps) throws Exception {
        String mark = "RAPTOR_TEST_MARK=" + UUID.randomUUID();
        ServerSpec spec = ServerSpec.builder().name("forker").env("RAPTOR_TEST_MARK", mark.substring(mark.indexOf('=') + 1))
                .startup(forks + "echo forked; wait").build();
        ContainerRef ref = t.started(spec);
        await().atMost(RuntimeTest.PATIENCE).until(() -> marked(mark).stream().filter(p -> p.command().startsWith("sleep")).count() == sleeps);
        List<Marked> before = marked(mark);

        t.runtime.kill(ref, RuntimeTest.soon());

        assertThat(t.runtime.awaitExit(ref, RuntimeTest.soon())).contains(137);
        await().atMost(RuntimeTest.PATIENCE).until(() -> marked(mark).isEmpty()); // killed ones are reaped by whoever inherited them
        assertThat(before).hasSizeGreaterThan(sleeps);
    }

    private record Marked(long pid, String command) {
    }

    /** Live processes whose environment holds {@code mark}. */
    private static List<Marked> marked(String mark) throws IOException {
        List<Marked> out = new ArrayList<>();
        byte[] needle = mark.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                long pid = Long.parseLong(d.getFileName().toString());
                try {
                    byte[] env = Files.readAllBytes(d.resolve("environ"));
                    if (contains(env, needle) && ProcStat.read(pid).filter(ProcStat::live).isPresent()) {
                        String cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
                        out.add(new Marked(pid, cmd));
                    }
                } catch (IOException e) {
                    // gone, or a kernel thread
                }
            }
        }
        return out;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
