package dev.raptor.daemon;

import dev.raptor.api.ApiSettings;
import dev.raptor.api.ApiServer;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.TokenService;
import dev.raptor.api.console.ConsoleSocketSettings;
import dev.raptor.api.console.LiveConsole;
import dev.raptor.api.node.NodeStatus;
import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.stats.StatsHub;
import dev.raptor.core.stats.StatsSettings;
import dev.raptor.process.ProcessRuntime;
import dev.raptor.store.SqliteStore;
import dev.raptor.store.StoreException;
import dev.raptor.store.StoreLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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

    private final DaemonConfig config;
    private final Deque<Step> closeOrder = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ServerFleet fleet;
    private ApiServer api;
    private ApiKey apiKey;
    private ApiKeyFile keyFile;
    private volatile String keyToShow;

    private Daemon(DaemonConfig config) {
        this.config = config;
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
        Daemon d = new Daemon(config);
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
        Path volumes = layout.volumes();

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
        ContainerRuntime runtime = selected.runtime();
        closeOrder.push(new Step("runtime", runtime));
        String reach = runtime instanceof ProcessRuntime process ? process.unreachable(volumes).orElse(null) : null;
        if (reach != null) {
            log.warn("{}: every start will fail until it can", reach);
        }
        EventBus bus = new EventBus();
        closeOrder.push(new Step("event bus", bus));

        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(volumes));
        closeOrder.push(new Step("fleet (game servers keep running)", fleet));
        ServerFleet.ReconcileReport report;
        try {
            report = fleet.boot();
            report.problems().forEach(p -> log.warn("boot reconciliation: {}", p));
        } catch (EngineException e) {
            throw new BootException("boot reconciliation failed: the engine did not answer: " + e.getMessage(), e);
        }

        // Live consoles and stats: one engine stream per watched server, closed after the API and before the fleet.
        ServerRuns runs = ServerRuns.of(fleet);
        ConsoleHub consoles = new ConsoleHub(runtime, runs, bus, ConsoleSettings.defaults());
        closeOrder.push(new Step("console hub", consoles));
        StatsHub stats = new StatsHub(runtime, runs, bus, fleet.settings().volumesRoot(), StatsSettings.defaults());
        closeOrder.push(new Step("stats hub", stats));

        apiKey = config.apiKey() != null ? ApiKey.of(config.apiKey(), config.apiKeySource()) : generatedKey();
        TokenService tokens = TokenService.loadOrGenerate(dataDir, Clock.systemUTC());
        NodeStatus status = new NodeStatus(fleet, dataDir, version, () -> storeProbe(store, dataDir), MIN_FREE_BYTES);
        api = ApiServer.create(fleet, status, apiKey, tokens,
                ApiSettings.defaults(config.httpHost(), config.httpPort(), config.socket(), version),
                LiveConsole.of(consoles, stats, ConsoleSocketSettings.defaults()), store.operationRecords(), store);
        closeOrder.push(new Step("API (finishing in-flight requests)", api));
        try {
            api.start();
        } catch (RuntimeException e) {
            throw new BootException("cannot serve the API on " + config.httpHost() + ":" + config.httpPort() + " and "
                    + config.socket() + ": " + rootMessage(e), e);
        }
        keyToShow = config.apiKey() == null && keyFile.unshown() ? apiKey.reveal().orElse(null) : null;
        new BootSummary(version, config, selected, reach, api.port(), keyOrigin(), report).lines()
                .forEach(line -> log.info("{}", line));
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
