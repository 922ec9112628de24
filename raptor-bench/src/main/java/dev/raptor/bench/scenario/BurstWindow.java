package dev.raptor.bench.scenario;

import dev.raptor.bench.stats.RunQueue;
import dev.raptor.bench.stats.ThreadDelays;

import java.util.List;

/**
 * The storm's first second, while its recreates arrive at once, counted apart from the whole storm: who waited for a
 * CPU in it (each thread of the daemon and of the harness, from their schedstat), how many threads the machine had
 * runnable, and the polls in it. The storm's whole-run counts dilute a burst of a few hundred milliseconds in forty
 * seconds; this says what the poll's slowest moments at the start compete with.
 */
final class BurstWindow {
    /** The window's length from the storm's start. */
    static final long NANOS = 1_000_000_000L;

    private final long daemonPid;
    private final long start;
    /** The harness's JVM uptime at the storm's start, to find the window in the harness's own -Xlog (RAPTOR_BENCH_JAVA_OPTS). */
    private final double harnessUptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    private final ThreadDelays daemonBefore;
    private final ThreadDelays harnessBefore;
    private final RunQueue runQueue;
    private final Thread closer;
    private volatile ThreadDelays daemonAfter;
    private volatile ThreadDelays harnessAfter;

    private BurstWindow(long daemonPid, long start) {
        this.daemonPid = daemonPid;
        this.start = start;
        this.daemonBefore = ThreadDelays.of(daemonPid);
        this.harnessBefore = ThreadDelays.of(ProcessHandle.current().pid());
        this.runQueue = RunQueue.start();
        this.closer = Thread.ofPlatform().daemon().name("bench-burst-window").start(this::closeAtTheEnd);
    }

    /** Starts counting now, for the storm that started at {@code stormStart} ({@link System#nanoTime()}). */
    static BurstWindow start(long daemonPid, long stormStart) {
        return new BurstWindow(daemonPid, stormStart);
    }

    private void closeAtTheEnd() {
        try {
            long left = start + NANOS - System.nanoTime();
            if (left > 0) {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            }
        } catch (InterruptedException e) {
            return;
        }
        daemonAfter = ThreadDelays.of(daemonPid);
        harnessAfter = ThreadDelays.of(ProcessHandle.current().pid());
        runQueue.close();
    }

    /** The window's lines (after it ended; call once the storm is over): run queue, both sides' threads, the polls. */
    List<String> report(StormPolls polls) throws InterruptedException {
        closer.join(2 * NANOS / 1_000_000);
        if (daemonAfter == null || harnessAfter == null) {
            return List.of("the burst's first second: not counted (the storm ended first)");
        }
        return List.of(
                String.format(java.util.Locale.ROOT, "the burst's first second (from the harness's uptime %.3f s): %s", harnessUptime,
                        runQueue.summary()),
                "the burst's first second, the daemon's threads: " + daemonAfter.since(daemonBefore, 8),
                "the burst's first second, the harness's threads: " + harnessAfter.since(harnessBefore, 6),
                "the burst's first second, the polls: " + polls.within(start, start + NANOS));
    }
}
