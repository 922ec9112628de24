package dev.raptor.process;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The process runtime's verbs against real processes: records, signals, console, typed failures. */
class ProcessRuntimeTest extends RuntimeTest {

    private static ServerSpec.Builder game() {
        return TestHost.gameServer().name("test");
    }

    private static ServerSpec shell(String startup) {
        return ServerSpec.builder().name("shell").startup(startup).build();
    }

    private static ContainerRef missing() {
        UUID id = UUID.randomUUID();
        return new ContainerRef("0123456789abcdef", RuntimeLabels.containerName(id), id);
    }

    // ------------------------------------------------------------------ specs and facts

    @Test
    void itRunsServersOnOneNodeThisMachineReadyWithItsCpusAndMemory() throws Exception {
        List<dev.raptor.core.node.RuntimeNode> nodes = runtime.nodes(Deadline.in(Duration.ofSeconds(10)));

        assertThat(nodes).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
            assertThat(n.state()).isEqualTo(dev.raptor.core.node.NodeState.READY);
            assertThat(n.reason()).isNull();
            assertThat(n.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(n.memoryBytes()).isPositive();
        });
        assertThat(runtime.portNode(game().build())).as("one machine: every server shares its ports").isNull();
    }

    @Test
    void aSpecWithoutAStartupCommandIsRefusedWithTheReason() {
        ServerSpec spec = ServerSpec.builder("raptor-test/gameserver:1").name("image-only").build();

        List<FieldError> problems = runtime.check(spec);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("startup");
            assertThat(p.message()).contains("process runtime needs a startup command");
        });
        assertThatThrownBy(() -> create(spec)).isInstanceOf(EngineException.Rejected.class);
    }

    @Test
    void whatTheProcessRuntimeCannotDoIsRefusedNotIgnored() {
        ServerSpec spec = game()
                .allocation(new Allocation("127.0.0.1", TestHost.freePort(), 30000, Protocol.UDP, false))
                .mount(Mount.readOnly("/srv/maps", "/maps"))
                .extraHost("db", "10.0.0.5")
                .build();

        assertThat(runtime.check(spec)).extracting(FieldError::field)
                .containsExactlyInAnyOrder("mounts[0]", "extraHosts", "allocations[1].containerPort");
    }

    @Test
    void infoNamesTheKernelTheCgroupsAndTheServerUser() {
        RuntimeInfo info = runtime.info(soon());

        assertThat(info.runtime()).isEqualTo("process");
        assertThat(info.engineVersion()).as("the engine is Raptor's own supervisor, not the kernel").isEqualTo("dev");
        assertThat(info.details()).containsEntry("kernel", System.getProperty("os.version"));
        assertThat(info.details()).containsKeys("cgroupVersion", "cgroups", "user", "stateDir");
        assertThat(info.details().get("user")).startsWith(ProcessRuntimeConfig.DEFAULT_SERVER_USER);
        assertThat(info.warnings()).anyMatch(w -> w.contains("disk quotas"));
    }

    @Test
    void createWritesARecordLabelledWithTheServerAndItsSpecHash() {
        ServerSpec spec = game().label("game", "test").build();

        ContainerInfo c = create(spec);

        assertThat(c.status()).isEqualTo(ContainerStatus.CREATED);
        assertThat(c.ref().name()).isEqualTo(RuntimeLabels.containerName(spec.id()));
        assertThat(c.specHash()).isEqualTo(SpecHash.of(spec));
        assertThat(c.labels()).containsEntry(RuntimeLabels.SERVER, spec.id().toString()).containsEntry("game", "test");
        assertThat(runtime.find(spec.id(), soon())).extracting(i -> i.ref().id()).containsExactly(c.ref().id());
        assertThat(runtime.listOwned(soon())).extracting(i -> i.ref().id()).contains(c.ref().id());
        assertThat(Files.isRegularFile(tmp.resolve("process").resolve(spec.id().toString()).resolve("container.properties"))).isTrue();
    }

    @Test
    void creatingTwiceIsAConflict() {
        ServerSpec spec = game().build();
        create(spec);

        assertThatThrownBy(() -> create(spec)).isInstanceOf(EngineException.Conflict.class);
    }

    @Test
    void missingAndStaleContainersAreNotFound() {
        ContainerInfo c = create(game().build());
        ContainerRef stale = new ContainerRef("ffffffffffffffff", c.ref().name(), c.serverId());

        assertThatThrownBy(() -> runtime.inspect(missing(), soon())).isInstanceOf(EngineException.NotFound.class);
        assertThatThrownBy(() -> runtime.kill(missing(), soon())).isInstanceOf(EngineException.NotFound.class);
        assertThatThrownBy(() -> runtime.remove(missing(), soon())).isInstanceOf(EngineException.NotFound.class);
        assertThatThrownBy(() -> runtime.remove(stale, soon())).isInstanceOf(EngineException.NotFound.class);
        assertThat(runtime.find(c.serverId(), soon())).hasSize(1);
    }

    @Test
    void removingDeletesTheRecordButNeverTheDataDirectory() throws Exception {
        Console console = booted(game().build());
        Path data = tmp.resolve("volumes").resolve(console.ref().serverId().toString());
        Files.writeString(data.resolve("world.dat"), "precious");

        runtime.remove(console.ref(), soon());

        assertThat(runtime.find(console.ref().serverId(), soon())).isEmpty();
        assertThat(Files.exists(tmp.resolve("process").resolve(console.ref().serverId().toString()))).isFalse();
        assertThat(data.resolve("world.dat")).hasContent("precious");
    }

    // ------------------------------------------------------------------ how a server runs

    @Test
    void theServerRunsAsTheUnprivilegedUserInItsDataDirectoryWithItsEnvironment() throws Exception {
        ServerSpec spec = ServerSpec.builder().name("env").startup("echo \"uid=$(id -u) pwd=$(pwd) port=$SERVER_PORT motd=$MOTD\"; exec sleep 600")
                .port("127.0.0.1", 31999).env("MOTD", "hi there").build();
        ContainerRef ref = started(spec);
        Path data = tmp.resolve("volumes").resolve(spec.id().toString());
        int serverUid = ServerUser.lookup(ProcessRuntimeConfig.DEFAULT_SERVER_USER).orElseThrow()[0];

        Console console = follow(ref);

        console.awaitLine("uid=" + serverUid + " pwd=" + data + " port=31999 motd=hi there");
        assertThat(serverUid).isNotZero();
        assertThat((Integer) Files.getAttribute(data, "unix:uid")).as("the data directory belongs to the server user").isEqualTo(serverUid);
    }

    @Test
    void theServerListensOnItsAllocatedPort() throws Exception {
        ServerSpec spec = game().build();
        booted(spec);
        int port = spec.primaryAllocation().orElseThrow().port();

        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout((int) PATIENCE.toMillis()); // busybox nc starts a shell per connection to greet: slow under load
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).startsWith("raptor-test-gameserver");
        }
    }

    @Test
    void startingARunningContainerIsANoOp() throws Exception {
        Console console = booted(game().build());
        long pid = runtime.mainPid(console.ref()).orElseThrow();

        runtime.start(console.ref(), soon());

        assertThat(runtime.inspect(console.ref(), soon()).status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(runtime.mainPid(console.ref())).hasValue(pid);
    }

    @Test
    void killingOrSignallingAStoppedContainerIsANoOp() {
        ContainerRef ref = create(game().build()).ref();

        runtime.kill(ref, soon());
        runtime.signal(ref, "SIGTERM", soon());

        assertThat(runtime.inspect(ref, soon()).status()).isEqualTo(ContainerStatus.CREATED);
    }

    @Test
    void sigtermEndsANormalServerWithExitCodeZero() {
        Console console = booted(game().build());

        runtime.signal(console.ref(), "TERM", soon());

        assertThat(runtime.awaitExit(console.ref(), soon())).contains(0);
        ContainerInfo after = runtime.inspect(console.ref(), soon());
        assertThat(after.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(after.exitCode()).isZero();
        assertThat(after.finishedAt()).isAfterOrEqualTo(after.startedAt());
        assertThat(after.oomKilled()).isFalse();
    }

    @Test
    void aServerIgnoringStopSurvivesSigtermButNotKill() {
        Console console = booted(game().env("IGNORE_STOP", "1").build());

        runtime.signal(console.ref(), "SIGTERM", soon());
        console.awaitLine("[Server] SIGTERM ignored (IGNORE_STOP=1)");
        assertThat(runtime.awaitExit(console.ref(), Deadline.in(Duration.ofSeconds(1)))).isEmpty();

        runtime.kill(console.ref(), soon());
        assertThat(runtime.awaitExit(console.ref(), soon())).contains(137);
    }

    @Test
    void anUnknownSignalIsRejected() {
        Console console = booted(game().build());

        assertThatThrownBy(() -> runtime.signal(console.ref(), "SIGBOGUS", soon())).isInstanceOf(EngineException.Rejected.class);
    }

    @Test
    void aCrashIsReportedWithItsExitCode() {
        Console console = booted(game().build());

        runtime.sendInput(console.ref(), "crash", soon());

        assertThat(runtime.awaitExit(console.ref(), soon())).contains(1);
        assertThat(runtime.inspect(console.ref(), soon()).exitCode()).isEqualTo(1);
    }

    @Test
    void aProgramThatDoesNotExistExitsWith127AndSaysSoOnTheConsole() throws Exception {
        ContainerRef ref = started(shell("/nonexistent/raptor-no-such-program"));

        assertThat(runtime.awaitExit(ref, soon())).contains(127);
        assertThat(texts(history(runtime, ref, LogRequest.history(-1)))).anyMatch(t -> t.contains("/nonexistent/raptor-no-such-program"));
    }

    @Test
    void awaitExitIsEmptyWhileTheServerKeepsRunning() {
        Console console = booted(game().build());

        assertThat(runtime.awaitExit(console.ref(), Deadline.in(Duration.ofMillis(500)))).isEmpty();
    }

    @Test
    void awaitExitOfAContainerWhoseRecordWentAwayDuringTheWaitIsNotFound() throws Exception {
        ContainerRef ref = started(shell("exec sleep 1000"));
        RecordFiles moved = new RecordFiles(tmp.resolve("moved-record"));
        CompletableFuture<Optional<Integer>> exit = waitingForTheExit(ref);

        Files.move(recordOf(ref).dir(), moved.dir()); // the run goes on, its record is gone: no exit is ever written there

        try {
            assertThatThrownBy(() -> exit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(EngineException.NotFound.class);
        } finally {
            Files.move(moved.dir(), recordOf(ref).dir());
            runtime.remove(ref, soon());
        }
    }

    @Test
    void awaitExitOfAContainerReplacedDuringTheWaitIsNotFoundNotTheNewContainersState() throws Exception {
        ServerSpec spec = shell("exec sleep 1000");
        ContainerRef first = started(spec);
        RecordFiles moved = new RecordFiles(tmp.resolve("moved-record"));
        CompletableFuture<Optional<Integer>> exit = waitingForTheExit(first);

        Files.move(recordOf(first).dir(), moved.dir());
        ContainerRef second = create(spec).ref(); // same server, same record path: another container, not running

        try {
            assertThatThrownBy(() -> exit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(EngineException.NotFound.class);
        } finally {
            RunKiller.kill(moved, RunFacts.observe(moved), ServerCgroup.NONE, soon());
            runtime.remove(second, soon());
        }
    }

    private RecordFiles recordOf(ContainerRef ref) {
        return new RecordFiles(tmp.resolve("process").resolve(ref.serverId().toString()));
    }

    /** awaitExit on a thread of its own, once it is past its first look (pausing before the next: the server runs). */
    private CompletableFuture<Optional<Integer>> waitingForTheExit(ContainerRef ref) {
        CompletableFuture<Optional<Integer>> exit = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                exit.complete(runtime.awaitExit(ref, soon()));
            } catch (RuntimeException e) {
                exit.completeExceptionally(e);
            }
        });
        await().atMost(PATIENCE).until(() -> waiter.getState() == Thread.State.TIMED_WAITING || exit.isDone());
        assertThat(exit).as("still waiting: the server runs").isNotDone();
        return exit;
    }

    @Test
    void aContainerCanRunAgainAfterItExited() {
        Console first = booted(game().build());
        runtime.sendInput(first.ref(), "stop", soon());
        assertThat(runtime.awaitExit(first.ref(), soon())).contains(0);
        Instant firstStart = runtime.inspect(first.ref(), soon()).startedAt();

        runtime.start(first.ref(), soon());

        ContainerInfo again = runtime.inspect(first.ref(), soon());
        assertThat(again.status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(again.startedAt()).isAfter(firstStart);
        assertThat(again.exitCode()).isNull();
    }

    // ------------------------------------------------------------------ console

    @Test
    void inputToAServerThatIsNotRunningIsAConflict() {
        ContainerRef ref = create(game().build()).ref();

        assertThatThrownBy(() -> runtime.sendInput(ref, "say hi", soon())).isInstanceOf(EngineException.Conflict.class);
    }

    @Test
    void consoleLinesArriveCompleteAndInOrder() {
        Console console = booted(game().build());
        List<String> expected = new ArrayList<>();

        for (int i = 0; i < 100; i++) {
            runtime.sendInput(console.ref(), "say line " + i, soon());
            expected.add("[Server] line " + i);
        }

        console.awaitLine("[Server] line 99");
        assertThat(console.texts().stream().filter(t -> t.startsWith("[Server] line ")).toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void stdoutAndStderrLinesKeepTheirStream() throws Exception {
        ContainerRef ref = started(shell("echo to-stdout; echo to-stderr >&2"));
        runtime.awaitExit(ref, soon());

        List<LogLine> lines = history(runtime, ref, LogRequest.history(-1));

        assertThat(lines).anySatisfy(l -> {
            assertThat(l.text()).isEqualTo("to-stdout");
            assertThat(l.stream()).isEqualTo(LogLine.Stream.STDOUT);
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.text()).isEqualTo("to-stderr");
            assertThat(l.stream()).isEqualTo(LogLine.Stream.STDERR);
        });
    }

    @Test
    void linesOfStdoutAndStderrWrittenAtOnceStayWholeAndInOrderPerStream() throws Exception {
        ContainerRef ref = started(shell("i=0; while [ $i -lt 2000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done"));
        assertThat(runtime.awaitExit(ref, soon())).contains(0);

        List<LogLine> lines = history(runtime, ref, LogRequest.history(-1));

        List<String> out = lines.stream().filter(l -> l.stream() == LogLine.Stream.STDOUT).map(LogLine::text).toList();
        List<String> err = lines.stream().filter(l -> l.stream() == LogLine.Stream.STDERR).map(LogLine::text).toList();
        assertThat(out).hasSize(2000).allMatch(t -> t.matches("out\\d+"));
        assertThat(err).hasSize(2000).allMatch(t -> t.matches("err\\d+"));
        assertThat(out.getLast()).isEqualTo("out1999");
        assertThat(err.getLast()).isEqualTo("err1999");
    }

    @Test
    void eachRunKeepsItsOwnLogFilesAndHistorySpansTheRunsInOrder() throws Exception {
        ContainerRef ref = started(shell("echo \"run at $(date +%s%N)\""));
        assertThat(runtime.awaitExit(ref, soon())).contains(0);
        runtime.start(ref, soon());
        assertThat(runtime.awaitExit(ref, soon())).contains(0);

        List<String> texts = texts(history(runtime, ref, LogRequest.history(-1)));

        assertThat(texts).hasSize(2).allMatch(t -> t.startsWith("run at "));
        assertThat(Long.parseLong(texts.get(0).substring(7))).isLessThan(Long.parseLong(texts.get(1).substring(7)));
        List<RecordFiles.LogFile> files = new RecordFiles(tmp.resolve("process").resolve(ref.serverId().toString())).logFiles();
        assertThat(files).extracting(RecordFiles.LogFile::run).containsExactly(1L, 2L);
    }

    @Test
    void linesAreStampedWhenTheServerWroteThemAndSinceFiltersExactly() throws Exception {
        Console console = booted(game().build());
        runtime.sendInput(console.ref(), "say before", soon());
        console.awaitLine("[Server] before");
        Thread.sleep(50); // deliberate: stamps have 10 ms resolution, so let time pass to put the boundary clearly after "before"
        Instant boundary = Instant.now();
        Thread.sleep(50); // deliberate: and clearly before "after"
        runtime.sendInput(console.ref(), "say after", soon());
        console.awaitLine("[Server] after");

        List<LogLine> since = history(runtime, console.ref(), new LogRequest(-1, false, boundary));

        assertThat(texts(since)).containsExactly("[Server] after");
        LogLine after = since.getFirst();
        assertThat(after.at()).isAfterOrEqualTo(boundary).isBefore(Instant.now().plusMillis(1));
        LogLine before = console.lines().stream().filter(l -> l.text().equals("[Server] before")).findFirst().orElseThrow();
        assertThat(before.at()).isBefore(boundary);
        assertThat(runtime.inspect(console.ref(), soon()).startedAt()).isBeforeOrEqualTo(console.lines().getFirst().at());
    }

    @Test
    void historyHonoursTail() throws Exception {
        Console console = booted(game().build());
        for (int i = 0; i < 5; i++) {
            runtime.sendInput(console.ref(), "say n" + i, soon());
        }
        console.awaitLine("[Server] n4");

        assertThat(texts(history(runtime, console.ref(), LogRequest.history(2)))).containsExactly("[Server] n3", "[Server] n4");
        assertThat(history(runtime, console.ref(), LogRequest.history(0))).isEmpty();
    }

    @Test
    void followingEndsWhenTheServerExitsWithItsLastLines() throws Exception {
        Console console = booted(game().build());

        runtime.sendInput(console.ref(), "stop", soon());

        assertThat(console.awaitEnd(PATIENCE)).as("the follow ends with the run").isTrue();
        assertThat(console.texts()).endsWith("Stopping server");
        assertThat(console.isOpen()).isFalse();
    }

    @Test
    void closingAFollowEndsItsThread() throws Exception {
        Console console = booted(game().build());

        console.close();

        assertThat(console.isOpen()).isFalse();
        assertThat(console.awaitEnd(PATIENCE)).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("logs-" + console.ref().serverId()));
    }

    // ------------------------------------------------------------------ adoption

    @Test
    void anotherRuntimeOverTheSameStateDirectoryAdoptsARunningServerAndItsConsole() {
        Console console = booted(game().build());
        long pid = runtime.mainPid(console.ref()).orElseThrow();

        ProcessRuntime next = reopen();

        ContainerInfo seen = next.find(console.ref().serverId(), soon()).getFirst();
        assertThat(seen.status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(next.mainPid(seen.ref())).hasValue(pid);
        next.sendInput(seen.ref(), "say adopted", soon());
        console.awaitLine("[Server] adopted");
    }

    /**
     * The supervisor announces the server (main.pid) before itself (supervisor.pid), so that its own slow read of
     * /proc stays off the start's path: a run in that moment, seen by another daemon long after the spawn's grace,
     * is running, known by its main process, and can be killed.
     */
    @Test
    void aRunAnnouncedOnlyByItsMainProcessIsRunningAndCanBeKilled() throws Exception {
        ContainerRef ref = started(shell("exec sleep 600"));
        long pid = runtime.mainPid(ref).orElseThrow();
        Path record = tmp.resolve("process").resolve(ref.serverId().toString());
        // the supervisor writes supervisor.pid after main.pid (which the start waited for): taken away once it is there
        await().atMost(PATIENCE).until(() -> Files.exists(record.resolve("supervisor.pid")));
        Files.delete(record.resolve("supervisor.pid"));
        Instant longAgo = Instant.now().minus(RunFacts.SPAWN_GRACE.multipliedBy(2));
        Files.writeString(record.resolve("started"), longAgo.toEpochMilli() + "\n");

        ProcessRuntime next = reopen();

        ContainerInfo seen = next.inspect(ref, soon());
        assertThat(seen.status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(next.mainPid(ref)).hasValue(pid);
        next.kill(ref, soon());
        assertThat(next.awaitExit(ref, soon())).contains(137);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aReusedPidIsNeverTakenForTheServer() throws Exception {
        ContainerRef ref = started(shell("exec sleep 600"));
        long pid = runtime.mainPid(ref).orElseThrow();
        runtime.kill(ref, soon());
        assertThat(runtime.awaitExit(ref, soon())).contains(137);
        Path record = tmp.resolve("process").resolve(ref.serverId().toString());
        // Forge what a reused pid looks like: the pid files name live processes (this JVM) with other start times.
        long live = ProcessHandle.current().pid();
        Files.writeString(record.resolve("main.pid"), live + " 1\n");
        Files.writeString(record.resolve("supervisor.pid"), live + " 2\n");
        Files.delete(record.resolve("exit"));

        ContainerInfo info = reopen().inspect(ref, soon());

        assertThat(info.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(info.exitCode()).isEqualTo(RunFacts.LOST);
        assertThat(pid).isNotEqualTo(live);
        runtime.kill(ref, soon()); // must not touch this JVM
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void aRemovalCutShortByADaemonCrashIsFinishedByTheNextRuntime() throws Exception {
        ContainerRef ref = started(shell("exec sleep 600"));
        long pid = runtime.mainPid(ref).orElseThrow();
        Path process = tmp.resolve("process");
        RecordFiles record = recordOf(ref);
        // the supervisor writes its pid beside the server's start, not before it
        ProcessId supervisor = await().atMost(PATIENCE).until(() -> ProcessId.read(record.supervisorPid()).orElse(null),
                java.util.Objects::nonNull);
        // What remove leaves when the daemon dies right after moving the record aside.
        Files.move(record.dir(), process.resolve(".trash").resolve(ref.serverId() + "-" + ref.id()));

        reopen();

        // Over when the next runtime is open: the killed server reaped (a zombie still counts as alive) by its
        // supervisor, which has ended too and so writes nothing any more where a new record of the server may be made.
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(supervisor.alive()).as("the leftover run's supervisor").isFalse();
        try (var left = Files.list(process.resolve(".trash"))) {
            assertThat(left).isEmpty();
        }
    }

    // ------------------------------------------------------------------ stats

    @Test
    void statsReportMemoryCpuAndProcesses() {
        ContainerRef ref = started(shell("while :; do :; done"));
        List<StatsSample> samples = new CopyOnWriteArrayList<>();

        Subscription stats = runtime.stats(ref, samples::add);
        try {
            await().atMost(PATIENCE).until(() -> samples.size() >= 2);
        } finally {
            stats.close();
        }

        StatsSample last = samples.getLast();
        assertThat(last.serverId()).isEqualTo(ref.serverId());
        assertThat(last.memoryBytes()).isPositive();
        assertThat(last.memoryLimitBytes()).isPositive();
        assertThat(last.pids()).isPositive();
        assertThat(samples).anySatisfy(s -> assertThat(s.cpuAbsolute()).as("a busy loop uses CPU").isGreaterThan(10));
    }

    @Test
    void aOneShotReadingHasMemoryProcessesAndTheCpuTimeThatGrowsWhileBusy() {
        ContainerRef ref = started(shell("while :; do :; done"));

        StatsReading first = runtime.readStats(ref, Deadline.in(PATIENCE)).orElseThrow();
        assertThat(first.sample().serverId()).isEqualTo(ref.serverId());
        assertThat(first.sample().memoryBytes()).isPositive();
        assertThat(first.sample().pids()).isPositive();
        assertThat(first.knowsCpuTime()).isTrue();
        await().atMost(PATIENCE).until(() -> runtime.readStats(ref, Deadline.in(PATIENCE)).orElseThrow().cpuTotalNanos()
                > first.cpuTotalNanos());
    }
}
