package dev.raptor.process;

import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Limits are enforced through a cgroup per server where the host allows one, and reported as missing where it does not. */
class CgroupLimitsTest {
    private static final long MIB = 1024L * 1024;

    @Nested
    class OnThisHost extends RuntimeTest {
        @Test
        void aProcessAllocatingPastItsMemoryLimitIsKilledOrTheMissingLimitIsReported() throws Exception {
            RuntimeInfo info = runtime.info(soon());
            if (info.details().get("cgroupVersion").equals("none")) {
                assertThat(info.warnings()).anyMatch(w -> w.contains("WITHOUT memory"));
                return;
            }
            // tail keeps a line until it ends, and 256 MiB of zeros never does: it must be OOM-killed at 64 MiB.
            ServerSpec spec = ServerSpec.builder().name("hog").limits(Limits.unlimited().withMemoryMiB(64).withSwapMiB(0))
                    .startup("head -c 268435456 /dev/zero | tail > /dev/null").build();
            ContainerRef ref = started(spec);

            assertThat(runtime.awaitExit(ref, soon())).as("killed by the OOM killer, not finished").contains(137);
            ContainerInfo after = runtime.inspect(ref, soon());
            assertThat(after.oomKilled()).isTrue();
        }

        @Test
        void theServerRunsInItsCgroupWithItsLimitsWritten() throws Exception {
            RuntimeInfo info = runtime.info(soon());
            String version = info.details().get("cgroupVersion");
            if (version.equals("none")) {
                assertThat(info.warnings()).anyMatch(w -> w.contains("WITHOUT memory, CPU and process-count limits"));
                return;
            }
            ServerSpec spec = ServerSpec.builder().name("limited").startup("exec sleep 600")
                    .limits(Limits.unlimited().withMemoryMiB(96).withSwapMiB(0).withCpuPercent(50).withPidsLimit(64)).build();
            ContainerRef ref = started(spec);
            long pid = runtime.mainPid(ref).orElseThrow();
            String id = spec.id().toString();

            if (version.equals("v1")) {
                Path root = Path.of("/sys/fs/cgroup");
                assertThat(read(root.resolve("memory/raptor/" + id + "/memory.limit_in_bytes"))).isEqualTo(Long.toString(96 * MIB));
                assertThat(read(root.resolve("cpu/raptor/" + id + "/cpu.cfs_quota_us"))).isEqualTo("50000");
                assertThat(read(root.resolve("pids/raptor/" + id + "/pids.max"))).isEqualTo("64");
                assertThat(read(root.resolve("memory/raptor/" + id + "/cgroup.procs")).lines()).contains(Long.toString(pid));
            } else {
                Path dir = Path.of("/sys/fs/cgroup/raptor/" + id);
                assertThat(read(dir.resolve("memory.max"))).isEqualTo(Long.toString(96 * MIB));
                assertThat(read(dir.resolve("cpu.max"))).isEqualTo("50000 100000");
                assertThat(read(dir.resolve("pids.max"))).isEqualTo("64");
                assertThat(read(dir.resolve("cgroup.procs")).lines()).contains(Long.toString(pid));
            }
            assertThat(info.warnings()).noneMatch(w -> w.contains("WITHOUT"));
        }

        /**
         * The server joins its cgroup in every hierarchy before anything of it runs, and what it starts is born there.
         * Under v1 the supervisor's shell moves itself (the kernel's "this thread", in each hierarchy's {@code tasks}):
         * were the mover any other process, or the wrong file, the server would stay outside some hierarchy.
         */
        @Test
        void theServerAndWhatItStartsAreInItsCgroupInEveryHierarchy() throws Exception {
            String version = cgroupVersion();
            ServerSpec spec = ServerSpec.builder().name("joined").startup("sleep 600 & echo \"child $!\"; exec sleep 601").build();
            ContainerRef ref = started(spec);
            long main = runtime.mainPid(ref).orElseThrow();
            String child;
            try (Console console = follow(ref)) {
                await().atMost(PATIENCE).until(() -> console.texts().stream().anyMatch(t -> t.startsWith("child ")));
                child = console.texts().stream().filter(t -> t.startsWith("child ")).findFirst().orElseThrow().substring("child ".length());
            }

            for (String pid : List.of(Long.toString(main), child)) {
                assertInItsCgroup(version, spec, pid, Files.readAllLines(Path.of("/proc", pid, "cgroup"), StandardCharsets.US_ASCII));
                for (Path procs : procsFiles(version, spec)) {
                    assertThat(read(procs).lines()).as("%s lists process %s", procs, pid).contains(pid);
                }
            }
        }

