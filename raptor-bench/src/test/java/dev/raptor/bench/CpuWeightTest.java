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
    void oneThreadOfTheHarnessGoesIntoACgroupOfItsOwnAloneAndComesBack() throws Exception {
        CpuWeight w = CpuWeight.of(Map.of());
        long me = ProcessHandle.current().pid();
        Path before = w.currentCgroup(me);
        java.util.concurrent.CountDownLatch placed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong tid = new java.util.concurrent.atomic.AtomicLong();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                tid.set(dev.raptor.bench.stats.ThreadNice.callingThreadId());
                placed.countDown();
                done.await(1, TimeUnit.MINUTES);
            } catch (Exception e) {
                placed.countDown();
            }
        });
        try {
            assertThat(placed.await(1, TimeUnit.MINUTES)).isTrue();
            boolean v1 = Files.exists(Path.of("/sys/fs/cgroup/cpu/cpu.shares"));
            assertThat(w.placeHarnessThread(tid.get(), "test-thread")).isEqualTo(v1);
            if (v1) {
                Path own = Path.of("/sys/fs/cgroup/cpu/raptor-bench-" + me + "-test-thread");
                assertThat(Files.readString(own.resolve("tasks")).strip()).isEqualTo(Long.toString(tid.get()));
                assertThat(Files.readString(own.resolve("cpu.shares")).strip()).isEqualTo("10240");
                assertThat(w.currentCgroup(me)).as("the rest of the harness stays").isEqualTo(before);
                w.close();
                assertThat(Files.readString(Path.of("/proc/" + me + "/task/" + tid.get() + "/cgroup"))).doesNotContain("test-thread");
                assertThat(own).doesNotExist();
            }
        } finally {
            done.countDown();
            t.join(60_000);
            w.close();
        }
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
