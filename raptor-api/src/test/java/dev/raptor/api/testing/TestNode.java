package dev.raptor.api.testing;

import dev.raptor.core.testing.HostPortsForTests;
import dev.raptor.core.testing.SteppedClock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.ApiServer;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.Observability;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.TokenService;
import dev.raptor.api.console.LiveConsole;
import dev.raptor.api.node.NodeStatus;
import dev.raptor.backup.BackupService;
import dev.raptor.backup.ServerBackups;
import dev.raptor.backup.schedule.ScheduledBackups;
import dev.raptor.backup.BackupSettings;
import dev.raptor.backup.storage.LocalDirectoryStorage;
import dev.raptor.backup.storage.StorageSet;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.health.ClockCheck;
import dev.raptor.core.health.DeepHealth;
import dev.raptor.core.health.DiskSpaceCheck;
import dev.raptor.core.health.EngineCheck;
import dev.raptor.core.health.ServersCheck;
import dev.raptor.core.allocation.HostPorts;
import dev.raptor.core.health.StoreCheck;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.testing.FleetTeardown;
import dev.raptor.core.runtime.ContainerRuntime;
import dev.raptor.process.ProcessRuntime;
import dev.raptor.process.ProcessRuntimeConfig;
import dev.raptor.docker.RegistryCredential;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.docker.DockerRuntime;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.metrics.HealthMetrics;
import dev.raptor.metrics.MeteredRuntime;
import dev.raptor.metrics.MeteredStore;
import dev.raptor.metrics.NodeMetrics;
import dev.raptor.metrics.RaptorMetrics;
import dev.raptor.metrics.ServerMetrics;
import dev.raptor.query.GameStatusPoller;
import dev.raptor.query.PollerSettings;
import dev.raptor.query.QueryTargets;
import dev.raptor.store.SqliteStore;
import dev.raptor.wire.json.WireJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;

/**
 * One Raptor node in the test JVM, wired as the daemon wires it (SQLite store, Docker runtime, fleet, backups in
 * {@code <dataDir>/backups}, API on a free TCP port and a Unix socket), with HTTP helpers. Its containers carry a node label of
 * their own; {@link #close()} deletes every server and removes whatever containers remain. Every
 * answer it receives is checked against {@code openapi.json} ({@link ApiExchanges}).
 */
public final class TestNode implements AutoCloseable {
    public static final Duration HANG = Duration.ofSeconds(120);

    public final Path dataDir;
    public final String node = "apitest-" + UUID.randomUUID().toString().substring(0, 8);
    public final String apiKey = ApiKey.generate();
    public final SqliteStore store;
    public final ContainerRuntime runtime;
    public final EventBus bus = new EventBus();
    public final ServerFleet fleet;
    public final dev.raptor.core.install.InstallService installs;
    public final ServerVolumes volumes;
    public final BackupService backups;
    public final dev.raptor.backup.update.UpdateService updates;
    public final ApiServer api;
    public final RaptorMetrics metrics = RaptorMetrics.create();
    /** The clock of the node's tokens and signed links: real time, which a test steps forward to expire a link. */
    public final SteppedClock tokenClock = new SteppedClock();
    public final GameStatusPoller games;
    public final DeepHealth health;
    private final NodeMetrics nodeMetrics;
    private final ServerMetrics serverMetrics;
    /** Backups as each spec's {@code backups.schedule} says, as the daemon runs them (and the fleet checks schedules). */
    public final ScheduledBackups scheduledBackups;
    private final java.util.concurrent.ExecutorService backupRunner = java.util.concurrent.Executors.newFixedThreadPool(2);
    /** Over TLS, it trusts the certificates of the configured chain file (the test's CA is in it, as in certbot's fullchain.pem). */
    public final HttpClient http;

    private TestNode(Path dataDir, ApiSettings settings, long diskWarnBytes, java.util.function.Function<String, ContainerRuntime> runtime) {
        this(dataDir, settings, diskWarnBytes, runtime, UsageSettings.defaults());
    }

    private TestNode(Path dataDir, ApiSettings settings, long diskWarnBytes, java.util.function.Function<String, ContainerRuntime> runtime,
                     UsageSettings usage) {
        this(dataDir, settings, diskWarnBytes, runtime, usage, BackupSettings.defaults());
    }

