package dev.raptor.bench.stats;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadDelaysTest {
    private static final long CPU_NANOS = 300_000_000L;

    /** A thread named {@code name} that runs {@code CPU_NANOS} of CPU (bounded by a generous wall deadline), its kernel id kept. */
    private static Thread spinner(String name, AtomicLong tid, CountDownLatch started) {
        return Thread.ofPlatform().name(name).unstarted(() -> {
            try {
                tid.set(ThreadNice.callingThreadId());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            started.countDown();
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long wallLimit = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (mx.getCurrentThreadCpuTime() < CPU_NANOS && System.nanoTime() < wallLimit) {
                Thread.onSpinWait();
            }
        });
    }

    @Test
    void aBusyThreadShowsByItsOwnNameAndItsRoleIsSummedByItsId() throws Exception {
        long pid = ProcessHandle.current().pid();
        ThreadDelays before = ThreadDelays.of(pid);
        AtomicLong tid = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        Thread busy = spinner("busy-reader-7", tid, started);
        busy.start();
        started.await(1, TimeUnit.MINUTES);
        ThreadDelays whileRunning = ThreadDelays.of(pid);
        busy.join(TimeUnit.MINUTES.toMillis(2));
        ThreadDelays after = ThreadDelays.of(pid);

        assertThat(whileRunning.startedSince(before)).contains(tid.get());
        assertThat(after.busiest(before, 3)).containsPattern("busy-reader-7 run 0\\.[3-9]\\d s, waited \\d+\\.\\d\\d s");
        String byRole = after.byRole(before, (id, name) -> id == tid.get() ? "the spinner" : null);
        assertThat(byRole).containsPattern("the spinner \\(1\\): run 0\\.[3-9]\\d s").contains("other (");
    }
}
