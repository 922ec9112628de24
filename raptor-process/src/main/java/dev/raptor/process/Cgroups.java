package dev.raptor.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How this host puts servers into cgroups: {@link CgroupsV2 v2} (unified), {@link CgroupsV1 v1}
 * (one hierarchy per controller), or {@link Unavailable not at all}. Found once when the runtime opens by
 * making (and removing) a probe cgroup under the configured parent; what cannot be enforced is said in
 * {@link #warnings()}, never pretended.
 */
sealed interface Cgroups permits CgroupsV1, CgroupsV2, Cgroups.Unavailable {

    /** {@code v1}, {@code v2} or {@code none}. */
    String version();

    /** One line for the operator: version, controllers and where. */
    String describe();

    /** Limits this host cannot enforce. */
    List<String> warnings();

    /** The cgroup of {@code server} (which may not exist yet). */
    ServerCgroup of(UUID server);

    /** No cgroups: servers run without limits and kill relies on walking /proc. */
    record Unavailable(String reason) implements Cgroups {
        @Override
        public String version() {
            return "none";
        }

        @Override
        public String describe() {
            return "none (" + reason + ")";
        }

        @Override
        public List<String> warnings() {
            return List.of("no cgroup could be made (" + reason + "): servers run WITHOUT memory, CPU and process-count "
                    + "limits, and kill finds a server's processes by walking /proc, which misses a process that left "
                    + "its session after its parent died");
        }

        @Override
        public ServerCgroup of(UUID server) {
            return ServerCgroup.NONE;
        }
    }

    /** Finds the cgroup version of this host and proves that cgroups can be made under {@code parent} (null: turned off). */
    static Cgroups detect(String parent) {
        if (parent == null) {
            return new Unavailable("cgroups are turned off in the configuration");
        }
        Map<String, Mount> mounts;
        try {
            mounts = mounts();
        } catch (IOException e) {
            return new Unavailable("cannot read /proc/self/mountinfo: " + e.getMessage());
        }
        try {
            Mount unified = mounts.get("/sys/fs/cgroup");
            if (unified != null && unified.type().equals("cgroup2")) {
                return CgroupsV2.open(unified.point(), parent);
            }
            Map<String, Path> controllers = new LinkedHashMap<>();
            for (Mount m : mounts.values()) {
                if (m.type().equals("cgroup")) {
                    for (String option : m.superOptions().split(",")) {
                        if (CgroupsV1.CONTROLLERS.contains(option)) {
                            controllers.putIfAbsent(option, m.point());
                        }
                    }
                }
            }
            if (controllers.isEmpty()) {
                return new Unavailable("neither a cgroup v2 hierarchy at /sys/fs/cgroup nor cgroup v1 controllers are mounted");
            }
            return CgroupsV1.open(controllers, parent);
        } catch (IOException | RuntimeException e) {
            return new Unavailable(e.toString());
        }
    }

    /** A mount from /proc/self/mountinfo. */
    record Mount(Path point, String type, String superOptions) {
    }

    private static Map<String, Mount> mounts() throws IOException {
        Map<String, Mount> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 5 || dash + 3 >= f.length) {
                continue;
            }
            String point = f[4].replace("\\040", " ");
            out.put(point, new Mount(Path.of(point), f[dash + 1], f[dash + 3]));
        }
        return out;
    }
}
