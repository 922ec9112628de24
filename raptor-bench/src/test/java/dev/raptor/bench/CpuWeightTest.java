package dev.raptor.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The harness's CPU weight on this machine's real cgroup file system (the suite runs as root). */
class CpuWeightTest {
    @TempDir
    Path dir;

    @Test
    void aProcessIsMovedWithAllItsThreadsIntoACgroupWithTheShippedWeightAndItIsRemovedAfterwards() throws Exception {
        CpuWeight w = CpuWeight.of(Map.of());
        assertThat(w.applies()).as(w.describe()).isTrue();
        Process child = new ProcessBuilder("sleep", "120").start();
        Path cgroup;
        try {
            assertThat(w.place(child.pid(), "test")).isTrue();
            cgroup = w.currentCgroup(child.pid());
            assertThat(cgroup.getFileName().toString()).isEqualTo("raptor-bench-" + child.pid() + "-test");
            String setting = Files.exists(cgroup.resolve("cpu.weight")) ? Files.readString(cgroup.resolve("cpu.weight"))
                    : Files.readString(cgroup.resolve("cpu.shares"));
            // cgroup v2 takes the weight itself; v1 its shares, as systemd maps CPUWeight=1000
            assertThat(setting.strip()).isIn("1000", "10240");
            assertThat(Files.readString(cgroup.resolve("cgroup.procs")).strip()).isEqualTo(Long.toString(child.pid()));
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        w.close();
        assertThat(cgroup).doesNotExist();
    }

    @Test
    void theHarnessGoesBackWhereItWasWhenTheRunEnds() throws Exception {
        CpuWeight w = CpuWeight.of(Map.of());
        long me = ProcessHandle.current().pid();
        Path before = w.currentCgroup(me);
        w.placeHarness();
        Path during = w.currentCgroup(me);
        assertThat(during.getFileName().toString()).isEqualTo("raptor-bench-" + me + "-harness");
        w.close();
        assertThat(w.currentCgroup(me)).isEqualTo(before);
        assertThat(during).doesNotExist();
    }

    @Test
    void zeroLeavesEveryProcessWhereItIsAndSaysSo() throws Exception {
        CpuWeight w = CpuWeight.of(Map.of("cpu-weight", "0"));
        assertThat(w.applies()).isFalse();
        assertThat(w.describe()).contains("not applied", "--cpu-weight=0");
        assertThat(w.place(ProcessHandle.current().pid(), "never")).isFalse();
    }

    @Test
    void aWeightOutsideSystemdsRangeIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> CpuWeight.of(Map.of("cpu-weight", "20000"))).hasMessageContaining("--cpu-weight");
        assertThatThrownBy(() -> CpuWeight.of(Map.of("cpu-weight", "lots"))).hasMessageContaining("--cpu-weight").hasMessageContaining("lots");
    }

    @Test
    void aFileSystemWithoutTheCpuControllerIsReportedNotUsed() {
        CpuWeight w = CpuWeight.at(dir, 1000);
        assertThat(w.applies()).isFalse();
        assertThat(w.describe()).contains("no cgroup cpu controller under " + dir);
    }
}
