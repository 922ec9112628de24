package dev.raptor.process;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.BindProbe;
import dev.raptor.core.allocation.HostPorts;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.exec.ExecListener;
import dev.raptor.core.exec.ExecRequest;
import dev.raptor.core.exec.ExecResult;
import dev.raptor.core.exec.ExecSession;
import dev.raptor.core.image.CommitRequest;
import dev.raptor.core.image.ImageInfo;
import dev.raptor.core.image.PullProgress;
import dev.raptor.core.messaging.MessageSocketPaths;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.network.NetworkSpec;
import dev.raptor.core.runtime.ContainerHealth;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.ContainerStatus;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.RuntimeInfo;
import dev.raptor.core.runtime.RuntimeLabels;
import dev.raptor.core.runtime.SpecHash;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link ContainerRuntime} as supervised local processes: the embedded default when no container engine
 * is reachable. A "container" is a record directory per server under the state directory (see
 * {@link RecordFiles} for the layout); a run of it is a small POSIX-sh supervisor (supervisor.sh) in a
 * session of its own that starts {@code /bin/sh -c <startup>} in the server's data directory, as the
 * server user, in the server's cgroup, and records its pid, start time and exit status. Everything the
 * runtime knows it reads back from that directory and /proc, so a daemon restarted over the same state
 * directory finds its servers still running and adopts them: pid plus process start time, so a reused pid
 * is never taken for a server.
 *
 * <ul>
 *   <li><b>Console input</b>: a FIFO the supervisor holds open; any daemon writes a line, non-blocking
 *       ({@link StdinFifo}).</li>
 *   <li><b>Console output</b>: stamped per line by the supervisor's awk taggers when it was written, in
 *       rotated files (by default 3 x 10 MiB) that {@code logs} reads and follows ({@link ConsoleLog}).</li>
 *   <li><b>Signals</b> go to the server's process group; {@code kill} SIGKILLs its cgroup, process tree,
 *       session and group ({@link RunKiller}).</li>
 *   <li><b>Limits</b>: memory, swap, CPU quota and process count through a cgroup per server (v2 or v1),
 *       CPU pinning with taskset. Where no cgroup can be made servers run unlimited, and {@link #info}
 *       says so. Disk quotas and IO weight are not enforced.</li>
 *   <li><b>Ports</b> cannot be mapped: the server binds its allocation's port itself ({@code SERVER_PORT}).</li>
 *   <li><b>Exec</b>: a command runs as the server runs, beside it ({@link ServerCommand}: its user, data directory,
 *       environment and cgroup), on a pseudo-terminal of its own when interactive ({@link ProcessExecSession}).</li>
 *   <li><b>Health checks</b> run here, as the engine runs them for Docker ({@link HealthChecks}).</li>
 *   <li><b>Images and networks</b> do not exist here: those verbs answer {@code NotSupported}.</li>
 * </ul>
 *
 * <p>One runtime per state directory at a time (the daemon's data-directory lock sees to that). Thread-safe.
 */
public final class ProcessRuntime implements ContainerRuntime {
    /** How often awaitExit looks at the record while it waits, at most (it looks more often at first: {@link PollBackoff}). */
    private static final long EXIT_POLL_MILLIS = 10;
    /** How often a start looks for the supervisor's main.pid, at most. */
    private static final long START_POLL_MILLIS = 5;
    /**
     * How long a start looks for main.pid every millisecond before the pauses grow: the supervisor writes it some
     * 10 to 30 ms after its spawn on 2 cores, where a pause grown to 5 ms would see it up to 5 ms late.
     */
    private static final long START_DENSE_MILLIS = 30;
    /** How long a wait for an exit looks every millisecond first: a signalled server's exit is recorded within a few. */
    private static final long EXIT_DENSE_MILLIS = 20;
    /** How long a signal waits for a just-started server's command to run before it is sent again (see resendOnceStarted). */
    private static final Duration SIGNAL_RESEND_PATIENCE = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final String API_VERSION = "1";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final ProcessRuntimeConfig config;
    private final StateDirectory state;
    private final HostTools tools;
    private final ServerUser user;
    private final Cgroups cgroups;
    private final Supervisor supervisor;
    private final List<String> warnings;
    private final int unprivilegedPortStart;
    /** Serialises create, start and remove of one server (a start must never spawn two supervisors). Never held past a deadline. */
    private final Map<UUID, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Set<ThreadSubscription<?>> subscriptions = ConcurrentHashMap.newKeySet();
    private final HealthChecks healthChecks;
    private volatile boolean closed;

    private ProcessRuntime(ProcessRuntimeConfig config, StateDirectory state, HostTools tools, ServerUser user, Cgroups cgroups) {
        this.config = config;
        this.state = state;
        this.tools = tools;
        this.user = user;
        this.cgroups = cgroups;
        this.supervisor = new Supervisor(tools, user, config.logFileBytes(), config.logFiles());
        List<String> w = new ArrayList<>(user.warnings());
        w.addAll(cgroups.warnings());
        if (tools.taskset() == null) {
            w.add("taskset is missing: servers with limits.threads (CPU pinning) are refused");
        }
        w.add("the process runtime does not enforce disk quotas (diskMiB) or block-IO weight (ioWeight)");
        this.warnings = List.copyOf(w);
        this.unprivilegedPortStart = unprivilegedPortStart();
        this.healthChecks = new HealthChecks(state, () -> {
            try {
                return state.servers();
            } catch (IOException e) {
                return List.of();
            }
        }, (record, request) -> runBeside(record, request, Deadline.in(request.timeout().plusSeconds(15))));
    }

    /** Runs install scripts on this host as this runtime's server user ({@code /bin/sh} in the server's data directory). */
    public ProcessInstaller installer() {
        return new ProcessInstaller(tools, user);
    }

    /**
     * Opens the runtime over {@code config.stateDir()}: finds the host's tools, the server user (creating
     * it if needed) and the cgroup setup, and finishes removals an earlier daemon left half done. Servers
     * already running are left alone; {@link #listOwned} reports them.
     *
     * @throws EngineException.Unavailable when this host cannot run servers this way (a required program is missing)
     */
    public static ProcessRuntime open(ProcessRuntimeConfig config) {
        Objects.requireNonNull(config, "config");
        try {
            HostTools tools = HostTools.find();
            StateDirectory state = new StateDirectory(config.stateDir());
            ServerUser user = ServerUser.resolve(config.serverUser(), tools);
            Cgroups cgroups = Cgroups.detect(config.cgroupParent());
            ProcessRuntime runtime = new ProcessRuntime(config, state, tools, user, cgroups);
            runtime.finishLeftovers();
            runtime.healthChecks.start();
            log.debug("process runtime over {}: servers run as {} ({}), cgroups {}", config.stateDir(), user, user.origin(), cgroups.describe());
            for (String w : runtime.warnings) {
                log.warn("process runtime: {}", w);
            }
            return runtime;
        } catch (IOException | IllegalStateException e) {
            throw new EngineException.Unavailable(null, "open", "the process runtime cannot run on this host: " + e.getMessage(), e);
        }
    }

    /** Removals interrupted by a crash ({@code .trash}) and half-made records ({@code .new-*}). */
    private void finishLeftovers() {
        state.deleteUnfinished();
        for (RecordFiles trashed : state.trashed()) {
            Optional<UUID> server = StateDirectory.serverOfTrashed(trashed);
            boolean replaced = server.isPresent() && Files.exists(state.record(server.get()).dir());
            ServerCgroup cgroup = server.isEmpty() || replaced ? ServerCgroup.NONE : cgroups.of(server.get());
            RunFacts facts = RunFacts.observe(trashed);
            if (facts.running()) {
                Deadline deadline = Deadline.inSeconds(10);
                RunKiller.kill(trashed, facts, cgroup, deadline);
                // As remove does: the run is over once its supervisor has reaped the server and ended, not when the
                // kill is sent. Until then the killed server lingers as a zombie, and the supervisor may still
                // write into the record's old path, where a new record of the same server may be made next.
                awaitSupervisorExit(trashed, deadline);
            }
            cgroup.remove(Deadline.inSeconds(10));
            StateDirectory.deleteTree(trashed.dir());
            log.info("finished removing {}", trashed.dir().getFileName());
        }
    }

    @Override
    public String name() {
        return "process";
    }

    /**
     * Why the server user could not reach a data directory under {@code volumesRoot} (a directory above it that
     * does not let that user pass), or empty when it can. Said at boot so that the first start does not have to.
     */
    public Optional<String> unreachable(Path volumesRoot) {
        try {
            return Optional.ofNullable(ServerDataDir.unreachable(volumesRoot, "the servers' data directories in " + volumesRoot, user));
        } catch (IOException e) {
            return Optional.of("cannot check " + volumesRoot + ": " + e.getMessage());
        }
    }

    /** How a fleet on this runtime checks host ports: on this machine's sockets, where its servers bind them themselves. */
    public HostPorts hostPorts() {
        return new BindProbe(Set.of());
    }

    /** The state directory this runtime keeps its records in. */
    public Path stateDir() {
        return config.stateDir();
    }

    // ------------------------------------------------------------------ specs

    @Override
    public List<FieldError> check(ServerSpec spec) {
        Problems p = new Problems();
        p.check(spec.startup() != null, "startup", "the process runtime needs a startup command: it runs it with /bin/sh -c in "
                + "the server's data directory (it has no container engine to run an image with)");
        for (int i = 0; i < spec.mounts().size(); i++) {
            p.add("mounts[" + i + "]", "the process runtime has no filesystem namespace and cannot mount anything; "
                    + "put the files in the server's data directory");
        }
        p.check(spec.extraHosts().isEmpty(), "extraHosts", "the process runtime shares the host's /etc/hosts and cannot add entries per server");
        p.check(spec.networks().isEmpty(), "networks", "the process runtime has no networks of its own: servers share the host's "
                + "network and reach each other on its addresses");
        for (int i = 0; i < spec.allocations().size(); i++) {
            Allocation a = spec.allocations().get(i);
            p.check(a.containerPort() == a.port(), "allocations[" + i + "].containerPort", "the process runtime cannot map ports: the server "
                    + "listens on its port itself, so containerPort must equal port (" + a.port() + ")");
            p.check(a.port() >= unprivilegedPortStart || user.uid() == 0, "allocations[" + i + "].port",
                    "servers run as the unprivileged user " + user.name() + ", which cannot bind ports below " + unprivilegedPortStart);
        }
        p.check(spec.limits().threads() == null || tools.taskset() != null, "limits.threads",
                "pinning to CPUs needs taskset (util-linux), which this host lacks");
        return p.list();
    }

    /** Servers run on the host's filesystem: a message socket is given by its host path. */
    @Override
    public boolean isolatesFiles() {
        return false;
    }

    @Override
    public RuntimeInfo info(Deadline deadline) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("kernel", kernelRelease());
        details.put("cgroupVersion", cgroups.version());
        details.put("cgroups", cgroups.describe());
        details.put("user", user.toString());
        details.put("userOrigin", user.origin());
        details.put("stateDir", config.stateDir().toString());
        details.put("awk", tools.awk().toString());
        details.put("logRotation", config.logFiles() + " x " + config.logFileBytes() + " bytes");
        // the "engine" is Raptor's own supervisor, so its version is Raptor's; the kernel is a detail, not the engine
        return new RuntimeInfo(name(), ownVersion(), API_VERSION, details, warnings);
    }

    // ------------------------------------------------------------------ finding

    @Override
    public List<ContainerInfo> listOwned(Deadline deadline) {
        List<ContainerInfo> out = new ArrayList<>();
        for (UUID server : servers("listOwned")) {
            if (deadline.expired()) {
                throw new EngineException.Timeout(null, "listOwned", "listing the records took longer than the deadline", null);
            }
            look(server).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public List<ContainerInfo> find(UUID serverId, Deadline deadline) {
        return look(serverId).map(List::of).orElse(List.of());
    }

    @Override
    public ContainerInfo inspect(ContainerRef ref, Deadline deadline) {
        ContainerRecord record = require(ref, "inspect");
        return info(record, RunFacts.observe(state.record(ref.serverId())));
    }

    private Optional<ContainerInfo> look(UUID server) {
        return state.read(server).map(r -> info(r, RunFacts.observe(state.record(server))));
    }

    private Map<UUID, ContainerInfo> lookAll() {
        Map<UUID, ContainerInfo> all = new LinkedHashMap<>();
        for (UUID server : servers("events")) {
            look(server).ifPresent(i -> all.put(server, i));
        }
        return all;
    }

    private List<UUID> servers(String operation) {
        try {
            return state.servers();
        } catch (IOException e) {
            throw new EngineException.Unavailable(null, operation, "cannot list " + config.stateDir() + ": " + e.getMessage(), e);
        }
    }

    private ContainerInfo info(ContainerRecord record, RunFacts facts) {
        boolean oom = facts.status() == ContainerStatus.EXITED && cgroups.of(record.serverId()).oomKills() > 0;
        ContainerHealth health = facts.running() && record.healthCheck() != null && facts.startedAt() != null
                ? HealthChecks.read(state.record(record.serverId()), facts.startedAt()) : ContainerHealth.NONE;
        return new ContainerInfo(record.ref(RuntimeLabels.containerName(record.serverId())), record.labels().get(RuntimeLabels.SPEC_HASH),
                facts.status(), facts.exitCode(), oom, facts.startedAt(), facts.finishedAt(),
                facts.startedAt(), // the supervisor stamps the start before the server runs, and every line as it is written
                record.labels(), health);
    }

    /** The record {@code ref} names; NotFound when the server has none or a newer one (the ref is stale). */
    private ContainerRecord require(ContainerRef ref, String operation) {
        Objects.requireNonNull(ref, "ref");
        ContainerRecord record = state.read(ref.serverId())
                .orElseThrow(() -> new EngineException.NotFound(ref.serverId(), operation, "no container " + ref.id(), null));
        if (!record.id().equals(ref.id())) {
            throw new EngineException.NotFound(ref.serverId(), operation, "no container " + ref.id() + " (the server's container is now "
                    + record.id() + ")", null);
        }
        return record;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public ContainerInfo create(ServerSpec spec, Path dataDir, Deadline deadline) {
        UUID id = spec.id();
        List<FieldError> problems = check(spec);
        if (!problems.isEmpty()) {
            throw new EngineException.Rejected(id, "create", "the spec cannot run on the process runtime: " + problems, null);
        }
        refuseIfRoot(id, "create");
        return locked(id, "create", deadline, () -> {
            if (Files.exists(state.record(id).dir())) {
                throw new EngineException.Conflict(id, "create", "the container " + RuntimeLabels.containerName(id) + " exists already", null);
            }
            Path data = dataDir.toAbsolutePath().normalize();
            prepareDataDir(id, "create", data, true, deadline);
            Map<String, String> labels = new LinkedHashMap<>(spec.labels());
            labels.put(RuntimeLabels.SERVER, id.toString());
            labels.put(RuntimeLabels.SPEC_HASH, SpecHash.of(spec));
            ContainerRecord record = new ContainerRecord(newContainerId(), id, Instant.now(), data, spec.startupCommand(),
                    environment(spec, data), labels, spec.limits(), spec.healthCheck());
            try {
                state.create(record);
            } catch (FileAlreadyExistsException e) {
                throw new EngineException.Conflict(id, "create", "the container " + RuntimeLabels.containerName(id) + " exists already", e);
            } catch (IOException e) {
                throw new EngineException.Unavailable(id, "create", "cannot write the record: " + e.getMessage(), e);
            }
            log.info("server={} created process container {}", id, record.id());
            return info(record, new RunFacts(ContainerStatus.CREATED, null, null, null, null, null));
        });
    }

    /** HOME is the data directory; PATH a standard one; then the spec's effective environment (which may override both). */
    private Map<String, String> environment(ServerSpec spec, Path dataDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", dataDir.toString());
        env.put("USER", user.name());
        env.put("LOGNAME", user.name());
        env.putAll(spec.effectiveEnvironment());
        if (spec.messaging()) {
            env.put(ServerSpec.MESSAGE_SOCKET_ENV, MessageSocketPaths.socket(MessageSocketPaths.directoryOf(dataDir, spec.id())).toString());
        }
        return env;
    }

    @Override
    public void start(ContainerRef ref, Deadline deadline) {
        UUID id = ref.serverId();
        refuseIfRoot(id, "start");
        locked(id, "start", deadline, () -> {
            ContainerRecord record = require(ref, "start");
            RecordFiles files = state.record(id);
            if (RunFacts.observe(files).running()) {
                return null;
            }
            prepareDataDir(id, "start", record.dataDir(), false, deadline);
            Supervisor.Launch launch;
            try {
                files.clearRun();
                List<Path> procs = cgroupFor(record, deadline);
                launch = supervisor.launch(files, record, procs);
            } catch (IOException e) {
                throw new EngineException.Unavailable(id, "start", e.getMessage(), e);
            }
            awaitMainProcess(id, files, launch, deadline);
            log.info("server={} started (supervisor pid {})", id, launch.supervisorPid());
            return null;
        });
    }

    /** A fresh cgroup with the record's limits; none when the host has none. Limits that cannot be applied refuse the start. */
    private List<Path> cgroupFor(ContainerRecord record, Deadline deadline) {
        ServerCgroup cgroup = cgroups.of(record.serverId());
        if (cgroups instanceof Cgroups.Unavailable) {
            return List.of();
        }
        try {
            return cgroup.create(record.limits(), deadline);
        } catch (IOException e) {
            Limits l = record.limits();
            if (l.memoryMiB() > 0 || l.cpuPercent() > 0 || l.pidsLimit() > 0) {
                throw new EngineException.Rejected(record.serverId(), "start", "cannot apply the server's limits: " + e.getMessage(), e);
            }
            log.warn("server={} cannot make its cgroup, running it without one: {}", record.serverId(), e.getMessage());
            return List.of();
        }
    }

    /** Waits until the supervisor has spawned the server (main.pid written) or recorded why not (exit). */
    private void awaitMainProcess(UUID id, RecordFiles files, Supervisor.Launch launch, Deadline deadline) {
        PollBackoff backoff = new PollBackoff(START_DENSE_MILLIS, START_POLL_MILLIS);
        // Taken once: each look then reads /proc/<pid>/stat once (ProcessHandle.of reads it too), and the handle's
        // start time keeps a reused pid from passing for the supervisor.
        Optional<ProcessHandle> spawnedSupervisor = ProcessHandle.of(launch.supervisorPid());
        while (!spawned(files)) {
            boolean supervisorAlive = spawnedSupervisor.map(ProcessHandle::isAlive).orElse(false);
            if (!supervisorAlive && !spawned(files)) {
                files.recordExitIfAbsent(RunFacts.LOST);
                log.warn("server={} the supervisor ended before starting the server; see {}", id, files.supervisorLog());
                return;
            }
            if (deadline.expired()) {
                throw new EngineException.Timeout(id, "start", "the supervisor did not start the server before the deadline", null);
            }
            backoff.pause(deadline.remainingMillis());
        }
    }

    /** Whether the supervisor has written the main process's pid or the run's exit (each whole). */
    private static boolean spawned(RecordFiles files) {
        return ProcessId.read(files.mainPid()).isPresent() || files.readExit().isPresent();
    }

    @Override
    public void sendInput(ContainerRef ref, String line, Deadline deadline) {
        UUID id = ref.serverId();
        require(ref, "sendInput");
        RecordFiles files = state.record(id);
        if (!RunFacts.observe(files).running()) {
            throw new EngineException.Conflict(id, "sendInput", "the server is not running", null);
        }
        try {
            StdinFifo.write(files.stdinPipe(), line, deadline);
        } catch (StdinFifo.NoReader e) {
            throw new EngineException.Conflict(id, "sendInput", "the server is not running (" + e.getMessage() + ")", e);
        } catch (StdinFifo.Full e) {
            throw new EngineException.Timeout(id, "sendInput", e.getMessage(), e);
        } catch (IOException e) {
            throw new EngineException.Unavailable(id, "sendInput", e.getMessage(), e);
        } catch (Pause.Interrupted e) {
            throw new EngineException.Timeout(id, "sendInput", "interrupted", e);
        }
    }

    @Override
    public void signal(ContainerRef ref, String signal, Deadline deadline) {
        UUID id = ref.serverId();
        require(ref, "signal");
        OptionalInt number = Signals.number(signal);
        if (number.isEmpty()) {
            throw new EngineException.Rejected(id, "signal", "unknown signal '" + signal + "'", null);
        }
        RunFacts facts = RunFacts.observe(state.record(id));
        if (!facts.running() || facts.main() == null || !facts.main().alive()) {
            return;
        }
        ProcessId main = facts.main();
        boolean beforeStartup = supervisor.beforeStartup(main.pid());
        int r = LibC.kill(-main.pid(), number.getAsInt());
        if (r == -LibC.ESRCH) {
            // main.pid is written just before the main process makes its own session (setsid, then the
            // startup command): a signal sent in between finds no group yet, and a stop right after a start
            // would be lost (then waited out for the whole stop timeout). Until then it is a single process,
            // and the process itself carries the signal into the session it is about to lead.
            r = LibC.kill(main.pid(), number.getAsInt());
        }
        if (r != 0 && r != -LibC.ESRCH) {
            throw new EngineException.Unavailable(id, "signal", "kill(-" + main.pid() + ", " + signal + ") failed (errno " + -r + ")", null);
        }
        if (beforeStartup) {
            resendOnceStarted(main, number.getAsInt(), deadline);
        }
    }

    /**
     * A signal sent before the server's startup command began either ended the process (it reached a step
     * that has the default disposition) or was swallowed by the server's shell, which traps signals so that
     * one sent to the group reaches the game rather than the shell. Waits (briefly: a shell whose script is
     * only builtins never begins a command) until the command has begun and, if the process still lives,
     * sends the signal again, so a stop right after a start is never lost.
     */
    private void resendOnceStarted(ProcessId main, int signal, Deadline deadline) {
        Deadline wait = deadline.atMost(SIGNAL_RESEND_PATIENCE);
        while (main.alive() && supervisor.beforeStartup(main.pid())) {
            if (wait.expired()) {
                return;
            }
            try {
                Pause.millis(2);
            } catch (Pause.Interrupted e) {
                return;
            }
        }
        if (main.alive()) {
            LibC.kill(-main.pid(), signal);
        }
    }

    @Override
    public void kill(ContainerRef ref, Deadline deadline) {
        UUID id = ref.serverId();
        require(ref, "kill");
        RecordFiles files = state.record(id);
        RunFacts facts = RunFacts.observe(files);
        if (!facts.running()) {
            return;
        }
        try {
            RunKiller.kill(files, facts, cgroups.of(id), deadline);
        } catch (Pause.Interrupted e) {
            throw new EngineException.Timeout(id, "kill", "interrupted", e);
        }
    }

    @Override
    public void remove(ContainerRef ref, Deadline deadline) {
        UUID id = ref.serverId();
        locked(id, "remove", deadline, () -> {
            require(ref, "remove");
            RecordFiles files = state.record(id);
            ServerCgroup cgroup = cgroups.of(id);
            RunFacts facts = RunFacts.observe(files);
            if (facts.running()) {
                RunKiller.kill(files, facts, cgroup, deadline);
                awaitSupervisorExit(files, deadline);
            }
            Optional<RecordFiles> trashed;
            try {
                trashed = state.trash(id, ref.id());
            } catch (IOException e) {
                throw new EngineException.Unavailable(id, "remove", "cannot move the record aside: " + e.getMessage(), e);
            }
            if (trashed.isEmpty()) {
                throw new EngineException.NotFound(id, "remove", "no container " + ref.id(), null);
            }
            if (!cgroup.remove(deadline)) {
                log.warn("server={} its cgroup could not be removed before the deadline; the next start retries", id);
            }
            StateDirectory.deleteTree(trashed.get().dir());
            log.info("server={} removed process container {}", id, ref.id());
            return null;
        });
    }

    private void awaitSupervisorExit(RecordFiles files, Deadline deadline) {
        Deadline wait = deadline.atMost(Duration.ofSeconds(5));
        PollBackoff backoff = new PollBackoff(EXIT_DENSE_MILLIS, EXIT_POLL_MILLIS);
        while (!wait.expired()) {
            RunFacts facts = RunFacts.observe(files);
            boolean supervisorAlive = facts.supervisor() != null && facts.supervisor().alive();
            if (!supervisorAlive) {
                return;
            }
            backoff.pause(wait.remainingMillis());
        }
    }

    @Override
    public Optional<Integer> awaitExit(ContainerRef ref, Deadline deadline) {
        UUID id = ref.serverId();
        RecordFiles files = state.record(id);
        // A look is a few small file reads: a signalled server usually ends within milliseconds, so the wait looks
        // every millisecond at first, then further apart up to EXIT_POLL_MILLIS. The record is read and checked against
        // the ref once; each look then only checks that its directory is still the same one (a stat, where reading the
        // record was a third of a look's work), so a container removed or replaced meanwhile is NotFound as before.
        Object record = files.identity(); // before the check: a record replaced in between fails the check
        require(ref, "awaitExit");
        PollBackoff backoff = new PollBackoff(EXIT_DENSE_MILLIS, EXIT_POLL_MILLIS);
        try {
            while (true) {
                RunFacts facts = RunFacts.observe(files);
                if (!Objects.equals(record, files.identity())) {
                    require(ref, "awaitExit");
                }
                if (!facts.running()) {
                    return Optional.of(facts.exitCode() == null ? 0 : facts.exitCode());
                }
                if (deadline.expired()) {
                    return Optional.empty();
                }
                backoff.pause(deadline.remainingMillis());
            }
        } catch (Pause.Interrupted e) {
            throw new EngineException.Timeout(id, "awaitExit", "interrupted", e);
        }
    }

    // ------------------------------------------------------------------ exec

    @Override
    public ExecResult exec(ContainerRef ref, ExecRequest request, Deadline deadline) {
        Objects.requireNonNull(request, "request");
        return runBeside(runningRecord(ref, "exec"), request, deadline);
    }

    /** Runs {@code request} beside the server of {@code record} ({@link ServerCommand}) to its end. */
    private ExecResult runBeside(ContainerRecord record, ExecRequest request, Deadline deadline) {
        UUID id = record.serverId();
        ProcessBuilder pb = ServerCommand.of(tools, user, record, cgroups.of(id).joinFiles(), request, false);
        try {
            return CommandRun.run(pb, request.timeout(), deadline, request.maxOutputBytes());
        } catch (IOException e) {
            throw new EngineException.Rejected(id, "exec", "cannot start " + request.commandLine() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException.Timeout(id, "exec", "interrupted", e);
        }
    }

    @Override
    public ExecSession execInteractive(ContainerRef ref, ExecRequest request, ExecListener listener, Deadline deadline) {
        Objects.requireNonNull(listener, "listener");
        ContainerRecord record = runningRecord(ref, "execInteractive");
        ProcessBuilder pb = ServerCommand.of(tools, user, record, cgroups.of(ref.serverId()).joinFiles(), request, request.tty());
        try {
            return request.tty()
                    ? ProcessExecSession.onTerminal(pb, listener, user.dropsPrivileges() ? user.uid() : -1, user.gid())
                    : ProcessExecSession.onPipes(pb, listener);
        } catch (IOException e) {
            throw new EngineException.Rejected(ref.serverId(), "execInteractive", "cannot start " + request.commandLine() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The record of a container that runs now; Conflict when it does not. */
    private ContainerRecord runningRecord(ContainerRef ref, String operation) {
        ContainerRecord record = require(ref, operation);
        refuseIfRoot(ref.serverId(), operation);
        if (!RunFacts.observe(state.record(ref.serverId())).running()) {
            throw new EngineException.Conflict(ref.serverId(), operation, "the server is not running", null);
        }
        return record;
    }

    // ------------------------------------------------------------------ images and networks: not here

    private static final String NO_IMAGES = "the process runtime runs no images: a server runs its startup command "
            + "in its data directory on this host";
    private static final String NO_NETWORKS = "the process runtime has no networks of its own: servers share the host's network";

    @Override
    public List<ImageInfo> images(Deadline deadline) {
        throw new EngineException.NotSupported(null, "images", NO_IMAGES);
    }

    @Override
    public Optional<ImageInfo> inspectImage(String reference, Deadline deadline) {
        throw new EngineException.NotSupported(null, "inspectImage", NO_IMAGES);
    }

    @Override
    public ImageInfo pullImage(String reference, Consumer<PullProgress> progress, Deadline deadline) {
        throw new EngineException.NotSupported(null, "pullImage", NO_IMAGES);
    }

    @Override
    public void removeImage(String reference, Deadline deadline) {
        throw new EngineException.NotSupported(null, "removeImage", NO_IMAGES);
    }

    @Override
    public ImageInfo commit(ContainerRef ref, CommitRequest request, Deadline deadline) {
        throw new EngineException.NotSupported(ref.serverId(), "commit", NO_IMAGES + "; back its files up instead");
    }

    @Override
    public List<NetworkInfo> networks(Deadline deadline) {
        throw new EngineException.NotSupported(null, "networks", NO_NETWORKS);
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec, Deadline deadline) {
        throw new EngineException.NotSupported(null, "createNetwork", NO_NETWORKS);
    }

    @Override
    public void removeNetwork(String name, Deadline deadline) {
        throw new EngineException.NotSupported(null, "removeNetwork", NO_NETWORKS);
    }

    // ------------------------------------------------------------------ streams

    @Override
    public Subscription logs(ContainerRef ref, LogRequest request, StreamSink<LogLine> sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        require(ref, "logs");
        LogFollower follower = new LogFollower(state.record(ref.serverId()), ref.serverId(), request, config.pollInterval());
        return track(ThreadSubscription.start("logs-" + ref.serverId(), sink, follower, subscriptions::remove));
    }

    @Override
    public Subscription stats(ContainerRef ref, StreamSink<StatsSample> sink) {
        Objects.requireNonNull(sink, "sink");
        require(ref, "stats");
        RecordFiles files = state.record(ref.serverId());
        StatsSampler sampler = new StatsSampler(ref.serverId(), () -> RunFacts.observe(files), cgroups.of(ref.serverId()));
        return track(ThreadSubscription.start("stats-" + ref.serverId(), sink, sampler, subscriptions::remove));
    }

    /** One reading of the run's cgroup (or /proc) now, with the CPU time it used: no sampler thread, nothing left open. */
    @Override
    public Optional<StatsReading> readStats(ContainerRef ref, Deadline deadline) {
        require(ref, "readStats");
        RecordFiles files = state.record(ref.serverId());
        return new StatsSampler(ref.serverId(), () -> RunFacts.observe(files), cgroups.of(ref.serverId())).readOnce();
    }

    @Override
    public Subscription events(StreamSink<RuntimeEvent> sink) {
        Objects.requireNonNull(sink, "sink");
        EventWatcher watcher = new EventWatcher(this::lookAll, config.pollInterval());
        return track(ThreadSubscription.start("process-events", sink, watcher, subscriptions::remove));
    }

    private <T> ThreadSubscription<T> track(ThreadSubscription<T> s) {
        subscriptions.add(s);
        if (closed || !s.isOpen()) {
            subscriptions.remove(s);
            if (closed) {
                s.close();
            }
        }
        return s;
    }

    /** Ends every stream this runtime opened. Servers keep running; the next runtime over the state directory adopts them. */
    @Override
    public void close() {
        closed = true;
        healthChecks.close();
        for (ThreadSubscription<?> s : List.copyOf(subscriptions)) {
            s.close();
        }
        subscriptions.clear();
    }

    // ------------------------------------------------------------------ diagnostics

    /** The pid of the server's main process ({@code sh -c <startup>}) while it runs. */
    public OptionalLong mainPid(ContainerRef ref) {
        require(ref, "mainPid");
        RunFacts facts = RunFacts.observe(state.record(ref.serverId()));
        return facts.running() && facts.main() != null && facts.main().alive() ? OptionalLong.of(facts.main().pid()) : OptionalLong.empty();
    }

    // ------------------------------------------------------------------ helpers

    private interface Locked<T> {
        T run();
    }

    private <T> T locked(UUID id, String operation, Deadline deadline, Locked<T> body) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        try {
            if (!lock.tryLock(deadline.remainingMillis(), TimeUnit.MILLISECONDS)) {
                throw new EngineException.Timeout(id, operation, "another operation on this server did not finish before the deadline", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException.Timeout(id, operation, "interrupted", e);
        }
        try {
            return body.run();
        } catch (Pause.Interrupted e) {
            throw new EngineException.Timeout(id, operation, "interrupted", e);
        } finally {
            lock.unlock();
        }
    }

    private void refuseIfRoot(UUID id, String operation) {
        if (user.refusal() != null) {
            throw new EngineException.Rejected(id, operation, user.refusal(), null);
        }
    }

    private void prepareDataDir(UUID id, String operation, Path dir, boolean everything, Deadline deadline) {
        try {
            ServerDataDir.prepare(dir, user, everything, deadline);
        } catch (ServerDataDir.Unusable e) {
            throw new EngineException.Rejected(id, operation, e.getMessage(), e);
        } catch (IOException e) {
            throw new EngineException.Unavailable(id, operation, "cannot prepare the data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String newContainerId() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Raptor's version, from the daemon jar's manifest; "dev" when run from classes (tests, the IDE). */
    private static String ownVersion() {
        String v = ProcessRuntime.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return System.getProperty("os.version", "unknown");
        }
    }

    private static int unprivilegedPortStart() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).strip());
        } catch (IOException | NumberFormatException e) {
            return 1024;
        }
    }
}
