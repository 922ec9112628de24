package dev.raptor.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void theEngineGoesIntoACgroupAtTheDefaultWeightWithWhatItStartsLaterAndAllOfItComesBack() throws Exception {
        CpuWeight w = CpuWeight.of(Map.of());
        // stands in for dockerd: a process that starts another one after it was moved, as containerd forks its shims
        Process engine = new ProcessBuilder("sh", "-c", "read line; sleep 120 & echo started; wait").start();
        try {
            Path before = w.currentCgroup(engine.pid());
            String done = w.placeEngine(engine.pid());
            Path unit = w.currentCgroup(engine.pid());
            assertThat(done).contains("dockerd (" + engine.pid() + ")");
            assertThat(unit.getFileName().toString()).isEqualTo("raptor-bench-" + ProcessHandle.current().pid() + "-engine-dockerd");
            String setting = Files.exists(unit.resolve("cpu.weight")) ? Files.readString(unit.resolve("cpu.weight"))
                    : Files.readString(unit.resolve("cpu.shares"));
            assertThat(setting.strip()).as("systemd's default CPUWeight=100").isIn("100", "1024");

            engine.getOutputStream().write("go\n".getBytes());
            engine.getOutputStream().flush();
            assertThat(new String(engine.getInputStream().readNBytes(8))).isEqualTo("started\n");
            ProcessHandle later = engine.toHandle().children().findFirst().orElseThrow();
            assertThat(w.currentCgroup(later.pid())).as("started after the move").isEqualTo(unit);

            w.close();
            assertThat(w.currentCgroup(engine.pid())).isEqualTo(before);
            assertThat(w.currentCgroup(later.pid())).as("what it started comes back too").isEqualTo(before);
            assertThat(unit).doesNotExist();
        } finally {
            engine.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            engine.destroyForcibly();
            assertThat(engine.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aThreadPlacedWithARealTimeBudgetMayRunAtSchedFifoAndComesBackOrdinary() throws Exception {
        CpuWeight w = CpuWeight.of(Map.of());
        long me = ProcessHandle.current().pid();
        Path before = w.currentCgroup(me);
        // cgroup v1 (this machine's): a thread alone in a cgroup of its own, at the root of the cpu hierarchy
        Path own = Path.of("/sys/fs/cgroup/cpu", "raptor-bench-" + me + "-rt-test");
        java.util.concurrent.atomic.AtomicReference<Object> seen = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                long tid = dev.raptor.bench.stats.ThreadNice.callingThreadId();
                String why = w.placeRealtimeThread(tid, "rt-test", 50_000);
                assertThat(why).isNull();
                assertThat(Files.readString(own.resolve("tasks")).strip()).isEqualTo(Long.toString(tid));
                assertThat(Files.readString(own.resolve("cpu.rt_runtime_us")).strip()).isEqualTo("50000");
                dev.raptor.bench.stats.ThreadRealtime.fifo(1);
                int during = dev.raptor.bench.stats.ThreadRealtime.policy();
                dev.raptor.bench.stats.ThreadRealtime.ordinary();
                seen.set(new int[]{during, dev.raptor.bench.stats.ThreadRealtime.policy()});
            } catch (Throwable e) {
                seen.set(e);
            }
        });
        t.join(Duration.ofSeconds(60));
        assertThat(seen.get()).isInstanceOf(int[].class);
        assertThat((int[]) seen.get()).as("SCHED_FIFO while placed, SCHED_OTHER after").containsExactly(1, 0);
        w.close();
        assertThat(w.currentCgroup(me)).isEqualTo(before);
        assertThat(own).doesNotExist();
    }
}
