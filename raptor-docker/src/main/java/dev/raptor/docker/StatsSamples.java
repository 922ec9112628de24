package dev.raptor.docker;

import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.StatisticNetworksConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns one engine stats document into a {@link StatsSample}, with the formulas of the Docker CLI:
 * <ul>
 *   <li>CPU: {@code (cpuDelta / systemDelta) * onlineCpus * 100} between this reading and the previous one
 *       the engine includes ({@code precpu_stats}); 0 on the first reading, which has no previous one.</li>
 *   <li>Memory: usage without reclaimable page cache: cgroup v1 {@code usage - total_inactive_file},
 *       cgroup v2 {@code usage - inactive_file}.</li>
 *   <li>Network: received and sent bytes summed over all interfaces.</li>
 * </ul>
 */
final class StatsSamples {
    private StatsSamples() {
    }

    static StatsSample from(UUID serverId, Statistics s) {
        return new StatsSample(serverId, readAt(s.getRead()), memoryUsage(s.getMemoryStats()),
                memoryLimit(s.getMemoryStats()), cpuPercent(s.getCpuStats(), s.getPreCpuStats()),
                network(s.getNetworks(), true), network(s.getNetworks(), false),
                s.getPidsStats() == null ? 0 : zero(s.getPidsStats().getCurrent()));
    }

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The request path of one one-shot reading at API version {@code apiVersion} (e.g. "1.41"). */
    static String oneShotPath(String apiVersion, String containerId) {
        return "/v" + apiVersion + "/containers/" + URLEncoder.encode(containerId, StandardCharsets.UTF_8)
                + "/stats?stream=false&one-shot=true";
    }

    /**
     * One one-shot document as a reading with the CPU time since start; empty for a container that does not run (the
     * engine answers an empty document, read time 0001-01-01).
     */
    static Optional<StatsReading> reading(UUID serverId, InputStream body) throws IOException {
        Statistics s = JSON.readValue(body, Statistics.class);
        if (s == null || s.getRead() == null || s.getRead().startsWith("0001-")) {
            return Optional.empty();
        }
        CpuStatsConfig cpu = s.getCpuStats();
        long cpuNanos = cpu == null || cpu.getCpuUsage() == null || cpu.getCpuUsage().getTotalUsage() == null ? -1
                : cpu.getCpuUsage().getTotalUsage();
        return Optional.of(new StatsReading(from(serverId, s), cpuNanos));
    }

    static double cpuPercent(CpuStatsConfig now, CpuStatsConfig before) {
        if (now == null || before == null || now.getCpuUsage() == null || before.getCpuUsage() == null) {
            return 0;
        }
        long cpuDelta = zero(now.getCpuUsage().getTotalUsage()) - zero(before.getCpuUsage().getTotalUsage());
        long systemDelta = zero(now.getSystemCpuUsage()) - zero(before.getSystemCpuUsage());
        if (cpuDelta <= 0 || systemDelta <= 0 || zero(before.getSystemCpuUsage()) == 0) {
            return 0;
        }
        long cpus = zero(now.getOnlineCpus());
        if (cpus == 0) {
            List<Long> perCpu = now.getCpuUsage().getPercpuUsage();
            cpus = perCpu == null || perCpu.isEmpty() ? 1 : perCpu.size();
        }
        return (double) cpuDelta / systemDelta * cpus * 100.0;
    }

    static long memoryUsage(MemoryStatsConfig m) {
        if (m == null) {
            return 0;
        }
        long usage = zero(m.getUsage());
        StatsConfig st = m.getStats();
        if (st != null) {
            Long v1 = st.getTotalInactiveFile();
            if (v1 != null && v1 < usage) {
                return usage - v1;
            }
            Long v2 = st.getInactiveFile();
            if (v2 != null && v2 < usage) {
                return usage - v2;
            }
        }
        return usage;
    }

    private static long memoryLimit(MemoryStatsConfig m) {
        return m == null ? 0 : zero(m.getLimit());
    }

    private static long network(Map<String, StatisticNetworksConfig> networks, boolean received) {
        if (networks == null) {
            return 0;
        }
        long sum = 0;
        for (StatisticNetworksConfig n : networks.values()) {
            if (n != null) {
                sum += zero(received ? n.getRxBytes() : n.getTxBytes());
            }
        }
        return sum;
    }

    private static Instant readAt(String read) {
        if (read != null && !read.startsWith("0001-")) {
            try {
                return Instant.parse(read);
            } catch (DateTimeParseException ignored) {
                // fall through to now
            }
        }
        return Instant.now();
    }

    private static long zero(Long v) {
        return v == null ? 0 : v;
    }
}
