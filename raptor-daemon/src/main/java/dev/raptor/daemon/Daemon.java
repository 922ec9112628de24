package dev.raptor.daemon;

import dev.raptor.api.ApiSettings;
import dev.raptor.api.Provisioning;
import dev.raptor.core.install.InstallRunner;
import dev.raptor.core.install.InstallService;
import dev.raptor.docker.DockerInstaller;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.api.Observability;
import dev.raptor.api.ApiServer;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.TokenService;
import dev.raptor.api.console.ConsoleSocketSettings;
import dev.raptor.api.console.LiveConsole;
import dev.raptor.api.node.NodeStatus;
import dev.raptor.api.metrics.MetricsEndpoint;
import dev.raptor.api.metrics.MetricsServer;
import dev.raptor.core.health.ClockCheck;
import dev.raptor.core.health.DeepHealth;
import dev.raptor.core.health.DiskSpaceCheck;
import dev.raptor.core.health.EngineCheck;
import dev.raptor.core.health.HealthMonitor;
import dev.raptor.core.health.ListenerCheck;
import dev.raptor.core.health.ServersCheck;
import dev.raptor.core.health.StoreCheck;
import dev.raptor.metrics.AuthMetrics;
import dev.raptor.metrics.HealthMetrics;
import dev.raptor.metrics.MeteredRuntime;
import dev.raptor.metrics.MeteredStore;
import dev.raptor.metrics.NodeMetrics;
import dev.raptor.metrics.RaptorMetrics;
import dev.raptor.metrics.ServerMetrics;
import dev.raptor.metrics.TransferMetrics;
import dev.raptor.query.GameStatusPoller;
import dev.raptor.query.PollerSettings;
import dev.raptor.query.QueryTargets;
import dev.raptor.backup.BackupService;
import dev.raptor.backup.BootRecovery;
import dev.raptor.backup.ServerBackups;
import dev.raptor.backup.schedule.ScheduledBackups;
import dev.raptor.backup.update.UpdateChecker;
import dev.raptor.backup.update.UpdateService;
import dev.raptor.backup.storage.LocalDirectoryStorage;
import dev.raptor.backup.storage.S3Storage;
import dev.raptor.backup.storage.StorageSet;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.allocation.HostPorts;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.stats.DiskQuotaWatch;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.core.stats.StatsSettings;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageListener;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.process.ProcessRuntime;
import dev.raptor.files.FilePolicy;
import dev.raptor.sftp.FileTransfers;
import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.agent.AgentRoutes;
import dev.raptor.sftp.ftp.FtpSettings;
import dev.raptor.sftp.login.LoginThrottle;
import dev.raptor.sftp.login.LoginThrottleStats;
import dev.raptor.sftp.login.TransferProtocol;
import dev.raptor.sftp.ssh.SftpSettings;
import dev.raptor.sftp.volume.ServerFilesSource;
import dev.raptor.store.SqliteStore;
import dev.raptor.store.StoreException;
import dev.raptor.store.StoreLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running raptord: the store, the container runtime, the fleet of server controllers and the
 * API, wired in that order and closed in the reverse one. Closing leaves every game server running;
 * the next boot adopts them.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    /** Health fails below this much free disk in the data directory. */
    static final long MIN_FREE_BYTES = 512L * 1024 * 1024;
    /** How long shutdown waits for the last operation outcomes to reach the store. */
    static final Duration OPERATION_FLUSH = Duration.ofSeconds(5);
    /** Deep health: every check answers within this, or is reported unhealthy. */
    static final Duration HEALTH_DEADLINE = Duration.ofSeconds(5);
    /** How often the deep checks run for the metrics and the log when nobody asks. */
    static final Duration HEALTH_EVERY = Duration.ofSeconds(30);
    static final Duration STORE_SLOW = Duration.ofSeconds(1);
    static final Duration ENGINE_SLOW = Duration.ofSeconds(2);
    /** A wall clock before this was reset (Raptor did not exist then). */
    static final Instant CLOCK_SANE_AFTER = Instant.parse("2025-01-01T00:00:00Z");
    static final Duration CLOCK_MAX_DRIFT = Duration.ofMinutes(1);
    /** How often per-server series are compared with the fleet (events keep them current in between). */
    static final Duration SERVER_METRICS_SYNC = Duration.ofSeconds(30);
    /** Local backup archives, {@code <dataDir>/backups/<server id>/<backup id>.tar.zst}. */
    static final String BACKUPS = "backups";
    /** Scheduled backups that run at once; more due at the same time wait their turn (each one is disk-bound). */
    static final int SCHEDULED_BACKUPS_AT_ONCE = 2;
    /** How often the update checker looks which server's source is due (each source has its own interval). */
    private static final Duration UPDATE_TICK = Duration.ofSeconds(5);

    private final DaemonConfig config;
    private final Deque<Step> closeOrder = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ServerFleet fleet;
    private RaptorMetrics metrics;
    private DeepHealth health;
    private GameStatusPoller poller;
    private ApiServer api;
    private volatile FileTransfers transfers;
    private ApiKey apiKey;
    private ApiKeyFile keyFile;
    private volatile String keyToShow;
    private String runtimeName;

    private final UsageSettings usage;

    private Daemon(DaemonConfig config, UsageSettings usage) {
        this.config = config;
        this.usage = usage;
    }

    private record Step(String what, AutoCloseable resource) {
    }

    /**
     * Boots: opens the store, connects the runtime, reconciles every server with the engine, then
     * serves the API on TCP and the Unix socket.
     *
     * @throws BootException when something the operator must fix stops it (all opened parts are closed again)
     */
    public static Daemon start(DaemonConfig config, String version) {
        return start(config, version, UsageSettings.defaults());
    }

    /** Like {@link #start(DaemonConfig, String)}, measuring disk usage as {@code usage} says (tests hold scans with it). */
    static Daemon start(DaemonConfig config, String version, UsageSettings usage) {
        Daemon d = new Daemon(config, usage);
        try {
            d.boot(version);
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void boot(String version) {
        log.info("raptord {} starting: {}", version, config);
        Path dataDir = config.dataDir();
        DataDirLayout.Prepared layout = DataDirLayout.prepare(dataDir);
        layout.changes().forEach(c -> log.info("data directory: {}", c));
        layout.problems().forEach(p -> log.warn("data directory: {}", p));
        SecretsAtRest.check(dataDir, java.util.Arrays.asList(config.security().tls() == null ? null : config.security().tls().privateKey(),
                config.transfers().privateKey()), SecretsAtRest.ownUid()).forEach(c -> log.info("secrets: {}", c));
        Path volumes = layout.volumes();

        metrics = RaptorMetrics.create();
        closeOrder.push(new Step("metrics", metrics));

        SqliteStore store;
        try {
            store = SqliteStore.open(dataDir);
        } catch (StoreLockedException e) {
            throw new BootException("another raptord (or a restore) is using " + dataDir + ": " + e.getMessage());
        } catch (StoreException e) {
            throw new BootException("cannot open the store in " + dataDir + ": " + e.getMessage(), e);
        }
        closeOrder.push(new Step("store", store));
        // Closed after the fleet, whose controllers answer what they were doing, and before the store.
        closeOrder.push(new Step("operation records (writing the last outcomes)", () -> {
            if (api != null) {
                api.operations().flush(OPERATION_FLUSH);
            }
        }));

        RuntimeSelector.Selected selected = RuntimeSelector.open(config);
        closeOrder.push(new Step("runtime", selected.runtime()));
        runtimeName = selected.info().runtime();
        // every engine call and store write is timed; the core never knows
        ContainerRuntime runtime = new MeteredRuntime(selected.runtime(), metrics.registry());
        String reach = selected.runtime() instanceof ProcessRuntime process ? process.unreachable(volumes).orElse(null) : null;
        if (reach != null) {
            log.warn("{}: every start will fail until it can", reach);
        }
        EventBus bus = new EventBus();
        closeOrder.push(new Step("event bus", bus));

        // The servers' files: one jail per server, disk usage measured in the background (never waited for: boot
        // and starts go on with whatever figure there is). One set for the file API, backups and SFTP/FTP.
        ServerVolumes serverVolumes = new ServerVolumes(volumes, usage);
        closeOrder.push(new Step("server volumes (disk usage scans)", serverVolumes));
        // Backups: a crash's leftovers are cleared before any server starts (a half-written archive goes, its backup
        // reads failed; an interrupted restore leaves each server's files whole, the old or the backup's).
        LocalDirectoryStorage localBackups = new LocalDirectoryStorage(dataDir.resolve(BACKUPS));
        StorageSet storages = StorageSet.of(localBackups);
        if (config.backups().s3() != null) {
            S3Storage s3 = new S3Storage(config.backups().s3());
            closeOrder.push(new Step("S3 backup storage", s3));
            storages = StorageSet.of(s3, localBackups); // new backups to S3; earlier local ones stay readable
        }
        BackupService backups = new BackupService(store.backupRecords(), serverVolumes, storages, config.backups().settings(),
                Clock.systemUTC());
        try {
            BootRecovery recovered = backups.recover();
            recovered.failedBackups().forEach(b -> log.warn("backup {} of server {} was interrupted by the last shutdown: {}",
                    b.id(), b.serverId(), b.reason()));
            recovered.restores().forEach(r -> log.warn("a restore of server {} was interrupted by the last shutdown; its files are {}",
                    r.serverId(), r.completed() ? "the backup's (the restore had swapped them in)" : "those from before the restore"));
        } catch (IOException | RuntimeException e) {
            throw new BootException("cannot clear what an interrupted backup or restore left: " + e.getMessage(), e);
        }

        // which host ports other programs hold: asked of the runtime itself (the metered wrapper does not know)
        HostPorts hostPorts = switch (selected.runtime()) {
            case DockerRuntime docker -> docker.hostPorts();
            case ProcessRuntime process -> process.hostPorts();
            default -> HostPorts.UNCHECKED;
        };
        fleet = new ServerFleet(new MeteredStore(store, metrics.registry()), runtime, bus, config.engineSlots().applyTo(ControllerSettings.defaults(volumes)), hostPorts);
        closeOrder.push(new Step("fleet (game servers keep running)", fleet));
        // Updates a crash cut short are settled before any server starts: the old version's files, whole.
        UpdateService updates = new UpdateService(fleet, backups, serverVolumes, store.updates(), dataDir.resolve("updates"),
                Clock.systemUTC());
        try {
            updates.recover();
        } catch (RuntimeException e) {
            throw new BootException("cannot settle the updates the last shutdown interrupted: " + e.getMessage(), e);
        }
        ServerFleet.ReconcileReport report;
        try {
            report = fleet.boot();
            report.problems().forEach(p -> log.warn("boot reconciliation: {}", p));
        } catch (EngineException e) {
            throw new BootException("boot reconciliation failed: the engine did not answer: " + e.getMessage(), e);
        }
        // Installs (Docker: helper containers; the process runtime: /bin/sh as the server user); helpers a stopped daemon
        // left are removed and its cut-short installs read failed.
        InstallRunner installRunner = switch (selected.runtime()) {
            case DockerRuntime docker -> new DockerInstaller(docker, dataDir.resolve("installs").resolve("scripts"));
            case ProcessRuntime process -> process.installer();
            default -> null;
        };
        InstallService installs = installRunner == null ? null
                : new InstallService(fleet, installRunner, store.installs(), dataDir.resolve("installs"), Duration.ofMinutes(30));
        if (installs != null) {
            installs.recover();
        }

        // Servers over their disk quota are reported (and stopped, if the node says so); a crash's temporary files are
        // removed in the background, after the backups' recovery above has settled any interrupted restore.
        DiskQuotaWatch quota = new DiskQuotaWatch(fleet, config.files().stopOverDiskQuota(), Clock.systemUTC());
        serverVolumes.diskUsage().addListener(new UsageListener() {
            @Override
            public void overLimit(java.util.UUID serverId, long usedBytes, long limitBytes) {
                quota.overQuota(serverId, usedBytes, limitBytes);
            }

            @Override
            public void withinLimit(java.util.UUID serverId) {
                quota.withinQuota(serverId);
            }
        });
        trackQuotas(fleet, serverVolumes, bus);
        serverVolumes.cleanLeftoversInBackground();

        // Scheduled backups, as each spec's backups.schedule says, counted from the server's newest backup (so a restart
        // neither skips nor repeats one); the fleet refuses a spec whose schedule is none from now on.
        java.util.concurrent.ExecutorService backupRunner = java.util.concurrent.Executors.newFixedThreadPool(SCHEDULED_BACKUPS_AT_ONCE,
                Thread.ofPlatform().name("raptor-scheduled-backup-", 0).daemon().factory());
        closeOrder.push(new Step("scheduled backups' threads", backupRunner::shutdownNow));
        ScheduledBackups scheduledBackups = new ScheduledBackups(fleet, new ServerBackups(fleet, backups), Clock.systemUTC(),
                ZoneId.systemDefault(), backupRunner);
        closeOrder.push(new Step("backup schedules", scheduledBackups.start()));

        // Live consoles and stats: one engine stream per watched server, closed after the API and before the fleet.
        ServerRuns runs = ServerRuns.of(fleet);
        ConsoleHub consoles = new ConsoleHub(runtime, runs, bus, ConsoleSettings.defaults());
        closeOrder.push(new Step("console hub", consoles));
        // the disk usage of a server on a worker with an agent is that agent's figure (its disk, its quota), asked in the
        // background and cached; the others' is this machine's tracker's
        dev.raptor.core.stats.DiskUsageSource disk = serverVolumes.diskUsage();
        if (!config.agents().isEmpty()) {
            dev.raptor.api.agent.NodeAgentProxy usageLink = new dev.raptor.api.agent.NodeAgentProxy(fleet, config.agents(), 0);
            dev.raptor.api.agent.AgentDiskUsage agentDisk = new dev.raptor.api.agent.AgentDiskUsage(disk, usageLink::usage);
            closeOrder.push(new Step("agents' disk usage", () -> {
                agentDisk.close();
                usageLink.close();
            }));
            disk = agentDisk;
        }
        StatsHub stats = new StatsHub(runtime, runs, bus, disk, StatsSettings.defaults());
        closeOrder.push(new Step("stats hub", stats));

        // Metrics and deep health: from the bus, the hubs and the fleet's view, never another engine poll per server.
        NodeMetrics nodeMetrics = new NodeMetrics(metrics.registry(), fleet, bus);
        closeOrder.push(new Step("node metrics", nodeMetrics));
        // Players, version and MOTD of the servers whose spec names a query protocol, never on a controller's thread.
        poller = new GameStatusPoller(() -> QueryTargets.running(fleet), PollerSettings.defaults());
        closeOrder.push(new Step("game status poller", poller));
        ServerMetrics serverMetrics = new ServerMetrics(metrics.registry(), fleet, bus, stats, consoles.counts(), poller,
                store.backupRecords(), SERVER_METRICS_SYNC).start();
        poller.start();
        closeOrder.push(new Step("server metrics", serverMetrics));
        health = new DeepHealth(List.of(
                new StoreCheck(store::probeWrite, STORE_SLOW),
                new EngineCheck(runtime, ENGINE_SLOW),
                new DiskSpaceCheck(dataDir, config.diskWarnBytes(), config.diskCriticalBytes()),
                new ClockCheck(Clock.systemUTC(), CLOCK_SANE_AFTER, CLOCK_MAX_DRIFT),
                new ServersCheck(fleet),
                new ListenerCheck("sftp", this::sftpListening, "SSH-")), HEALTH_DEADLINE);
        new HealthMetrics(metrics.registry(), health);
        if (config.metricsHost() != null) {
            try {
                closeOrder.push(new Step("metrics listener", MetricsServer.start(config.metricsHost(), config.metricsPort(),
                        new MetricsEndpoint(metrics))));
            } catch (RuntimeException e) {
                throw new BootException("cannot serve metrics on " + config.metricsHost() + ":" + config.metricsPort() + ": "
                        + rootMessage(e), e);
            }
        }

        // SFTP and FTP serve before the API does: a healthy daemon takes file transfers too.
        String transfersLine = startFileTransfers(store, serverVolumes);
        // the periodic checks start once every listener they check has had its chance to bind
        closeOrder.push(new Step("health monitor", HealthMonitor.every(health, HEALTH_EVERY)));
        apiKey = config.apiKey() != null ? ApiKey.of(config.apiKey(), config.apiKeySource()) : generatedKey();
        TokenService tokens = TokenService.loadOrGenerate(dataDir, Clock.systemUTC());
        NodeStatus status = new NodeStatus(fleet, dataDir, version, () -> storeProbe(store, dataDir), MIN_FREE_BYTES);
        DaemonConfig.FileOptions fo = config.files();
        ApiSettings apiSettings = ApiSettings.defaults(config.httpHost(), config.httpPort(), config.socket(), version)
                .withSecurity(config.security());
        apiSettings = apiSettings.withFiles(apiSettings.files().withUploadMaxFileBytes(fo.uploadMaxFileBytes())
                .withPullAllowsPrivate(fo.pullAllowPrivate()).withPullMaxBytes(fo.pullMaxBytes()).withAgents(config.agents()));
        api = ApiServer.create(fleet, status, apiKey, tokens, apiSettings,
                LiveConsole.of(consoles, stats, ConsoleSocketSettings.defaults()), store.operationRecords(), store,
                new Observability(metrics, health, poller), store.sftpUsers(), serverVolumes, backups, scheduledBackups,
                new Provisioning(store.templates(), installs, updates));
        closeOrder.push(new Step("API (finishing in-flight requests)", api));
        try {
            api.start();
        } catch (RuntimeException e) {
            throw new BootException("cannot serve the API on " + config.httpHost() + ":" + config.httpPort() + " and "
                    + config.socket() + ": " + rootMessage(e), e);
        }
        closeOrder.push(new Step("update checker", UpdateChecker.start(updates, UPDATE_TICK)));
        keyToShow = config.apiKey() == null && keyFile.unshown() ? apiKey.reveal().orElse(null) : null;
        new BootSummary(version, config, selected, reach, api.port(), keyOrigin(), report, transfersLine).lines()
                .forEach(line -> log.info("{}", line));
    }

    /**
     * SFTP (unless {@code sftpAddr} is off) and FTP (when {@code ftpAddr} is set) on the servers' volumes, each
     * server's files under its spec's quota; returns the boot summary's line about them.
     */
    private String startFileTransfers(SqliteStore store, ServerVolumes volumes) {
        FileTransferConfig t = config.transfers();
        if (t.sftp() == null && t.ftp() == null) {
            return t.describe(null, null);
        }
        // the node's one set of volumes (the file API's and the backups' too): SFTP's writes count in the same disk
        // figures, under the same file rules, and a restore's files lock ends the server's SFTP/FTP sessions
        ServerFilesSource files = id -> volumes.files(id, store.find(id)
                .map(s -> FilePolicy.of(s.spec())).orElse(FilePolicy.UNRESTRICTED));
        try {
            transfers = new FileTransfers(store, volumes.locks(), files,
                    t.sftp() == null ? null : SftpSettings.of(t.sftp(), config.dataDir()),
                    t.ftp() == null ? null : new FtpSettings(t.ftp(), t.passivePorts(), t.passiveAddress(), config.dataDir(),
                            t.certificate(), t.privateKey()),
                    LoginThrottle.Settings.DEFAULTS, Clock.systemUTC(),
                    // servers on nodes with an agent: their SFTP channels piped to it (README: server files on workers)
                    config.agents().isEmpty() ? AgentRoutes.NONE : new AgentSftpRoutes(fleet, config.agents(), t),
                    config.agents().isEmpty() ? null : AgentLinkKeys.of(config.agents().key()));
            closeOrder.push(new Step("SFTP/FTP servers (their sessions end)", transfers));
            transfers.start();
            for (TransferProtocol p : transfers.protocols()) {
                TransferMetrics.sessions(metrics.registry(), p.label(), transfers, tr -> tr.openSessions(p));
                AuthMetrics.register(metrics.registry(), p.label(), transfers.loginStats(), s -> s.failedLogins(p),
                        s -> s.throttledLogins(p), s -> s.blockedAddresses(p));
            }
        } catch (IOException | RuntimeException e) {
            throw new BootException("cannot serve SFTP/FTP (" + t.describe(t.sftp(), t.ftp()) + "): " + rootMessage(e)
                    + "; choose other addresses with sftpAddr / RAPTOR_SFTP_ADDR and ftpAddr / RAPTOR_FTP_ADDR, or off", e);
        }
        return t.describe(transfers.sftpAddress().orElse(null), transfers.ftpAddress().orElse(null))
                + transfers.sftpHostKey().map(k -> "; SFTP host key " + k).orElse("");
    }

    /** Where SFTP should answer now (its bound address, or the configured one until it binds); empty when off. */
    private Optional<InetSocketAddress> sftpListening() {
        InetSocketAddress configured = config.transfers().sftp();
        if (configured == null) {
            return Optional.empty();
        }
        FileTransfers t = transfers;
        return Optional.of(t == null ? configured : t.sftpAddress().orElse(configured));
    }

    /** The SFTP/FTP servers, when they run. */
    public Optional<FileTransfers> fileTransfers() {
        return Optional.ofNullable(transfers);
    }

    /**
     * Every server's disk usage is tracked with its quota from boot on (a first scan each, in the background), and
     * the quota follows the spec as it changes.
     */
    private static void trackQuotas(ServerFleet fleet, ServerVolumes volumes, EventBus bus) {
        bus.subscribe(ServerEvent.class, e -> e instanceof ServerEvent.Created || e instanceof ServerEvent.Updated,
                EventBus.DEFAULT_CAPACITY, e -> fleet.find(e.serverId()).ifPresent(s ->
                        volumes.diskUsage().track(s.id(), FilePolicy.of(s.stored().spec()).quotaBytes())));
        for (ServerFleet.ServerSnapshot s : fleet.list()) {
            volumes.diskUsage().track(s.id(), FilePolicy.of(s.stored().spec()).quotaBytes());
        }
    }

    /** The key in {@code <dataDir>/api-key}, generated at the first boot and remembered as not shown until a boot serves. */
    private ApiKey generatedKey() {
        keyFile = new ApiKeyFile(config.dataDir());
        try {
            keyFile.rememberIfNew();
            return ApiKey.loadOrGenerate(config.dataDir());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BootException("cannot read or generate the API key " + keyFile.file() + ": " + e.getMessage(), e);
        }
    }

    private String keyOrigin() {
        if (config.apiKey() != null) {
            return "from " + config.apiKeySource();
        }
        if (apiKey.generatedNow()) {
            return "generated now into " + keyFile.file() + " (printed on standard output)";
        }
        return "from the file " + keyFile.file() + (keyToShow != null
                ? " (generated by an earlier boot that did not serve; printed on standard output)" : "");
    }

    /** The generated API key when no one has seen it yet (this is the first boot that serves); the caller prints it, then calls {@link #keyShown()}. */
    public Optional<String> keyToShow() {
        return Optional.ofNullable(keyToShow);
    }

    /** The key from {@link #keyToShow()} was printed: later boots do not print it again. */
    public void keyShown() {
        if (keyFile == null) {
            return;
        }
        try {
            keyFile.shown();
        } catch (IOException e) {
            log.warn("cannot remove {}: the next boot prints the API key again ({})", ApiKeyFile.UNSHOWN_MARKER, e.toString());
        }
        keyToShow = null;
    }

    public ServerFleet fleet() {
        return fleet;
    }

    /** The container runtime it chose ({@code docker}, {@code process}, {@code swarm}), as its boot summary names it. */
    String runtimeName() {
        return runtimeName;
    }

    public RaptorMetrics metrics() {
        return metrics;
    }

    public DeepHealth health() {
        return health;
    }

    /** What each queried server said last. */
    public GameStatusPoller gameStatus() {
        return poller;
    }

    public ApiServer api() {
        return api;
    }

    public ApiKey apiKey() {
        return apiKey;
    }

    /** Stops accepting requests, lets in-flight ones finish (bounded), stops supervising, closes the store. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        while (!closeOrder.isEmpty()) {
            Step step = closeOrder.pop();
            try {
                log.info("shutdown: closing the {}", step.what());
                step.resource().close();
            } catch (Exception e) {
                log.warn("shutdown: closing the {} failed: {}", step.what(), e.toString());
            }
        }
    }

    /** Health's store check: the database answers and its directory and file take writes. */
    private static String storeProbe(SqliteStore store, Path dataDir) throws IOException {
        int servers = store.probeServerCount();
        if (!Files.isWritable(store.databaseFile())) {
            throw new IOException(store.databaseFile() + " is not writable");
        }
        Path probe = Files.createTempFile(dataDir, ".health-", ".tmp");
        Files.delete(probe);
        return "sqlite answers (" + servers + " servers) and " + dataDir + " takes writes";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
