package dev.raptor.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.core.DockerClientConfig;
import dev.raptor.core.runtime.StatsSample;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The stats formulas on engine documents as the engine writes them (cgroup v1 and v2). */
class StatsSamplesTest {
    private static final ObjectMapper JSON = DockerClientConfig.getDefaultObjectMapper();
    private final UUID server = UUID.randomUUID();

    private static Statistics parse(String json) throws Exception {
        return JSON.readValue(json, Statistics.class);
    }

    @Test
    void cpuIsTheDeltaShareOfTheSystemTimesOnlineCpus() throws Exception {
        Statistics s = parse("""
                {"read":"2026-11-24T11:20:51.559683937Z",
                 "cpu_stats":{"cpu_usage":{"total_usage":3000000000},"system_cpu_usage":20000000000,"online_cpus":2},
                 "precpu_stats":{"cpu_usage":{"total_usage":1000000000},"system_cpu_usage":16000000000,"online_cpus":2}}""");

        // (2e9 / 4e9) * 2 cpus * 100 = one full core
        assertThat(StatsSamples.from(server, s).cpuAbsolute()).isCloseTo(100.0, within(0.001));
    }

    @Test
    void theFirstReadingWithoutAPreviousOneIsZeroCpu() throws Exception {
        Statistics s = parse("""
                {"read":"2026-11-24T11:20:51Z",
                 "cpu_stats":{"cpu_usage":{"total_usage":3000000000},"system_cpu_usage":20000000000,"online_cpus":2},
                 "precpu_stats":{"cpu_usage":{"total_usage":0},"system_cpu_usage":0}}""");

        assertThat(StatsSamples.from(server, s).cpuAbsolute()).isZero();
    }

    @Test
    void memoryLeavesOutInactivePageCacheOnCgroupV1() throws Exception {
        Statistics s = parse("""
                {"read":"2026-11-24T11:20:51Z",
                 "memory_stats":{"usage":10000,"limit":67108864,"stats":{"total_inactive_file":4000,"inactive_file":100}}}""");

        StatsSample sample = StatsSamples.from(server, s);
        assertThat(sample.memoryBytes()).isEqualTo(6000);
        assertThat(sample.memoryLimitBytes()).isEqualTo(67108864);
    }

    @Test
    void memoryLeavesOutInactivePageCacheOnCgroupV2() throws Exception {
        Statistics s = parse("""
                {"read":"2026-11-24T11:20:51Z","memory_stats":{"usage":10000,"limit":20000,"stats":{"inactive_file":2500}}}""");

        assertThat(StatsSamples.from(server, s).memoryBytes()).isEqualTo(7500);
    }

    @Test
    void networkIsSummedOverInterfacesAndPidsAreCounted() throws Exception {
        Statistics s = parse("""
                {"read":"2026-11-24T11:20:51Z","pids_stats":{"current":7},
                 "networks":{"eth0":{"rx_bytes":100,"tx_bytes":10},"eth1":{"rx_bytes":23,"tx_bytes":2}}}""");

        StatsSample sample = StatsSamples.from(server, s);
        assertThat(sample.rxBytes()).isEqualTo(123);
        assertThat(sample.txBytes()).isEqualTo(12);
        assertThat(sample.pids()).isEqualTo(7);
        assertThat(sample.serverId()).isEqualTo(server);
    }
}
