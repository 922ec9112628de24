package dev.raptor.process;

import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The thread behind one {@code stats} subscription: a sample about once a second while the run lasts
 * (the first after a quarter second, so a one-off reading need not wait). From the server's cgroup when
 * it has one (memory without inactive page cache, CPU time, pids); else from /proc, summed over the
 * run's processes (resident memory, user+system clock ticks, threads). CPU is the delta over the
 * interval in percent of one core. Network counters are 0: servers share the host's network namespace,
 * so their traffic cannot be told apart.
 */
final class StatsSampler implements ThreadSubscription.Body<StatsSample> {
    private static final Duration FIRST = Duration.ofMillis(250);
    private static final Duration EVERY = Duration.ofSeconds(1);
    /** USER_HZ: the unit of utime/stime in /proc/<pid>/stat on every Linux architecture Raptor runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private final UUID serverId;
    private final Supplier<RunFacts> facts;
    private final ServerCgroup cgroup;

    StatsSampler(UUID serverId, Supplier<RunFacts> facts, ServerCgroup cgroup) {
        this.serverId = serverId;
        this.facts = facts;
        this.cgroup = cgroup;
    }

    private record Reading(long nanosAt, long cpuNanos, long memory, long limit, long pids) {
    }

    @Override
    public void run(ThreadSubscription<StatsSample> out) {
        Reading previous = null;
        Duration wait = Duration.ZERO;
        while (out.isOpen()) {
            Pause.millis(wait.toMillis());
            RunFacts f = facts.get();
            if (!f.running()) {
                return;
            }
            Reading now = read(f);
            if (previous != null) {
                double seconds = (now.nanosAt - previous.nanosAt) / 1e9;
                double cpu = seconds <= 0 ? 0 : Math.max(0, now.cpuNanos - previous.cpuNanos) / 1e9 / seconds * 100;
                if (!out.emit(new StatsSample(serverId, Instant.now(), now.memory, now.limit, cpu, 0, 0, now.pids))) {
                    return;
                }
            }
            wait = previous == null ? FIRST : EVERY;
            previous = now;
        }
    }

    /**
     * One reading now, for a caller that reads again later and computes the CPU between the two from the CPU time
     * ({@link dev.raptor.core.runtime.ContainerRuntime#readStats}); empty when the run has ended.
     */
    Optional<StatsReading> readOnce() {
        RunFacts f = facts.get();
        if (!f.running()) {
            return Optional.empty();
        }
        Reading now = read(f);
        return Optional.of(new StatsReading(new StatsSample(serverId, Instant.now(), now.memory, now.limit, 0, 0, 0, now.pids),
                now.cpuNanos));
    }

    private Reading read(RunFacts f) {
        long at = System.nanoTime();
        long machine = machineMemory();
        CgroupUsage usage = cgroup.usage().orElse(null);
        Map<Long, ProcStat> procs = f.main() == null ? Map.of() : ProcessTable.snapshot().runOf(f.main());
        long ticks = 0;
        long rss = 0;
        long threads = 0;
        for (ProcStat p : procs.values()) {
            ticks += p.utime() + p.stime();
            rss += p.rssPages();
            threads += p.threads();
        }
        long cpu = usage != null && usage.cpuNanos() >= 0 ? usage.cpuNanos() : ticks * (1_000_000_000L / TICKS_PER_SECOND);
        long memory = usage != null && usage.memoryBytes() > 0 ? usage.memoryBytes() : rss * LibC.pageSize();
        long limit = usage != null && usage.memoryLimitBytes() > 0 ? Math.min(usage.memoryLimitBytes(), machine) : machine;
        long pids = usage != null && usage.pids() >= 0 ? usage.pids() : threads;
        return new Reading(at, cpu, memory, limit, pids);
    }

    /** MemTotal of /proc/meminfo in bytes: the limit of an unlimited server. */
    static long machineMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory();
    }
}
