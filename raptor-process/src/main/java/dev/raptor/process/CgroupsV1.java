package dev.raptor.process;

import dev.raptor.core.limits.Limits;
import dev.raptor.core.runtime.Deadline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * cgroup v1: one hierarchy per controller (or a few controllers mounted together). A server gets
 * {@code <mount>/<parent>/<uuid>} in the memory, cpu, cpuacct and pids hierarchies that exist:
 * {@code memory.limit_in_bytes} (+ {@code memory.memsw.limit_in_bytes} for swap, {@code memory.oom_control}
 * when the OOM killer is off), {@code cpu.cfs_quota_us} over a 100 ms period, {@code pids.max}.
 */
record CgroupsV1(Map<String, Path> controllers, String parent, boolean swapAccounting) implements Cgroups {
    static final Set<String> CONTROLLERS = Set.of("memory", "cpu", "cpuacct", "pids");
    private static final long CFS_PERIOD_US = 100_000;
    private static final long MIB = 1024L * 1024;

    /** Makes {@code parent} in every controller's hierarchy and proves a child can be made there. */
    static CgroupsV1 open(Map<String, Path> mounted, String parent) throws IOException {
        Map<String, Path> controllers = new LinkedHashMap<>();
        for (String c : List.of("memory", "cpu", "cpuacct", "pids")) {
            if (mounted.containsKey(c)) {
                controllers.put(c, mounted.get(c));
            }
        }
        if (!controllers.containsKey("memory") && !controllers.containsKey("cpu") && !controllers.containsKey("pids")) {
            throw new IOException("no memory, cpu or pids cgroup v1 controller is mounted");
        }
        String probe = "probe-" + UUID.randomUUID();
        for (Path mount : new LinkedHashSet<>(controllers.values())) {
            Path dir = mount.resolve(parent);
            Files.createDirectories(dir);
            Path child = dir.resolve(probe);
            Files.createDirectory(child);
            Files.delete(child);
        }
        Path memory = controllers.get("memory");
        boolean swap = memory != null && Files.exists(memory.resolve(parent).resolve("memory.memsw.limit_in_bytes"));
        return new CgroupsV1(Map.copyOf(controllers), parent, swap);
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public String describe() {
        return "v1 (" + String.join(", ", new TreeSet<>(controllers.keySet())) + ") under /" + parent;
    }

    @Override
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (!controllers.containsKey("memory")) {
            w.add("no memory cgroup controller: memory limits (memoryMiB, swapMiB) are not enforced");
        } else if (!swapAccounting) {
            w.add("swap accounting is off (no memory.memsw.*): swapMiB is not enforced, only memoryMiB");
        }
        if (!controllers.containsKey("cpu")) {
            w.add("no cpu cgroup controller: cpuPercent is not enforced");
        }
        if (!controllers.containsKey("pids")) {
            w.add("no pids cgroup controller: pidsLimit is not enforced");
        }
        return w;
    }

    @Override
    public ServerCgroup of(UUID server) {
        return new Server(server.toString());
    }

    private Path dir(String controller, String name) {
        Path mount = controllers.get(controller);
        return mount == null ? null : mount.resolve(parent).resolve(name);
    }

    /** One server's directories, one per distinct hierarchy. */
    private final class Server implements ServerCgroup {
        private final String name;
        private final List<Path> dirs;

        Server(String name) {
            this.name = name;
            Set<Path> d = new LinkedHashSet<>();
            for (Path mount : controllers.values()) {
                d.add(mount.resolve(parent).resolve(name));
            }
            this.dirs = List.copyOf(d);
        }

        @Override
        public boolean exists() {
            return dirs.stream().anyMatch(Files::isDirectory);
        }

        @Override
        public List<Path> create(Limits limits, Deadline deadline) throws IOException {
            if (!CgroupFs.remove(dirs, deadline)) {
                throw new IOException("a previous run's cgroup " + dirs + " could not be emptied and removed");
            }
            for (Path d : dirs) {
                Files.createDirectories(d);
            }
            Path memory = dir("memory", name);
            if (memory != null && limits.memoryMiB() > 0) {
                long bytes = limits.memoryMiB() * MIB;
                CgroupFs.write(memory.resolve("memory.limit_in_bytes"), Long.toString(bytes));
                if (swapAccounting) {
                    long swap = limits.swapMiB() < 0 ? -1 : bytes + limits.swapMiB() * MIB;
                    CgroupFs.write(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(swap));
                }
            }
            if (memory != null && !limits.oomKiller()) {
                CgroupFs.write(memory.resolve("memory.oom_control"), "1");
            }
            Path cpu = dir("cpu", name);
            if (cpu != null && limits.cpuPercent() > 0) {
                CgroupFs.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CFS_PERIOD_US));
                CgroupFs.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(CFS_PERIOD_US * limits.cpuPercent() / 100));
            }
            Path pids = dir("pids", name);
            if (pids != null && limits.pidsLimit() > 0) {
                CgroupFs.write(pids.resolve("pids.max"), Integer.toString(limits.pidsLimit()));
            }
            return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
        }

        @Override
        public List<Path> joinFiles() {
            return dirs.stream().filter(java.nio.file.Files::isDirectory).map(d -> d.resolve("cgroup.procs")).toList();
        }

        @Override
        public Set<Long> pids() {
            return CgroupFs.pids(dirs);
        }

        @Override
        public boolean killAll(Deadline deadline) {
            return CgroupFs.killUntilEmpty(dirs, deadline);
        }

        @Override
        public long oomKills() {
            Path memory = dir("memory", name);
            return memory == null ? 0 : CgroupFs.keyed(memory.resolve("memory.oom_control"), "oom_kill").orElse(0);
        }

        @Override
        public Optional<CgroupUsage> usage() {
            if (!exists()) {
                return Optional.empty();
            }
            Path memory = dir("memory", name);
            long mem = 0;
            long limit = -1;
            if (memory != null) {
                long usage = CgroupFs.number(memory.resolve("memory.usage_in_bytes")).orElse(0);
                long inactive = CgroupFs.keyed(memory.resolve("memory.stat"), "total_inactive_file").orElse(0);
                mem = Math.max(0, usage - inactive);
                OptionalLong l = CgroupFs.number(memory.resolve("memory.limit_in_bytes"));
                limit = l.isPresent() && l.getAsLong() < Long.MAX_VALUE / 2 ? l.getAsLong() : -1;
            }
            Path cpuacct = dir("cpuacct", name);
            long cpu = cpuacct == null ? -1 : CgroupFs.number(cpuacct.resolve("cpuacct.usage")).orElse(-1);
            Path pids = dir("pids", name);
            long count = pids == null ? -1 : CgroupFs.number(pids.resolve("pids.current")).orElse(-1);
            return Optional.of(new CgroupUsage(mem, limit, cpu, count));
        }

        @Override
        public boolean remove(Deadline deadline) {
            return CgroupFs.remove(dirs, deadline);
        }
    }
}
