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

    /**
     * A thread named {@code name} that runs {@code CPU_NANOS} of CPU (bounded by a generous wall deadline), its kernel id
     * kept, then stays until released: a thread that has ended is gone from /proc, and with it its counts.
     */
    private static Thread spinner(String name, AtomicLong tid, CountDownLatch started, CountDownLatch spun, CountDownLatch release) {
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
            spun.countDown();
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void aBusyThreadShowsByItsOwnNameAndItsRoleIsSummedByItsId() throws Exception {
        long pid = ProcessHandle.current().pid();
        ThreadDelays before = ThreadDelays.of(pid);
        AtomicLong tid = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread busy = spinner("busy-reader-7", tid, started, spun, release);
        busy.start();
        ThreadDelays after;
        ThreadDelays whileRunning;
        try {
            started.await(1, TimeUnit.MINUTES);
            whileRunning = ThreadDelays.of(pid);
            spun.await(2, TimeUnit.MINUTES);
            after = ThreadDelays.of(pid);
        } finally {
            release.countDown();
            busy.join(TimeUnit.MINUTES.toMillis(1));
        }

        assertThat(whileRunning.startedSince(before)).contains(tid.get());
        assertThat(after.busiest(before, 3)).containsPattern("busy-reader-7 run 0\\.[3-9]\\d s, waited \\d+\\.\\d\\d s");
        String byRole = after.byRole(before, (id, name) -> id == tid.get() ? "the spinner" : null);
        assertThat(byRole).containsPattern("the spinner \\(1\\): run 0\\.[3-9]\\d s").contains("other (");
    }
}
