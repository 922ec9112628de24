package dev.raptor.api.node;

import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.server.ServerState;
import dev.raptor.wire.node.NodeHealth;
import dev.raptor.wire.node.NodeSystem;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What this node can say about itself: health (engine reachable, store writable, disk free) for
 * probes, and the system summary (version, runtime, engine, server counts, resources). Every check
 * has a deadline, so a hung engine makes health answer 503 quickly instead of hanging the probe.
 */
public final class NodeStatus {
    private static final Duration CHECK_DEADLINE = Duration.ofSeconds(3);

    private final ServerFleet fleet;
    private final Path dataDir;
    private final String version;
    private final Callable<String> storeProbe;
    private final long minFreeBytes;
    private final Instant startedAt = Instant.now();

    /**
     * @param storeProbe   proves the store can write, returning a short detail or throwing
     * @param minFreeBytes health fails when the data directory's file system has less free space
     */
    public NodeStatus(ServerFleet fleet, Path dataDir, String version, Callable<String> storeProbe, long minFreeBytes) {
        this.fleet = fleet;
        this.dataDir = dataDir;
        this.version = version;
        this.storeProbe = storeProbe;
        this.minFreeBytes = minFreeBytes;
    }

    /** One health check's outcome. */
    public record Check(boolean ok, String detail) {
    }

    /** All checks; healthy when every one is. */
    public record Health(Map<String, Check> checks) {
        public boolean ok() {
            return checks.values().stream().allMatch(Check::ok);
        }

        /** The answer of {@code GET /health}; the checks in their order. */
        public NodeHealth toDocument() {
            Map<String, NodeHealth.Check> out = new LinkedHashMap<>();
            checks.forEach((name, check) -> out.put(name, new NodeHealth.Check(check.ok(), check.detail())));
            return new NodeHealth(ok() ? "ok" : "unhealthy", out);
        }
    }

    public Health health() {
        CompletableFuture<Check> engine = async(() -> {
            RuntimeInfo info = fleet.runtime().info(Deadline.in(CHECK_DEADLINE));
            return info.runtime() + " " + info.engineVersion() + " answers";
        });
        CompletableFuture<Check> store = async(storeProbe);
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("engine", join(engine));
        checks.put("store", join(store));
        checks.put("disk", disk());
        return new Health(checks);
    }

    private Check disk() {
        try {
            FileStore fs = Files.getFileStore(dataDir);
            long free = fs.getUsableSpace();
            String detail = human(free) + " free of " + human(fs.getTotalSpace()) + " at " + dataDir;
            return new Check(free >= minFreeBytes, free >= minFreeBytes ? detail : detail + " (below the minimum of " + human(minFreeBytes) + ")");
        } catch (IOException e) {
            return new Check(false, "cannot read the file system of " + dataDir + ": " + e.getMessage());
        }
    }

    public NodeSystem system() {
        return new NodeSystem(version, startedAt, fleet.runtime().name(), engine(), serverCounts(), node());
    }

    private NodeSystem.Engine engine() {
        try {
            RuntimeInfo info = CompletableFuture.supplyAsync(() -> fleet.runtime().info(Deadline.in(CHECK_DEADLINE)),
                    r -> Thread.ofVirtual().start(r)).get(CHECK_DEADLINE.toMillis() + 500, TimeUnit.MILLISECONDS);
            return new NodeSystem.Engine(true, info.engineVersion(), info.apiVersion(), info.details(), info.warnings(), null);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return NodeSystem.Engine.unreachable(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NodeSystem.Engine.unreachable("interrupted");
        }
    }

    private NodeSystem.ServerCounts serverCounts() {
        Map<ServerState, Integer> counts = new EnumMap<>(ServerState.class);
        int total = 0;
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            counts.merge(s.state(), 1, Integer::sum);
            total++;
        }
        return new NodeSystem.ServerCounts(total, counts.getOrDefault(ServerState.OFFLINE, 0),
                counts.getOrDefault(ServerState.STARTING, 0), counts.getOrDefault(ServerState.RUNNING, 0),
                counts.getOrDefault(ServerState.STOPPING, 0));
    }

    private NodeSystem.Node node() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        Double cpuLoad = null;
        Long memoryTotal = null;
        Long memoryFree = null;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            cpuLoad = sun.getCpuLoad();
            memoryTotal = sun.getTotalMemorySize();
            memoryFree = sun.getFreeMemorySize();
        }
        String dir = null;
        Long diskTotal = null;
        Long diskFree = null;
        String diskError = null;
        try {
            FileStore fs = Files.getFileStore(dataDir);
            dir = dataDir.toString();
            diskTotal = fs.getTotalSpace();
            diskFree = fs.getUsableSpace();
        } catch (IOException e) {
            diskError = e.getMessage();
        }
        return new NodeSystem.Node(hostname(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), os.getSystemLoadAverage(), cpuLoad, memoryTotal, memoryFree,
                dir, diskTotal, diskFree, diskError, Runtime.version().toString());
    }

    private static CompletableFuture<Check> async(Callable<String> check) {
        CompletableFuture<Check> f = new CompletableFuture<>();
        Thread.ofVirtual().name("health-check").start(() -> {
            try {
                f.complete(new Check(true, check.call()));
            } catch (Exception e) {
                f.complete(new Check(false, describe(e)));
            }
        });
        return f;
    }

    private static Check join(CompletableFuture<Check> f) {
        try {
            return f.get(CHECK_DEADLINE.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Check(false, "no answer within " + CHECK_DEADLINE.toSeconds() + " s");
        } catch (ExecutionException e) {
            return new Check(false, describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(false, "interrupted");
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** The kernel's host name, read without DNS (which could hang a request). */
    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown" : env;
        }
    }

    private static String human(long bytes) {
        double gib = bytes / (1024.0 * 1024 * 1024);
        return gib >= 1 ? String.format("%.1f GiB", gib) : String.format("%.0f MiB", bytes / (1024.0 * 1024));
    }
}
