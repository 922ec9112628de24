package dev.raptor.api;

import dev.raptor.api.auth.Access;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.FailedAuthLimit;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.auth.SignedLinks;
import dev.raptor.api.auth.TokenRoutes;
import dev.raptor.api.sftp.SftpUserRoutes;
import dev.raptor.core.sftp.SftpUserDirectory;
import dev.raptor.api.backups.BackupRoutes;
import dev.raptor.api.auth.TokenService;
import dev.raptor.api.console.LiveConsole;
import dev.raptor.api.files.FileActivity;
import dev.raptor.api.files.FileLinkRoutes;
import dev.raptor.api.files.FileOperations;
import dev.raptor.api.files.FileRoutes;
import dev.raptor.api.files.RemoteFetch;
import dev.raptor.api.files.ServerFilesAccess;
import dev.raptor.api.exec.ExecRoutes;
import dev.raptor.api.exec.ExecSockets;
import dev.raptor.api.images.ImageRoutes;
import dev.raptor.api.networks.NetworkRoutes;
import dev.raptor.api.gateway.Gateway;
import dev.raptor.api.messages.MessageRoutes;
import dev.raptor.api.socketio.EngineRefusal;
import dev.raptor.api.socketio.EngineServer;
import dev.raptor.api.socketio.EngineSettings;
import dev.raptor.api.socketio.SocketIoServer;
import dev.raptor.core.messaging.MessageSockets;
import dev.raptor.core.messaging.MessagingSettings;
import dev.raptor.api.http.ClientAddress;
import dev.raptor.api.http.ConnectionBuffers;
import dev.raptor.api.http.ConnectorSelectors;
import dev.raptor.api.http.CorsPolicy;
import dev.raptor.api.http.PolledAnswer;
import dev.raptor.api.http.PollStampConnector;
import dev.raptor.api.http.PollStamps;
import dev.raptor.api.http.RequestThreads;
import dev.raptor.api.http.RequestWait;
import dev.raptor.api.http.Responses;
import dev.raptor.api.http.UnixSocket;
import dev.raptor.api.metrics.MetricsEndpoint;
import dev.raptor.api.node.NodeRoutes;
import dev.raptor.api.node.NodesRoute;
import dev.raptor.api.node.NodeStatus;
import dev.raptor.api.openapi.OpenApiDocument;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.operations.PowerRoutes;
import dev.raptor.api.problem.ProblemErrorHandler;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.api.problem.ProblemMapper;
import dev.raptor.api.http.UnreadBody;
import dev.raptor.api.servers.ConsoleRoutes;
import dev.raptor.api.servers.PolledListInPlace;
import dev.raptor.api.servers.ServerRoutes;
import dev.raptor.api.state.StateRoutes;
import dev.raptor.api.templates.TemplateRoutes;
import dev.raptor.api.installs.InstallRoutes;
import dev.raptor.api.updates.UpdateRoutes;
import dev.raptor.api.web.WebConsole;
import dev.raptor.backup.BackupService;
import dev.raptor.backup.schedule.BackupTimetable;
import dev.raptor.api.tls.CertificateReloader;
import dev.raptor.api.tls.PemIdentity;
import dev.raptor.api.tls.TlsConnector;
import dev.raptor.api.tls.TlsFileException;
import dev.raptor.api.tls.TlsSettings;
import dev.raptor.core.archive.StateArchive;
import dev.raptor.core.exec.ServerExec;
import dev.raptor.core.image.NodeImages;
import dev.raptor.core.network.NodeNetworks;
import dev.raptor.core.operation.OperationJournal;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.metrics.ApiMetrics;
import dev.raptor.metrics.AuthMetrics;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.router.ParsedEndpoint;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP API under {@code /api/v1}: Javalin on Jetty, request handling on virtual threads (the polled list where
 * Jetty read it, {@link PolledListInPlace}, or on Jetty's platform threads: {@link RequestThreads}), served
 * on TCP and on a Unix socket. Built from the domain objects it exposes; its handlers parse the
 * request, make one domain call and answer a record of {@code raptor-wire} (the contract), written by
 * its one shared mapper. Every error is a problem document. The store is reached only through core's
 * ports ({@link ServerFleet}'s store, {@link OperationJournal}, {@link StateArchive}).
 *
 * <p>The route table below is the API; the OpenAPI document must describe exactly these routes
 * (a test checks), and each route's {@link Access} says who may call it.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    public static final String BASE = "/api/v1";

    private final Javalin app;
    private final ApiSettings settings;
    private final Operations operations;
    private final AtomicReference<ServerConnector> tcp;
    private final LiveConsole.Endpoints live;
    private final List<AutoCloseable> owned;
    private final ExecSockets execSockets;
    private final MessageSockets messages;
    private final Gateway gateway;
    private final SocketIoServer socketIo;
    private final Tls tls;
    private final FailedAuthLimit authLimit;
    private volatile CertificateReloader reloader;
    private volatile boolean started;

    private ApiServer(Javalin app, ApiSettings settings, Operations operations, AtomicReference<ServerConnector> tcp,
                      LiveConsole.Endpoints live, List<AutoCloseable> owned, ExecSockets execSockets, MessageSockets messages,
                      Gateway gateway,
                      SocketIoServer socketIo, Tls tls, FailedAuthLimit authLimit) {
        this.app = app;
        this.settings = settings;
        this.operations = operations;
        this.tcp = tcp;
        this.live = live;
        this.owned = owned;
        this.execSockets = execSockets;
        this.messages = messages;
        this.gateway = gateway;
        this.socketIo = socketIo;
        this.tls = tls;
        this.authLimit = authLimit;
    }

    /** The TLS side of the TCP connector: the certificate loaded at build, and the factory a reload swaps it in. */
    private record Tls(TlsSettings settings, PemIdentity identity, AtomicReference<SslContextFactory.Server> ssl) {
    }

    /**
     * Builds (does not start) the API.
     *
     * @param fleet    the servers of this node
     * @param status   health and system facts
     * @param apiKey   the node API key
     * @param tokens   issues and verifies server tokens
     * @param settings where to listen and how to behave
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings) {
        ServerVolumes volumes = volumesOf(fleet);
        return build(fleet, status, apiKey, tokens, settings, LiveConsole.standalone(fleet, volumes.diskUsage()),
                new Operations(settings.operationCapacity(), settings.operationRetention(), Clock.systemUTC()), null,
                Observability.none(), null, volumes, true, null, null, null);
    }

    /** The volumes of an API built without a daemon: its own, under the fleet's volumes root, closed with it. */
    private static ServerVolumes volumesOf(ServerFleet fleet) {
        return new ServerVolumes(fleet.settings().volumesRoot(), UsageSettings.defaults());
    }

    /**
     * Like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService, ApiSettings)}, on the daemon's console and
     * stats hubs. Its operations live in memory only: a restart forgets them; it has no state archive
     * ({@code /state/export} and {@code /state/import} answer 501).
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole) {
        return build(fleet, status, apiKey, tokens, settings, liveConsole,
                new Operations(settings.operationCapacity(), settings.operationRetention(), Clock.systemUTC()), null,
                Observability.none(), null, volumesOf(fleet), true, null, null, null);
    }

    /**
     * Like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService, ApiSettings, LiveConsole)}, with its
     * operations written through to {@code journal}, so they outlive a daemon restart, and the node's
     * state exported from and imported into {@code archive}. Answers what the previous run left pending
     * (see {@link Operations#durable}): build one per daemon run.
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive) {
        return create(fleet, status, apiKey, tokens, settings, liveConsole, journal, archive, Observability.none());
    }

    /**
     * Like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService, ApiSettings, LiveConsole, OperationJournal,
     * StateArchive)}, measured: {@code GET /metrics} serves {@code observability}'s registry (which also times every
     * request and counts console sockets), {@code GET /health?deep=true} runs its deep checks, and server documents
     * and stats carry its game statuses.
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive,
                                   Observability observability) {
        return create(fleet, status, apiKey, tokens, settings, liveConsole, journal, archive, observability, (SftpUserDirectory) null);
    }

    /**
     * Like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService, ApiSettings, LiveConsole, OperationJournal,
     * StateArchive, Observability)}, with the servers' SFTP/FTP users managed at {@code /servers/{id}/sftp-users}
     * (without them, those routes do not exist).
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive,
                                   Observability observability, SftpUserDirectory sftpUsers) {
        return create(fleet, status, apiKey, tokens, settings, liveConsole, journal, archive, observability, sftpUsers, (BackupService) null);
    }

    /**
     * Like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService, ApiSettings, LiveConsole, OperationJournal,
     * StateArchive, Observability, SftpUserDirectory)}, with the node's backups (null: the backup routes answer 501).
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive,
                                   Observability observability, SftpUserDirectory sftpUsers, BackupService backups) {
        return create(fleet, status, apiKey, tokens, settings, liveConsole, journal, archive, observability, sftpUsers, backups, null);
    }

    /**
     * Like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService, ApiSettings, LiveConsole, OperationJournal,
     * StateArchive, Observability, SftpUserDirectory, BackupService)}, with templates ({@code /templates}, servers made
     * from them) and installs when {@code provisioning} is given.
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive,
                                   Observability observability, SftpUserDirectory sftpUsers, BackupService backups,
                                   Provisioning provisioning) {
        return build(fleet, status, apiKey, tokens, settings, liveConsole, Operations.durable(journal,
                settings.operationCapacity(), settings.operationRetention(), Clock.systemUTC()), archive, observability, sftpUsers,
                volumesOf(fleet), true, backups, null, provisioning);
    }

    /**
     * The daemon's API: like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService, ApiSettings, LiveConsole,
     * OperationJournal, StateArchive, Observability, SftpUserDirectory, BackupService)}, serving the servers' files
     * from the node's {@code volumes} (whose disk usage the stats hub reads too, and which its backups read and
     * restore; the caller closes them, after the API).
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive,
                                   Observability observability, SftpUserDirectory sftpUsers, ServerVolumes volumes,
                                   BackupService backups) {
        return create(fleet, status, apiKey, tokens, settings, liveConsole, journal, archive, observability, sftpUsers, volumes,
                backups, null);
    }

    /**
     * The daemon's API with templates and installs: like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService,
     * ApiSettings, LiveConsole, OperationJournal, StateArchive, Observability, SftpUserDirectory, ServerVolumes,
     * BackupService)}, with {@code provisioning} as {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService,
     * ApiSettings, LiveConsole, OperationJournal, StateArchive, Observability, SftpUserDirectory, BackupService,
     * Provisioning)} takes it.
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive,
                                   Observability observability, SftpUserDirectory sftpUsers, ServerVolumes volumes,
                                   BackupService backups, Provisioning provisioning) {
        return create(fleet, status, apiKey, tokens, settings, liveConsole, journal, archive, observability, sftpUsers, volumes,
                backups, null, provisioning);
    }

    /**
     * The daemon's API with its backup scheduler: like {@link #create(ServerFleet, NodeStatus, ApiKey, TokenService,
     * ApiSettings, LiveConsole, OperationJournal, StateArchive, Observability, SftpUserDirectory, ServerVolumes,
     * BackupService, Provisioning)}, and a server's backup list tells when {@code timetable} starts its next scheduled
     * backup (null: never told).
     */
    public static ApiServer create(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, OperationJournal journal, StateArchive archive,
                                   Observability observability, SftpUserDirectory sftpUsers, ServerVolumes volumes,
                                   BackupService backups, BackupTimetable timetable, Provisioning provisioning) {
        return build(fleet, status, apiKey, tokens, settings, liveConsole, Operations.durable(journal,
                settings.operationCapacity(), settings.operationRetention(), Clock.systemUTC()), archive, observability, sftpUsers,
                volumes, false, backups, timetable, provisioning);
    }

    private static ApiServer build(ServerFleet fleet, NodeStatus status, ApiKey apiKey, TokenService tokens, ApiSettings settings,
                                   LiveConsole liveConsole, Operations operations, StateArchive archive,
                                   Observability observability, SftpUserDirectory sftpUsers, ServerVolumes volumes,
                                   boolean ownsVolumes, BackupService backups, BackupTimetable timetable,
                                   Provisioning provisioning) {
        ProblemMapper problems = new ProblemMapper(id -> fleet.find(id).map(s -> s.stored().spec().name()));
        SecuritySettings security = settings.security();
        Tls tls = security.tls() == null ? null : new Tls(security.tls(), identity(security.tls()), new AtomicReference<>());
        FailedAuthLimit authLimit = new FailedAuthLimit(security.authLimit(), Clock.systemUTC());
        CorsPolicy cors = CorsPolicy.allowing(security.allowedOrigins());
        // servers on a node with an agent: their file routes go there (the files are on that node's disk)
        dev.raptor.api.agent.NodeAgentProxy agents = new dev.raptor.api.agent.NodeAgentProxy(fleet, settings.files().agents(),
                settings.files().uploadMaxFileBytes());
        Authenticator authenticator = new Authenticator(apiKey, tokens, op -> operations.ownerOf(op).or(() -> agents.ownerOf(op)), authLimit,
                new ClientAddress(security.trustedProxies()));
        // The servers' message sockets live as long as the API that reaches them (the daemon's lifetime).
        MessageSockets messages = new MessageSockets(fleet, MessagingSettings.defaults()).start();
        ServerRoutes servers = new ServerRoutes(fleet, operations, settings, observability.games(), messages, provisioning, timetable);
        TemplateRoutes templateRoutes = provisioning == null ? null : new TemplateRoutes(provisioning.templates(), settings);
        InstallRoutes installRoutes = provisioning == null || provisioning.installs() == null ? null
                : new InstallRoutes(provisioning.installs(), operations, settings);
        UpdateRoutes updateRoutes = provisioning == null || provisioning.updates() == null ? null
                : new UpdateRoutes(fleet, provisioning.updates(), operations, settings);
        LiveConsole.Endpoints live = liveConsole.endpoints(fleet, authenticator, cors, observability.games());
        ConsoleRoutes console = new ConsoleRoutes(fleet, settings, liveConsole.consoles(), liveConsole.stats(), live.follow(),
                observability.games());
        PowerRoutes power = new PowerRoutes(fleet, operations, settings);
        TokenRoutes tokenRoutes = new TokenRoutes(fleet, tokens, settings);
        NodeRoutes node = new NodeRoutes(status, observability.health(), authenticator);
        NodesRoute nodes = new NodesRoute(fleet);
        MetricsEndpoint metrics = new MetricsEndpoint(observability.metrics());
        ApiMetrics requests = new ApiMetrics(observability.metrics().registry());
        observability.metrics().gauge("raptor.console.sockets", "Console WebSockets open now", live.sockets()::openSockets);
        AuthMetrics.register(observability.metrics().registry(), "http", authLimit, FailedAuthLimit::failures, FailedAuthLimit::refusals,
                FailedAuthLimit::blockedAddresses);
        StateRoutes state = new StateRoutes(fleet, archive, settings);
        SftpUserRoutes sftp = sftpUsers == null ? null : new SftpUserRoutes(fleet, sftpUsers, settings);
        ServerExec serverExec = new ServerExec(fleet);
        ExecRoutes exec = new ExecRoutes(serverExec, settings);
        ExecSockets execSockets = new ExecSockets(fleet, serverExec, authenticator, problems, cors);
        ImageRoutes images = new ImageRoutes(new NodeImages(fleet), operations, settings);
        NetworkRoutes networks = new NetworkRoutes(new NodeNetworks(fleet), settings);
        // one signer for the run: file and backup links share its key and its memory of used links, told apart by purpose
        SignedLinks signedLinks = tokens.signedLinks();
        BackupRoutes backupRoutes = new BackupRoutes(fleet, backups, timetable, operations, signedLinks, settings);
        OpenApiDocument openapi = new OpenApiDocument(settings.version());
        ServerFilesAccess serverFiles = new ServerFilesAccess(fleet, volumes);
        FileActivity fileActivity = new FileActivity(fleet.store());
        FileOperations fileWork = new FileOperations(operations, fleet.bus(), settings.files().workers());
        RemoteFetch pulls = new RemoteFetch(settings.files(), settings.version());
        FileRoutes files = new FileRoutes(serverFiles, operations, fileWork, fileActivity, settings, pulls);
        FileLinkRoutes links = new FileLinkRoutes(serverFiles, signedLinks, fileActivity, settings);
        List<AutoCloseable> owned = new java.util.ArrayList<>(List.of(fileWork, pulls, agents));
        if (backups != null && !settings.files().agents().isEmpty()) {
            // servers on a node with an agent: their backups are archived there and restored there, stored here
            dev.raptor.api.agent.AgentBackupVolumes backupVolumes = new dev.raptor.api.agent.AgentBackupVolumes(agents, settings.files().agents());
            backups.useRemoteVolumes(backupVolumes);
            owned.add(backupVolumes);
        }
        if (ownsVolumes) {
            owned.add(volumes);
        }
        AtomicReference<ServerConnector> tcp = new AtomicReference<>();
        MessageRoutes messageRoutes = new MessageRoutes(messages, settings);
        Gateway gateway = new Gateway(fleet, liveConsole.consoles(), liveConsole.stats(), messages, authenticator, problems,
                settings.defaultWait());
        SocketIoServer socketIo = new SocketIoServer(EngineSettings.defaults(), java.util.Map.of("/", gateway), authenticator, cors);
        EngineServer engine = socketIo.engine();

        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            QueuedThreadPool pool = new QueuedThreadPool();
            pool.setName("raptor-http");
            // Jetty's selectors stay on platform threads; every request runs on its own virtual thread, but the polled
            // list (answered on the selector, or on a platform thread: RequestThreads says why), and so do the WebSocket
            // sessions' frames (Jetty's blocking tasks).
            java.util.concurrent.ExecutorService virtual = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("raptor-request-", 0).factory());
            pool.setVirtualThreadsExecutor(virtual);
            config.jetty.threadPool = pool;
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            WebConsole.install(config); // the browser console at "/" (static files; not routes of the API)
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            // Jetty reads a connection 8 KiB at a time by default: a 1 GiB upload was 131,072 socket reads, each a
            // trip through the parser and one write(2) of the file. Every connector takes its buffers from one pool
            // that keeps buffers this large (Jetty's default one keeps up to 64 KiB).
            config.jetty.modifyHttpConfiguration(http -> http.setInputBufferSize(ConnectionBuffers.INPUT_BYTES));
            ByteBufferPool buffers = ConnectionBuffers.pool();
            config.http.prefer405over404 = true;
            config.http.compressionStrategy = PolledAnswer.COMPRESSION; // Javalin's default, stated: the polled list decides alike
            config.http.defaultContentType = Responses.JSON;
            config.router.ignoreTrailingSlashes = true;
            config.jetty.modifyWebSocketServletFactory(live.sockets()::configureFactory);
            config.jetty.modifyServer(server -> {
                // Javalin puts its servlet context inside this wrapper; a server whose handlers never change (not
                // dynamic) lets Jetty take the wrapper's word that calling it never blocks
                server.setDynamic(false);
                // the ordinary poll answered where Jetty read it; the rest of the polled requests on platform threads
                server.setHandler(new RequestThreads(virtual, pool, ApiServer::polled,
                        new PolledListInPlace(servers, authenticator, requests, BASE + "/servers")));
                server.setErrorHandler(new ProblemErrorHandler());
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                server.setStopAtShutdown(false); // the daemon's shutdown hook stops things in order
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector c;
                if (tls == null) {
                    org.eclipse.jetty.server.HttpConnectionFactory h1 = new org.eclipse.jetty.server.HttpConnectionFactory(http);
                    c = PollStamps.ON ? new PollStampConnector(server, buffers, ConnectorSelectors.count(), h1)
                            : new ServerConnector(server, null, null, buffers, -1, ConnectorSelectors.count(), h1);
                } else {
                    TlsConnector.Made made = TlsConnector.create(server, http, tls.identity(), buffers);
                    tls.ssl().set(made.ssl());
                    c = made.connector();
                }
                c.setIdleTimeout(ConnectorSelectors.IDLE_TIMEOUT.toMillis());
                c.setHost(settings.httpHost());
                c.setPort(settings.httpPort());
                c.setName("tcp");
                tcp.set(c);
                return c;
            });
            if (settings.socketPath() != null) {
                config.jetty.addConnector((server, http) -> UnixSocket.connector(server, http, settings.socketPath(), buffers));
            }
            config.requestLogger.http((ctx, ms) -> {
                long handled = Math.round(ms * 1_000_000);
                String route = routeOf(ctx);
                requests.record(ctx.method().name(), route, ctx.statusCode(), Duration.ofNanos(handled));
                // Javalin's time starts when its servlet got the request; Jetty's when the headers were read: the gap is
                // the request's wait for a thread (a virtual thread's for a carrier), invisible in the handler's time
                long waited = RequestWait.nanos(ctx.req(), System.nanoTime() - handled);
                if (waited >= 0) {
                    requests.recordWait(ctx.method().name(), route, Duration.ofNanos(waited));
                }
                PollStamps.written(ctx.req(), System.nanoTime() - handled);
                if (ctx.statusCode() >= 500) {
                    log.warn("{} {} -> {} in {} ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms));
                } else if (log.isDebugEnabled()) {
                    log.debug("{} {} -> {} in {} ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms));
                }
            });

            var routes = config.routes;
            // an error answer first reads off what the handler left of the body (an upload refused before its first
            // byte), so that a client still writing it gets the answer rather than a reset connection
            routes.exception(HttpResponseException.class, (e, ctx) -> {
                UnreadBody.discard(ctx, UnreadBody.ERROR_DRAIN_BYTES);
                Responses.problem(ctx, problems.map(e));
            });
            routes.exception(Exception.class, (e, ctx) -> {
                UnreadBody.discard(ctx, UnreadBody.ERROR_DRAIN_BYTES);
                Responses.problem(ctx, problems.map(e));
            });
            routes.exception(EngineRefusal.class, EngineServer::refuse);
            // Javalin would route by this header; a proxy that lets only GET through must not see a DELETE.
            routes.before(ctx -> {
                if (ctx.req().getHeader("X-HTTP-Method-Override") != null) {
                    throw ProblemException.badRequest("method-override", "Method override not supported",
                            "X-HTTP-Method-Override is not supported; send the request with its real method");
                }
            });
            // Javalin (and PolledAnswer) compress an answer large enough when the client accepts it: a cache between
            // panel and node must key its copies on that header (RFC 9110 12.5.5)
            routes.before(ctx -> ctx.res().addHeader("Vary", "Accept-Encoding"));
            // Browsers: preflights answered, pages of origins not allowed refused, before anything else runs.
            routes.before(cors::before);
            routes.beforeMatched(authenticator);

            routes.get(BASE + "/health", node::health, Access.PUBLIC);
            routes.get("/metrics", metrics::serve, Access.NODE);
            routes.get(BASE + "/system", node::system, Access.NODE);
            routes.get(BASE + "/nodes", nodes::list, Access.NODE);
            routes.get(BASE + "/openapi.json", openapi::serve, Access.NODE);
            routes.get(BASE + "/state/export", state::export, Access.NODE);
            routes.post(BASE + "/state/import", state::importState, Access.NODE);

            routes.get(BASE + "/servers", servers::list, Access.NODE);
            routes.post(BASE + "/servers", servers::create, Access.NODE);
            routes.get(BASE + "/servers/{id}", servers::get, Access.NODE);
            routes.patch(BASE + "/servers/{id}", servers::patch, Access.NODE);
            routes.delete(BASE + "/servers/{id}", servers::delete, Access.NODE);

            routes.post(BASE + "/servers/{id}/power", power::power, Access.server(Permission.POWER));
            routes.post(BASE + "/servers/{id}/transfer", power::transfer, Access.NODE); // moves files between machines: the node key only
            routes.get(BASE + "/operations/{opId}", agents.aroundOperation(power::operation), Access.operation(Permission.POWER, Permission.FILES_READ));
            routes.delete(BASE + "/operations/{opId}", agents.aroundOperation(power::cancel), Access.operation(Permission.POWER, Permission.FILES_WRITE));

            routes.post(BASE + "/servers/{id}/commands", console::command, Access.server(Permission.CONSOLE_WRITE));
            routes.get(BASE + "/servers/{id}/logs", console::logs, Access.server(Permission.CONSOLE_READ));
            routes.get(BASE + "/servers/{id}/stats", console::stats, Access.server(Permission.CONSOLE_READ));
            routes.get(BASE + "/servers/{id}/activity", console::activity, Access.server(Permission.CONSOLE_READ));
            // The console WebSocket (protocol: README-console.md); a plain GET there answers 426.
            routes.get(BASE + "/servers/{id}/ws", live.sockets()::upgradeRequired, Access.server(Permission.CONSOLE_READ));
            routes.wsBeforeUpgrade(BASE + "/servers/{id}/ws", live.sockets()::beforeUpgrade);
            routes.ws(BASE + "/servers/{id}/ws", live.sockets()::configure);

            routes.post(BASE + "/servers/{id}/messages", messageRoutes::send, Access.server(Permission.CONSOLE_WRITE));

            // The Socket.IO gateway (Engine.IO 4 long-polling and WebSocket); credentials come in its handshake.
            routes.get(SocketIoServer.PATH, engine::get, Access.PUBLIC);
            routes.post(SocketIoServer.PATH, engine::post, Access.PUBLIC);
            routes.wsBeforeUpgrade(SocketIoServer.PATH, engine::beforeUpgrade);
            routes.ws(SocketIoServer.PATH, engine::configure);

            routes.post(BASE + "/servers/{id}/tokens", tokenRoutes::issue, Access.NODE);

            // Files (the jail: raptor-files); long work answers as operations, like power actions.
            Access read = Access.server(Permission.FILES_READ);
            Access write = Access.server(Permission.FILES_WRITE);
            routes.get(BASE + "/servers/{id}/files", agents.around(files::list), read);
            routes.get(BASE + "/servers/{id}/files/content", agents.around(files::read), read);
            routes.put(BASE + "/servers/{id}/files/content", agents.around(files::write), write);
            routes.get(BASE + "/servers/{id}/files/search", agents.around(files::search), read);
            routes.post(BASE + "/servers/{id}/files/directory", agents.around(files::directory), write);
            routes.post(BASE + "/servers/{id}/files/rename", agents.around(files::rename), write);
            routes.post(BASE + "/servers/{id}/files/copy", agents.around(files::copy), write);
            routes.post(BASE + "/servers/{id}/files/delete", agents.around(files::delete), write);
            routes.post(BASE + "/servers/{id}/files/chmod", agents.around(files::chmod), write);
            routes.post(BASE + "/servers/{id}/files/compress", agents.around(files::compress), write);
            routes.post(BASE + "/servers/{id}/files/decompress", agents.around(files::decompress), write);
            routes.post(BASE + "/servers/{id}/files/pull", agents.around(files::pull), write);
            routes.post(BASE + "/servers/{id}/files/upload-url", agents.linkUrl(links, true, links::uploadUrl), write);
            routes.post(BASE + "/servers/{id}/files/download-url", agents.linkUrl(links, false, links::downloadUrl), read);
            // A browser's one-shot transfers: the signed link in ?token= is the credential.
            routes.post(FileLinkRoutes.UPLOAD_PATH, agents.linkUpload(links), Access.SIGNED_LINK);
            routes.get(FileLinkRoutes.DOWNLOAD_PATH, agents.linkDownload(links), Access.SIGNED_LINK);
            if (templateRoutes != null) {
                routes.post(BASE + "/templates", templateRoutes::importEgg, Access.NODE);
                routes.get(BASE + "/templates", templateRoutes::list, Access.NODE);
                routes.get(BASE + "/templates/{templateId}", templateRoutes::get, Access.NODE);
                routes.delete(BASE + "/templates/{templateId}", templateRoutes::delete, Access.NODE);
            }
            if (installRoutes != null) {
                routes.post(BASE + "/servers/{id}/install", installRoutes::install, Access.NODE);
                routes.post(BASE + "/servers/{id}/reinstall", installRoutes::reinstall, Access.NODE);
                routes.get(BASE + "/servers/{id}/install/log", installRoutes::log, Access.server(Permission.CONSOLE_READ));
            }
            if (updateRoutes != null) {
                routes.put(BASE + "/servers/{id}/update-source", updateRoutes::putSource, Access.NODE);
                routes.get(BASE + "/servers/{id}/update-source", updateRoutes::getSource, Access.NODE);
                routes.delete(BASE + "/servers/{id}/update-source", updateRoutes::deleteSource, Access.NODE);
                routes.post(BASE + "/servers/{id}/update", updateRoutes::update, Access.NODE);
                routes.post(BASE + "/servers/{id}/rollback", updateRoutes::rollback, Access.NODE);
                routes.get(BASE + "/servers/{id}/updates", updateRoutes::history, Access.NODE);
            }
            if (sftp != null) {
                routes.post(BASE + "/servers/{id}/sftp-users", sftp::create, Access.NODE);
                routes.get(BASE + "/servers/{id}/sftp-users", sftp::list, Access.NODE);
                routes.delete(BASE + "/servers/{id}/sftp-users/{username}", sftp::delete, Access.NODE);
                routes.put(BASE + "/servers/{id}/sftp-users/{username}/password", sftp::password,
                        Access.server(Permission.FILES_WRITE));
            }

            // Commands inside a running server: one answered with its output, or an interactive session on a
            // WebSocket (protocol: README-exec.md); a plain GET there answers 426.
            routes.post(BASE + "/servers/{id}/exec", exec::exec, Access.server(Permission.EXEC));
            routes.get(BASE + "/servers/{id}/exec/ws", execSockets::upgradeRequired, Access.server(Permission.EXEC));
            routes.wsBeforeUpgrade(BASE + "/servers/{id}/exec/ws", execSockets::beforeUpgrade);
            routes.ws(BASE + "/servers/{id}/exec/ws", execSockets::configure);

            routes.post(BASE + "/servers/{id}/commit", images::commit, Access.NODE);
            routes.get(BASE + "/images", images::list, Access.NODE);
            routes.post(BASE + "/images/pull", images::pull, Access.NODE);
            routes.post(BASE + "/images/prune", images::prune, Access.NODE);
            routes.delete(BASE + "/images/{ref}", images::remove, Access.NODE);

            routes.get(BASE + "/networks", networks::list, Access.NODE);
            routes.post(BASE + "/networks", networks::create, Access.NODE);
            routes.delete(BASE + "/networks/{name}", networks::remove, Access.NODE);

            routes.get(BASE + "/servers/{id}/backups", backupRoutes::list, Access.NODE);
            routes.post(BASE + "/servers/{id}/backups", backupRoutes::create, Access.NODE);
            routes.post(BASE + "/servers/{id}/backups/import", backupRoutes::importArchive, Access.NODE);
            routes.get(BASE + "/servers/{id}/backups/{bid}", backupRoutes::get, Access.NODE);
            routes.delete(BASE + "/servers/{id}/backups/{bid}", backupRoutes::delete, Access.NODE);
            routes.get(BASE + "/servers/{id}/backups/{bid}/download", backupRoutes::download, Access.NODE);
            routes.post(BASE + "/servers/{id}/backups/{bid}/download-url", backupRoutes::downloadUrl, Access.NODE);
            // A browser's download of a backup: the signed link in ?token= is the credential, as for files.
            routes.get(BackupRoutes.DOWNLOAD_PATH, backupRoutes::linkDownload, Access.SIGNED_LINK);
            routes.post(BASE + "/servers/{id}/backups/{bid}/restore", backupRoutes::restore, Access.NODE);
            routes.post(BASE + "/servers/{id}/backups/{bid}/lock", backupRoutes::lock, Access.NODE);
            routes.post(BASE + "/servers/{id}/backups/{bid}/unlock", backupRoutes::unlock, Access.NODE);
        });
        return new ApiServer(app, settings, operations, tcp, live, owned, execSockets, messages, gateway, socketIo, tls, authLimit);
    }

    /** The certificate and key of {@code tls}, checked; a pair that cannot serve stops the build naming both files. */
    private static PemIdentity identity(TlsSettings tls) {
        try {
            return PemIdentity.read(tls.certificate(), tls.privateKey());
        } catch (TlsFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The requests answered in place or on Jetty's platform threads ({@link RequestThreads}): {@code GET /servers}, the
     * list a panel polls, which never blocks (written from each server's kept bytes).
     */
    static boolean polled(org.eclipse.jetty.server.Request request) {
        if (!"GET".equals(request.getMethod())) {
            return false;
        }
        String path = request.getHttpURI().getPath();
        return path != null && (path.equals(BASE + "/servers") || path.equals(BASE + "/servers/"));
    }

    /** The matched route's pattern ({@code /api/v1/servers/{id}}), never the raw path: one series per route. */
    private static String routeOf(io.javalin.http.Context ctx) {
        try {
            io.javalin.router.Endpoint e = ctx.endpoints().lastHttpEndpoint();
            return e == null ? "unmatched" : e.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    /** Binds the TCP port and the Unix socket and starts serving. */
    public ApiServer start() {
        if (settings.socketPath() != null) {
            UnixSocket.prepare(settings.socketPath());
        }
        app.start();
        if (settings.socketPath() != null) {
            UnixSocket.restrict(settings.socketPath());
        }
        started = true;
        if (tls != null) {
            reloader = CertificateReloader.start(tls.settings(), tls.ssl().get(), tls.identity());
        }
        log.info("API listening on {}://{}:{}{} and unix:{}", scheme(), settings.httpHost(), port(), BASE,
                settings.socketPath() == null ? "(none)" : settings.socketPath());
        return this;
    }

    /** {@code https} when the TCP port speaks TLS, else {@code http}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** The certificate served now (empty without TLS): the one loaded at start, or the last renewal picked up. */
    public java.util.Optional<PemIdentity> certificate() {
        CertificateReloader r = reloader;
        return tls == null ? java.util.Optional.empty() : java.util.Optional.of(r == null ? tls.identity() : r.served());
    }

    /** The HTTP API's failed-authentication limit (for tests and metrics). */
    public FailedAuthLimit authLimit() {
        return authLimit;
    }

    /** The bound TCP port (useful when the settings asked for 0). */
    public int port() {
        ServerConnector c = tcp.get();
        return c == null ? -1 : c.getLocalPort();
    }

    public Path socketPath() {
        return settings.socketPath();
    }

    public Operations operations() {
        return operations;
    }

    /** Interactive exec sockets open now (tests prove none leaks). */
    public int execSocketCount() {
        return execSockets.openSockets();
    }

    /** The servers' message sockets. */
    public MessageSockets messages() {
        return messages;
    }

    /** The Socket.IO gateway (for counters and tests). */
    public Gateway gateway() {
        return gateway;
    }

    /** The Engine.IO sessions under the gateway (for counters and tests). */
    public EngineServer socketIo() {
        return socketIo.engine();
    }

    /** The HTTP routes as Javalin serves them (for the route-walk and OpenAPI tests). */
    public List<ParsedEndpoint> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .toList();
    }

    /**
     * Stops accepting, lets in-flight requests finish (at most the shutdown grace; requests waiting
     * for an operation are answered 202 at once) and removes the socket file.
     */
    @Override
    public void close() {
        CertificateReloader r = reloader;
        if (r != null) {
            r.close();
        }
        operations.close();
        live.close(); // console sockets and log follows end now rather than at the shutdown grace
        execSockets.close();
        socketIo.close();
        gateway.close();
        messages.close();
        if (started) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                log.warn("the HTTP server did not stop cleanly: {}", e.toString());
            }
        }
        for (AutoCloseable c : owned) {
            try {
                c.close(); // file work is cancelled (its partial output removed), then the volumes close
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        if (settings.socketPath() != null && started) {
            try {
                Files.deleteIfExists(settings.socketPath());
            } catch (java.io.IOException e) {
                log.warn("could not remove the socket {}: {}", settings.socketPath(), e.toString());
            }
        }
    }
}