        /** A command run beside the server (an exec, a health check) joins the server's cgroup as the server did. */
        @Test
        void aCommandRunBesideTheServerIsInItsCgroupInEveryHierarchy() throws Exception {
            String version = cgroupVersion();
            ServerSpec spec = ServerSpec.builder().name("beside").startup("exec sleep 600").build();
            ContainerRef ref = started(spec);

            ExecResult r = runtime.exec(ref, ExecRequest.of("sh", "-c", "echo $$; cat /proc/self/cgroup"), soon());

            assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isZero();
            List<String> lines = r.stdout().lines().toList();
            // the shell and its cat are in the same cgroups: cat inherited them
            assertInItsCgroup(version, spec, lines.getFirst(), lines.subList(1, lines.size()));
        }

        /** The cgroup version the runtime found: "v1" or "v2" (the tests without cgroups are {@link WithoutCgroups}). */
        private String cgroupVersion() {
            String version = runtime.info(soon()).details().get("cgroupVersion");
            assertThat(version).as("this host makes cgroups").isIn("v1", "v2");
            return version;
        }

        private static final List<String> V1_CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids");

        /** {@code memberships}: the lines of the process's /proc/PID/cgroup. */
        private static void assertInItsCgroup(String version, ServerSpec spec, String pid, List<String> memberships) {
            String id = spec.id().toString();
            if (version.equals("v1")) {
                for (String controller : V1_CONTROLLERS) {
                    assertThat(memberships).as("process %s in the %s hierarchy", pid, controller)
                            .anyMatch(l -> l.matches("\\d+:([^:]*,)?" + controller + "(,[^:]*)?:/raptor/" + id));
                }
            } else {
                assertThat(memberships).as("process %s", pid).contains("0::/raptor/" + id);
            }
        }

        private static List<Path> procsFiles(String version, ServerSpec spec) {
            String id = spec.id().toString();
            return version.equals("v1")
                    ? V1_CONTROLLERS.stream().map(c -> Path.of("/sys/fs/cgroup", c, "raptor", id, "cgroup.procs")).toList()
                    : List.of(Path.of("/sys/fs/cgroup/raptor", id, "cgroup.procs"));
        }

        @Test
        void removingTheServerRemovesItsCgroup() {
            RuntimeInfo info = runtime.info(soon());
            ServerSpec spec = ServerSpec.builder().name("short").startup("exec sleep 600").build();
            ContainerRef ref = started(spec);
            Path memory = Path.of(info.details().get("cgroupVersion").equals("v2") ? "/sys/fs/cgroup/raptor" : "/sys/fs/cgroup/memory/raptor")
                    .resolve(spec.id().toString());

            runtime.remove(ref, soon());

            assertThat(Files.exists(memory)).isFalse();
        }
    }

    @Nested
    class WithoutCgroups extends RuntimeTest {
        @Override
        ProcessRuntimeConfig config() {
            return super.config().withCgroupParent(null);
        }

        @Test
        void serversRunUnlimitedAndTheRuntimeSaysSo() throws Exception {
            RuntimeInfo info = runtime.info(soon());

            assertThat(info.details()).containsEntry("cgroupVersion", "none");
            assertThat(info.warnings()).anyMatch(w -> w.contains("WITHOUT memory, CPU and process-count limits"));
            ContainerRef ref = started(ServerSpec.builder().name("free").limits(Limits.unlimited().withMemoryMiB(64)).startup("echo ran").build());
            assertThat(runtime.awaitExit(ref, soon())).contains(0);
        }
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.US_ASCII).strip();
    }
}
