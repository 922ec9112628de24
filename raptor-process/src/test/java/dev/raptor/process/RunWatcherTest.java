package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runtime's waits for a start and an exit end on the kernel's report (a pidfd on the supervisor, inotify on
 * the record directory), and on looks alone where the kernel cannot report: never on a time. The reporting runtimes
 * here look on their own only every 5 s (the longest poll interval; by default a wait also looks on its own growing
 * pauses), so a wait that the report did not end would end on such a look and count as seen by a look.
 */
class RunWatcherTest {
    private static final Duration RARE_LOOKS = Duration.ofSeconds(5);

    /** A runtime whose waits learn what happened in one way, and otherwise look only every 5 s. */
    abstract static class WaitingOneWay extends RuntimeTest {
        private final RunWatcher.Mode mode;

        WaitingOneWay(RunWatcher.Mode mode) {
            this.mode = mode;
        }

        @Override
        ProcessRuntimeConfig config() {
            ProcessRuntimeConfig c = super.config();
            return new ProcessRuntimeConfig(c.stateDir(), c.serverUser(), c.cgroupParent(), c.logFileBytes(), c.logFiles(), RARE_LOOKS);
        }

        @Override
        @BeforeEach
        void openRuntime() {
            TestHost.reachable(tmp);
            runtime = ProcessRuntime.open(config(), mode);
        }
    }

    @Nested
    class WithTheKernelsReports extends WaitingOneWay {
        WithTheKernelsReports() {
            super(RunWatcher.Mode.REPORTS);
        }

        @Test
        void thisKernelReportsExits() {
            assertThat(runtime.watcher().kernel()).as("pidfd_open, epoll and inotify on this kernel (Linux >= 5.3)").isTrue();
            assertThat(runtime.info(soon()).details()).containsEntry("runWaits", "kernel reports (pidfd, inotify)");
        }

        @Test
        void aStartSeesTheServersPidThroughTheWatcher() {
            // a first start and remove, so that the second start's wait is not slower than the supervisor (a cold JVM)
            runtime.remove(started(ServerSpec.builder().name("warm-up").startup("exec sleep 1000").build()), soon());
            long before = runtime.watcher().seenByWatch();

            started(ServerSpec.builder().name("watched-start").startup("exec sleep 1000").build());

            // (on a busy machine main.pid may already be there at the start's first look: then neither counts)
            assertThat(runtime.watcher().seenByWatch() - before).as("starts whose main.pid the watcher reported").isLessThanOrEqualTo(1);
            assertThat(runtime.watcher().seenByLook()).as("waits that ended on a look of their own (every 5 s)").isZero();
        }

        @Test
        void theWatchedRecordFileWakesTheWaitAndOthersDoNot() throws Exception {
            Path dir = Files.createDirectory(tmp.resolve("record"));
            try (RunWatcher.Watch watch = runtime.watcher().watch(dir, null, Set.of("main.pid"), 5)) {
                assertThat(watch.pause(50)).as("nothing written").isFalse();
                Files.writeString(dir.resolve("supervisor.pid"), "1 2\n");
                assertThat(watch.pause(50)).as("another record file written").isFalse();

                Files.writeString(dir.resolve("main.pid"), "1 2\n");

                assertThat(watch.pause(PATIENCE.toMillis())).as("main.pid written").isTrue();
            }
        }

        @Test
        void theEndOfTheWatchedProcessWakesTheWait() throws Exception {
            Process sleeper = new ProcessBuilder("sleep", "1000").start();
            ProcessId id = new ProcessId(sleeper.pid(), ProcStat.read(sleeper.pid()).orElseThrow().startTime());
            try (RunWatcher.Watch watch = runtime.watcher().watch(tmp, id, Set.of(), 5)) {
                assertThat(watch.pause(50)).as("while it runs").isFalse();

                sleeper.destroyForcibly();

                assertThat(watch.pause(PATIENCE.toMillis())).as("once it ended").isTrue();
            } finally {
                sleeper.destroyForcibly();
            }
        }

