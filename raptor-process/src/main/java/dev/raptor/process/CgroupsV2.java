package dev.raptor.process;

import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * cgroup v2 (unified): a server gets {@code <root>/<parent>/<uuid>} with {@code memory.max},
 * {@code memory.swap.max}, {@code cpu.max} over a 100 ms period and {@code pids.max}; the memory, cpu and
 * pids controllers are enabled down to the parent first. Kill uses {@code cgroup.kill} where the kernel
 * has it (5.14+).
 */
record CgroupsV2(Path root, String parent, Set<String> controllers) implements Cgroups {
    private static final List<String> WANTED = List.of("memory", "cpu", "pids");
    private static final long CFS_PERIOD_US = 100_000;
    private static final long MIB = 1024L * 1024;

    /** Enables the controllers from the root down to {@code parent} and proves a child can be made there. */
    static CgroupsV2 open(Path root, String parent) throws IOException {
        Set<String> available = words(root.resolve("cgroup.controllers"));
        Set<String> enable = new TreeSet<>(WANTED);
        enable.retainAll(available);
        Path dir = root;
        for (String part : parent.split("/")) {
            enableControllers(dir, enable);
            dir = dir.resolve(part);
            Files.createDirectories(dir);
        }
        enableControllers(dir, enable);
        Path probe = dir.resolve("probe-" + UUID.randomUUID());
        Files.createDirectory(probe);
        Files.delete(probe);
        return new CgroupsV2(root, parent, Set.copyOf(words(dir.resolve("cgroup.subtree_control"))));
    }

    private static void enableControllers(Path dir, Set<String> wanted) throws IOException {
        Set<String> on = words(dir.resolve("cgroup.subtree_control"));
        for (String c : wanted) {
            if (!on.contains(c)) {
                CgroupFs.write(dir.resolve("cgroup.subtree_control"), "+" + c);
            }
        }
    }

    private static Set<String> words(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
        return s.isEmpty() ? Set.of() : Set.of(s.split("\\s+"));
    }

    @Override
    public String version() {
        return "v2";
    }

    @Override
    public String describe() {
        return "v2 (" + String.join(", ", new TreeSet<>(controllers)) + ") under " + root.resolve(parent);
    }

    @Override
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (!controllers.contains("memory")) {
            w.add("the memory cgroup controller is not available: memory limits are not enforced");
        }
        if (!controllers.contains("cpu")) {
            w.add("the cpu cgroup controller is not available: cpuPercent is not enforced");
        }
        if (!controllers.contains("pids")) {
            w.add("the pids cgroup controller is not available: pidsLimit is not enforced");
        }
        w.add("cgroup v2 cannot turn the OOM killer off: oomKiller=false is not honoured");
        return w;
    }

    @Override
    public ServerCgroup of(UUID server) {
        return new Server(root.resolve(parent).resolve(server.toString()));
    }

    private final class Server implements ServerCgroup {
        private final Path dir;

        Server(Path dir) {
            this.dir = dir;
        }

        @Override
        public boolean exists() {
            return Files.isDirectory(dir);
        }

        @Override
        public List<Path> create(Limits limits, Deadline deadline) throws IOException {
            if (!CgroupFs.remove(List.of(dir), deadline)) {
                throw new IOException("a previous run's cgroup " + dir + " could not be emptied and removed");
            }
            Files.createDirectory(dir);
            if (controllers.contains("memory") && limits.memoryMiB() > 0) {
                CgroupFs.write(dir.resolve("memory.max"), Long.toString(limits.memoryMiB() * MIB));
                if (Files.exists(dir.resolve("memory.swap.max"))) {
                    CgroupFs.write(dir.resolve("memory.swap.max"), limits.swapMiB() < 0 ? "max" : Long.toString(limits.swapMiB() * MIB));
                }
            }
            if (controllers.contains("cpu") && limits.cpuPercent() > 0) {
                CgroupFs.write(dir.resolve("cpu.max"), (CFS_PERIOD_US * limits.cpuPercent() / 100) + " " + CFS_PERIOD_US);
            }
            if (controllers.contains("pids") && limits.pidsLimit() > 0) {
                CgroupFs.write(dir.resolve("pids.max"), Integer.toString(limits.pidsLimit()));
            }
            return List.of(dir.resolve("cgroup.procs"));
        }

        @Override
        public List<Path> joinFiles() {
            return exists() ? List.of(dir.resolve("cgroup.procs")) : List.of();
        }

        @Override
        public Set<Long> pids() {
            return CgroupFs.pids(List.of(dir));
        }

        @Override
        public boolean killAll(Deadline deadline) {
            Path kill = dir.resolve("cgroup.kill");
            if (Files.exists(kill)) {
                try {
                    CgroupFs.write(kill, "1");
                } catch (IOException e) {
                    // fall back to signalling one by one
                }
            }
            return CgroupFs.killUntilEmpty(List.of(dir), deadline);
        }

        @Override
        public long oomKills() {
            return CgroupFs.keyed(dir.resolve("memory.events"), "oom_kill").orElse(0);
        }

        @Override
        public Optional<CgroupUsage> usage() {
            if (!exists()) {
                return Optional.empty();
            }
            long usage = CgroupFs.number(dir.resolve("memory.current")).orElse(0);
            long inactive = CgroupFs.keyed(dir.resolve("memory.stat"), "inactive_file").orElse(0);
            OptionalLong limit = CgroupFs.number(dir.resolve("memory.max"));
            OptionalLong cpuMicros = CgroupFs.keyed(dir.resolve("cpu.stat"), "usage_usec");
            long pids = CgroupFs.number(dir.resolve("pids.current")).orElse(-1);
            return Optional.of(new CgroupUsage(Math.max(0, usage - inactive), limit.orElse(-1),
                    cpuMicros.isPresent() ? cpuMicros.getAsLong() * 1000 : -1, pids));
        }

        @Override
        public boolean remove(Deadline deadline) {
            return CgroupFs.remove(List.of(dir), deadline);
        }
    }
}