    private TestNode(Path dataDir, ApiSettings settings, long diskWarnBytes, java.util.function.Function<String, ContainerRuntime> runtime,
                     UsageSettings usage, BackupSettings backupSettings) {
        this.dataDir = dataDir;
        this.http = client(settings);
        this.store = SqliteStore.open(dataDir);
        this.runtime = runtime.apply(node);
        HostPorts hostPorts = this.runtime instanceof DockerRuntime docker ? docker.hostPorts() : HostPorts.UNCHECKED;
        this.fleet = new ServerFleet(new MeteredStore(store, metrics.registry()), new MeteredRuntime(this.runtime, metrics.registry()), bus,
                ControllerSettings.defaults(dataDir.resolve("volumes")).withObserveEvery(Duration.ofSeconds(2)), hostPorts);
        fleet.boot();
        this.installs = new dev.raptor.core.install.InstallService(fleet, installRunner(this.runtime, dataDir),
                store.installs(), dataDir.resolve("installs"), HANG);
        installs.recover();
        NodeStatus status = new NodeStatus(fleet, dataDir, "test", () -> "sqlite answers " + store.list().size(), 1);
        this.volumes = new ServerVolumes(dataDir.resolve("volumes"), usage);
        this.backups = new BackupService(store.backupRecords(), volumes,
                StorageSet.of(new LocalDirectoryStorage(dataDir.resolve("backups"))), backupSettings, Clock.systemUTC());
        this.updates = new dev.raptor.backup.update.UpdateService(fleet, backups, volumes, store.updates(), dataDir.resolve("updates"),
                Clock.systemUTC());
        // measured and queried as the daemon wires it, with a short query interval
        this.games = new GameStatusPoller(() -> QueryTargets.running(fleet), new PollerSettings(Duration.ofMillis(250),
                Duration.ofSeconds(3), 4)).start();
        this.health = new DeepHealth(List.of(new StoreCheck(store::probeWrite, Duration.ofSeconds(5)),
                new EngineCheck(fleet.runtime(), Duration.ofSeconds(10)), new DiskSpaceCheck(dataDir, diskWarnBytes, 0),
                new ClockCheck(Clock.systemUTC(), Instant.parse("2025-01-01T00:00:00Z"), Duration.ofMinutes(1)),
                new ServersCheck(fleet)), Duration.ofSeconds(10));
        LiveConsole live = LiveConsole.standalone(fleet, volumes.diskUsage());
        this.nodeMetrics = new NodeMetrics(metrics.registry(), fleet, bus);
        this.serverMetrics = new ServerMetrics(metrics.registry(), fleet, bus, live.stats(), live.consoles().counts(), games,
                store.backupRecords(), Duration.ofSeconds(1)).start();
        this.scheduledBackups = new ScheduledBackups(fleet, new ServerBackups(fleet, backups), Clock.systemUTC(),
                java.time.ZoneId.systemDefault(), backupRunner).start();
        new HealthMetrics(metrics.registry(), health);
        this.api = ApiServer.create(fleet, status, ApiKey.of(apiKey, "test"), TokenService.loadOrGenerate(dataDir, tokenClock),
                settings, live, store.operationRecords(), store, new Observability(metrics, health, games), store.sftpUsers(),
                volumes, backups, scheduledBackups, new dev.raptor.api.Provisioning(store.templates(), installs, updates)).start();
    }

    /** Docker's helper containers on the test engine; the in-memory engine has no installs. */
    private static dev.raptor.core.install.InstallRunner installRunner(ContainerRuntime runtime, Path dataDir) {
        if (runtime instanceof DockerRuntime docker) {
            return new dev.raptor.docker.DockerInstaller(docker, dataDir.resolve("installs").resolve("scripts"));
        }
        return new dev.raptor.core.install.InstallRunner() {
            @Override
            public int run(dev.raptor.core.install.InstallJob job, java.util.function.Consumer<String> output,
                           dev.raptor.core.runtime.Deadline deadline) {
                throw new dev.raptor.core.install.InstallException("the in-memory test engine runs no install scripts", null);
            }

            @Override
            public List<UUID> removeLeftovers(dev.raptor.core.runtime.Deadline deadline) {
                return List.of();
            }
        };
    }

    public static TestNode start(Path dir) {
        return start(dir, s -> s);
    }

    public static TestNode start(Path dir, java.util.function.UnaryOperator<ApiSettings> tweak) {
        return start(dir, tweak, UsageSettings.defaults());
    }

    /** A node whose disk usage is measured as {@code usage} says (tests pause scans with its observer). */
    public static TestNode start(Path dir, java.util.function.UnaryOperator<ApiSettings> tweak, UsageSettings usage) {
        return new TestNode(dir, tweak.apply(ApiSettings.defaults("127.0.0.1", 0, dir.resolve("raptor.sock"), "test")), 0,
                TestEngine::runtime, usage);
    }

    /** A node whose engine is an in-memory {@link FakeRuntime}: servers run the fake game server at once. */
    public static TestNode onFakeEngine(Path dir) {
        return onFakeEngine(dir, s -> s);
    }

    /** On the in-memory engine, with {@code tweak}'s settings. */
    public static TestNode onFakeEngine(Path dir, java.util.function.UnaryOperator<ApiSettings> tweak) {
        return new TestNode(dir, tweak.apply(ApiSettings.defaults("127.0.0.1", 0, dir.resolve("raptor.sock"), "test")), 0,
                node -> new FakeRuntime());
    }

    /** A node whose runtime pulls from the registries named with these credentials, as the daemon's configuration says. */
    public static TestNode startWithRegistries(Path dir, Map<String, RegistryCredential> registries) {
        return new TestNode(dir, ApiSettings.defaults("127.0.0.1", 0, dir.resolve("raptor.sock"), "test"), 0,
                node -> TestEngine.runtime(node, registries));
    }