        @Test
        void anExitIsSeenThroughTheWatcher() throws Exception {
            ContainerRef ref = started(ServerSpec.builder().name("watched-exit").startup("exec sleep 1000").build());
            long before = runtime.watcher().seenByWatch();
            CompletableFuture<Optional<Integer>> exit = waitingForTheExit(runtime, ref, soon());

            runtime.signal(ref, "SIGTERM", soon());

            assertThat(exit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).contains(143);
            assertThat(runtime.watcher().seenByWatch() - before).as("exits the watcher reported").isEqualTo(1);
            assertThat(runtime.watcher().seenByLook()).as("waits that ended on a look of their own").isZero();
        }

        @Test
        void aStopStillEscalatesToAKillAfterTheGrace() throws Exception {
            ContainerRef ref = stubborn(runtime, started(ServerSpec.builder().name("stubborn").startup(IGNORES_SIGTERM).build()));
            runtime.signal(ref, "SIGTERM", soon());

            Optional<Integer> afterGrace = runtime.awaitExit(ref, Deadline.in(Duration.ofMillis(300)));

            assertThat(afterGrace).as("a server that ignores SIGTERM, after the grace").isEmpty();
            assertThat(runtime.mainPid(ref)).as("the server still runs").isPresent();
            CompletableFuture<Optional<Integer>> exit = waitingForTheExit(runtime, ref, soon());
            runtime.kill(ref, soon());
            assertThat(exit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).contains(RunKiller.KILLED);
        }

        @Test
        void closingTheRuntimeEndsTheWatchersThread() {
            assertThat(runtime.watcher().threadAlive()).isTrue();

            runtime.close();

            assertThat(runtime.watcher().threadAlive()).isFalse();
        }
    }

    @Nested
    class WithoutThem extends WaitingOneWay {
        WithoutThem() {
            super(RunWatcher.Mode.LOOKS);
        }

        @Test
        void anExitIsSeenByLooking() {
            // a server that ends on its own, well after the wait for its end has begun
            ContainerRef ref = started(ServerSpec.builder().name("polled").startup("sleep 2; exit 3").build());
            long before = runtime.watcher().seenByLook();

            assertThat(runtime.awaitExit(ref, soon())).contains(3);

            assertThat(runtime.watcher().kernel()).isFalse();
            assertThat(runtime.info(soon()).details()).containsEntry("runWaits", "polling");
            assertThat(runtime.watcher().threadAlive()).isFalse();
            assertThat(runtime.watcher().seenByWatch()).as("waits the (absent) watcher ended").isZero();
            assertThat(runtime.watcher().seenByLook() - before).as("the exit's wait").isEqualTo(1);
        }

        @Test
        void aStopStillEscalatesToAKillAfterTheGrace() {
            ContainerRef ref = stubborn(runtime, started(ServerSpec.builder().name("stubborn-polled").startup(IGNORES_SIGTERM).build()));
            runtime.signal(ref, "SIGTERM", soon());

            assertThat(runtime.awaitExit(ref, Deadline.in(Duration.ofMillis(300)))).as("after the grace").isEmpty();
            runtime.kill(ref, soon());
            assertThat(runtime.awaitExit(ref, soon())).contains(RunKiller.KILLED);
        }
    }

    /** Once it runs: a sleep that ignores SIGTERM (an ignored signal stays ignored across exec). */
    private static final String IGNORES_SIGTERM = "trap '' TERM; exec sleep 1000";

    /** {@code ref}, once its server ignores SIGTERM: its main process has become the sleep. */
    private static ContainerRef stubborn(ProcessRuntime runtime, ContainerRef ref) {
        long pid = runtime.mainPid(ref).orElseThrow();
        await().atMost(RuntimeTest.PATIENCE).until(() -> Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals("sleep"));
        return ref;
    }

    /** awaitExit on another thread, returned once that wait watches (its pidfd and inotify descriptors are in the watcher's set). */
    private static CompletableFuture<Optional<Integer>> waitingForTheExit(ProcessRuntime runtime, ContainerRef ref, Deadline deadline) {
        int before = runtime.watcher().watched();
        CompletableFuture<Optional<Integer>> exit = CompletableFuture.supplyAsync(() -> runtime.awaitExit(ref, deadline),
                Thread.ofVirtual()::start);
        await().atMost(RuntimeTest.PATIENCE).until(() -> runtime.watcher().watched() == before + 2 || exit.isDone());
        return exit;
    }
}