    /** A node whose servers run as supervised local processes (the runtime without images or networks). */
    public static TestNode startOnProcesses(Path dir) {
        try {
            // as raptord lays out its data directory: the server account may pass (not list) on its way to its volume
            java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestNode(dir, ApiSettings.defaults("127.0.0.1", 0, dir.resolve("raptor.sock"), "test"), 0,
                node -> ProcessRuntime.open(ProcessRuntimeConfig.at(dir.resolve("process"))));
    }

    /** A node whose deep health calls the data directory's disk degraded below {@code diskWarnBytes} free. */
    public static TestNode startWithDiskWarning(Path dir, long diskWarnBytes) {
        return new TestNode(dir, ApiSettings.defaults("127.0.0.1", 0, dir.resolve("raptor.sock"), "test"), diskWarnBytes,
                TestEngine::runtime);
    }

    /** A node whose backups are made and kept by {@code backups} (its retention, say). */
    public static TestNode startWithBackups(Path dir, BackupSettings backups) {
        return new TestNode(dir, ApiSettings.defaults("127.0.0.1", 0, dir.resolve("raptor.sock"), "test"), 0, TestEngine::runtime,
                UsageSettings.defaults(), backups);
    }

    /** A token service sharing this node's secret, on another clock (to make expired tokens). */
    public TokenService tokens(Clock clock) {
        return TokenService.loadOrGenerate(dataDir, clock);
    }

    public URI uri(String path) {
        return URI.create(api.scheme() + "://127.0.0.1:" + api.port() + path);
    }

    private static HttpClient client(ApiSettings settings) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (settings.security().tls() != null) {
            b.sslContext(trusting(settings.security().tls().certificate()));
        }
        return b.build();
    }

    /** A TLS context trusting every certificate in the PEM file {@code chain} (and nothing else). */
    public static javax.net.ssl.SSLContext trusting(Path chain) {
        try (var in = java.nio.file.Files.newInputStream(chain)) {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("c" + i++, c);
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public RawHttp unix() {
        return RawHttp.unix(api.socketPath());
    }

    public RawHttp tcp() {
        return RawHttp.tcp("127.0.0.1", api.port());
    }

    /** The answer of one HTTP request over TCP. */
    public record Res(int status, String contentType, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            return WireJson.parse(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public boolean isProblem() {
            return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    /** A request with the node API key. */
    public Res call(String method, String path, String json) {
        return send(method, path, json, "Authorization", "Bearer " + apiKey);
    }

    public Res get(String path) {
        return call("GET", path, null);
    }

    public Res post(String path, String json) {
        return call("POST", path, json);
    }

    /** A request with exactly these headers (name, value, ...); a JSON body gets Content-Type application/json unless given. */
    public Res send(String method, String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(HANG);
        boolean typed = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (json != null && !typed) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Res res = new Res(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.headers(), r.body());
            ApiExchanges.answer("http", method, path, res.status(), res.contentType(), res.body());
            return res;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request with a binary body of {@code contentType}, checked against openapi.json like every other. */
    public Res sendBytes(String method, String path, byte[] body, String contentType) {
        HttpRequest r = HttpRequest.newBuilder(uri(path)).timeout(HANG).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> a = http.send(r, HttpResponse.BodyHandlers.ofString());
            Res res = new Res(a.statusCode(), a.headers().firstValue("Content-Type").orElse(null), a.headers(), a.body());
            ApiExchanges.answer("http", method, path, res.status(), res.contentType(), res.body());
            return res;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A game server document: the test image, BOOT_DELAY {@code bootDelay}, ready at its Done line, stopped by "stop". */
    public static String gameServer(String name, int bootDelay) {
        return """
                {"name": "%s", "image": "%s", "environment": {"BOOT_DELAY": "%d"},
                 "stop": {"type": "command", "value": "stop", "timeoutSeconds": 20},
                 "readyPattern": "Done!", "labels": {"suite": "api"}}""".formatted(name, TestEngine.IMAGE, bootDelay);
    }

    /** A TCP port nothing listens on now (the node refuses ports other programs hold), outside the ephemeral range ({@link HostPortsForTests}). */
    public static int freePort() {
        return HostPortsForTests.free();
    }

    /** Creates a server over the API and answers its id. */
    public String create(String json) {
        Res r = post("/api/v1/servers", json);
        if (r.status() != 201) {
            throw new AssertionError("create failed: " + r);
        }
        return r.json().get("id").asText();
    }

    @Override
    public void close() {
        try {
            FleetTeardown.deleteAll(fleet, HANG);
        } catch (Exception e) {
            // what did not go is removed below anyway
        }
        api.close();
        scheduledBackups.close();
        backupRunner.shutdownNow();
        volumes.close();
        games.close();
        serverMetrics.close();
        nodeMetrics.close();
        fleet.close();
        api.operations().flush(Duration.ofSeconds(10)); // as the daemon does: the last outcomes reach the store before it closes
        bus.close();
        runtime.close();
        volumes.close();
        store.close();
        metrics.close();
        if (runtime instanceof DockerRuntime) {
            TestEngine.removeContainers(node);
        }
    }
}
