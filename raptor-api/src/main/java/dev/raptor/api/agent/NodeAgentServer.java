package dev.raptor.api.agent;

import dev.raptor.api.ApiServer;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.FailedAuthLimit;
import dev.raptor.api.tls.CertificateReloader;
import dev.raptor.api.tls.PemIdentity;
import dev.raptor.api.tls.TlsConnector;
import dev.raptor.api.tls.TlsFileException;
import dev.raptor.api.tls.TlsSettings;
import dev.raptor.api.files.FileActivity;
import dev.raptor.api.files.FileLinkRoutes;
import dev.raptor.api.http.Query;
import dev.raptor.files.ServerFiles;
import dev.raptor.api.files.FileOperations;
import dev.raptor.api.files.FileRoutes;
import dev.raptor.api.files.RemoteFetch;
import dev.raptor.api.files.ServerFilesAccess;
import dev.raptor.api.http.Responses;
import dev.raptor.api.operations.OperationAnswer;
import dev.raptor.api.operations.OperationRoutes;
import dev.raptor.api.operations.Operations;
import dev.raptor.api.problem.ProblemErrorHandler;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.api.problem.ProblemMapper;
import dev.raptor.core.event.EventBus;
import dev.raptor.files.ServerVolumes;
import dev.raptor.wire.problem.Problem;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code raptord agent}: the file API of the servers whose volumes are on this node, for the manager's raptord only.
 * The same {@link FileRoutes}, jail, quota and archive code as the manager's own file API, at the same paths
 * ({@code /api/v1/servers/{id}/files...}), so the manager forwards a request unchanged ({@link NodeAgentProxy}). The
 * agent keeps no state of its own: the manager authenticates the caller, and sends the agent key (the only
 * credential accepted here), the server's file policy ({@link AgentFilePolicy}) and who asked. The activity entries of
 * a request go back in its answer ({@link AgentActivity}) to the manager's activity log; those of an operation that
 * ends after its answer (a long delete or compress that outlasted its wait) are kept ({@link AgentActivityOutbox}) until
 * the manager, which follows the operation, collects them with its document. With a certificate
 * ({@code settings.security().tls()}) it serves HTTPS only; wrong agent keys count against the caller's address
 * ({@code settings.security().authLimit()}), which is then answered 429 for a while.
 */
public final class NodeAgentServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgentServer.class);
    private static final String BASE = ApiServer.BASE;
    private static final ScopedValue<AgentFilePolicy> POLICY = ScopedValue.newInstance();
    /** The activity entries written while answering the current request, for the answer's header. */
    private static final ScopedValue<List<AgentActivity>> ACTIVITY = ScopedValue.newInstance();

    private final Javalin app;
    private final AtomicReference<ServerConnector> tcp;
    private final TlsSettings tls;
    private final PemIdentity identity;
    private final AtomicReference<SslContextFactory.Server> ssl;
    private final FailedAuthLimit authLimit;
    private final AgentBackupRoutes backups;
    private final AutoCloseable[] owned;
    private volatile CertificateReloader reloader;

    private NodeAgentServer(Javalin app, AtomicReference<ServerConnector> tcp, TlsSettings tls, PemIdentity identity,
                            AtomicReference<SslContextFactory.Server> ssl, FailedAuthLimit authLimit, AgentBackupRoutes backups,
                            AutoCloseable... owned) {
        this.app = app;
        this.tcp = tcp;
        this.tls = tls;
        this.identity = identity;
        this.ssl = ssl;
        this.authLimit = authLimit;
        this.backups = backups;
        this.owned = owned;
    }

    /**
     * The agent serving {@code volumes} on {@code settings}' host and port, accepting only {@code agentKey}; not started.
     */
    public static NodeAgentServer create(ServerVolumes volumes, ApiKey agentKey, ApiSettings settings) {
        ProblemMapper problems = new ProblemMapper(id -> Optional.empty());
        Operations operations = new Operations(settings.operationCapacity(), settings.operationRetention(), Clock.systemUTC());
        EventBus bus = new EventBus();
        FileOperations work = new FileOperations(operations, bus, settings.files().workers());
        RemoteFetch pulls = new RemoteFetch(settings.files(), settings.version());
        AgentActivityOutbox outbox = new AgentActivityOutbox();
        FileActivity activity = new FileActivity((server, type, message, details) -> {
            if (ACTIVITY.isBound()) {
                ACTIVITY.get().add(new AgentActivity(type, message, details));
            } else {
                // an operation's entry, written on its worker: kept for the manager, which collects it by the operation's id
                log.atInfo().addKeyValue("server", server).addKeyValue("type", type).addKeyValue("details", details).log("{}", message);
                if (FileOperations.OPERATION.isBound()) {
                    outbox.add(FileOperations.OPERATION.get(), new AgentActivity(type, message, details));
                }
            }
        });
        ServerFilesAccess access = new ServerFilesAccess(id -> POLICY.get().toPolicy(), volumes);
        FileRoutes files = new FileRoutes(access, operations, work, activity, settings, pulls);
        AtomicReference<ServerConnector> tcp = new AtomicReference<>();
        PemIdentity identity = identity(settings.security().tls());
        AtomicReference<SslContextFactory.Server> ssl = new AtomicReference<>();
        FailedAuthLimit limit = new FailedAuthLimit(settings.security().authLimit(), Clock.systemUTC());
        // the routes' credential check: the agent key behind the guard, and where operations' entries wait for the manager
        Guard key = new Guard(agentKey, limit, outbox);
        AgentBackupRoutes backups = new AgentBackupRoutes(volumes, access, problems);

        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            QueuedThreadPool pool = new QueuedThreadPool();
            pool.setName("raptor-agent-http");
            pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("raptor-agent-request-", 0).factory()));
            config.jetty.threadPool = pool;
            config.startup.showJavalinBanner = false;
            config.startup.startupWatcherEnabled = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.http.defaultContentType = Responses.JSON;
            config.router.ignoreTrailingSlashes = true;
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new ProblemErrorHandler());
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                server.setStopAtShutdown(false);
            });
            config.jetty.addConnector((server, http) -> {
                // with a certificate: HTTPS only (a plain request is answered 400 https-required), as the API's port
                ServerConnector c;
                if (identity == null) {
                    c = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
                } else {
                    TlsConnector.Made made = TlsConnector.create(server, http, identity, null); // null: the server's own buffer pool, as the plain connector above
                    ssl.set(made.ssl());
                    c = made.connector();
                }
                c.setHost(settings.httpHost());
                c.setPort(settings.httpPort());
                tcp.set(c);
                return c;
            });
            var routes = config.routes;
            routes.exception(HttpResponseException.class, (e, ctx) -> Responses.problem(ctx, problems.map(e)));
            routes.exception(Exception.class, (e, ctx) -> Responses.problem(ctx, problems.map(e)));
            routes.get(BASE + "/health", ctx -> Responses.json(ctx, 200, Map.of("status", "ok", "role", "agent")));

            routes.get(BASE + "/servers/{id}/files", forwarded(key, files::list));
            routes.get(BASE + "/servers/{id}/files/content", forwarded(key, files::read));
            routes.put(BASE + "/servers/{id}/files/content", forwarded(key, files::write));
            routes.get(BASE + "/servers/{id}/files/search", forwarded(key, files::search));
            routes.post(BASE + "/servers/{id}/files/directory", forwarded(key, files::directory));
            routes.post(BASE + "/servers/{id}/files/rename", forwarded(key, files::rename));
            routes.post(BASE + "/servers/{id}/files/copy", forwarded(key, files::copy));
            routes.post(BASE + "/servers/{id}/files/delete", forwarded(key, files::delete));
            routes.post(BASE + "/servers/{id}/files/chmod", forwarded(key, files::chmod));
            routes.post(BASE + "/servers/{id}/files/compress", forwarded(key, files::compress));
            routes.post(BASE + "/servers/{id}/files/decompress", forwarded(key, files::decompress));
            routes.post(BASE + "/servers/{id}/files/pull", forwarded(key, files::pull));
            // the disk usage of a server's files as this node measures them (and enforces its quota by)
            routes.get(BASE + NodeAgentProxy.USAGE, forwarded(key, ctx -> {
                var figure = access.of(Query.serverId(ctx)).usage();
                Map<String, Object> doc = new java.util.LinkedHashMap<>();
                figure.bytes().ifPresent(b -> doc.put("bytes", b));
                if (figure.measuredAt() != null) {
                    doc.put("measuredAt", figure.measuredAt().toString());
                }
                doc.put("scanning", figure.scanning());
                doc.put("limitBytes", figure.limitBytes());
                ctx.header("Cache-Control", "no-store");
                Responses.json(ctx, 200, doc);
            }));
            // signed links: the manager signs and redeems them; the agent checks the path and takes the upload
            routes.post(BASE + NodeAgentProxy.LINK_CHECK, forwarded(key, ctx -> {
                ServerFiles f = access.of(Query.serverId(ctx));
                String path = Query.text(ctx, "path").orElseThrow(() -> ProblemException.invalidParameter("path", "is required"));
                if ("upload".equals(ctx.queryParam("purpose"))) {
                    FileLinkRoutes.checkUpload(f, path);
                } else {
                    FileLinkRoutes.checkDownload(f, path);
                }
                ctx.status(204);
            }));
            routes.post(BASE + NodeAgentProxy.LINK_UPLOAD, forwarded(key, ctx -> {
                java.util.UUID id = Query.serverId(ctx);
                String dir = Query.text(ctx, "path").orElseThrow(() -> ProblemException.invalidParameter("path", "is required"));
                long max = Query.longValue(ctx, "uploadMaxFileBytes", 0, 0, Long.MAX_VALUE);
                FileLinkRoutes.writeUpload(ctx, access.of(id), activity, id, dir, FileActivity.who(ctx), max);
            }));
            // backups and restores of its servers' files: the manager stores the archives and keeps the records
            routes.post(BASE + AgentBackupRoutes.ARCHIVE, forwarded(key, backups::archive));
            routes.post(BASE + AgentBackupRoutes.RESTORE, forwarded(key, backups::restore));
            routes.get(BASE + AgentBackupRoutes.RESTORE_OUTCOME, forwarded(key, backups::outcome));
            // the file operations it runs, asked through the manager (which remembers which agent runs which)
            OperationRoutes byId = new OperationRoutes(operations);
            routes.get(BASE + "/operations/{opId}", ctx -> {
                authenticate(ctx, key);
                byId.operation(ctx);
                // the entries of an operation that ended after its 202, for the manager that follows it
                List<AgentActivity> late = outbox.take(ctx.pathParam("opId"));
                if (!late.isEmpty()) {
                    ctx.header(AgentActivity.HEADER, AgentActivity.encode(late));
                }
            });
            routes.delete(BASE + "/operations/{opId}", ctx -> {
                authenticate(ctx, key);
                byId.cancel(ctx);
            });
        });
        return new NodeAgentServer(app, tcp, settings.security().tls(), identity, ssl, limit, backups, work, pulls, operations, bus);
    }

    /** The certificate and key the agent serves, checked; null without TLS. */
    private static PemIdentity identity(TlsSettings tls) {
        if (tls == null) {
            return null;
        }
        try {
            return PemIdentity.read(tls.certificate(), tls.privateKey());
        } catch (TlsFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code route} for a request that carries the agent key, with the policy and the who the manager sent. */
    private static Handler forwarded(Guard key, Handler route) {
        return ctx -> {
            authenticate(ctx, key);
            AgentFilePolicy policy;
            try {
                policy = AgentFilePolicy.decode(ctx.header(AgentFilePolicy.HEADER));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("agent-policy", "No file policy", e.getMessage());
            }
            String by = ctx.header(NodeAgentProxy.BY_HEADER);
            ctx.attribute(FileActivity.FORWARDED_BY, by == null || by.isBlank() ? "manager" : by.strip());
            List<AgentActivity> entries = new CopyOnWriteArrayList<>();
            ScopedValue.where(POLICY, policy).where(ACTIVITY, entries).call(() -> {
                route.handle(ctx);
                return null;
            });
            // a request that waited for its operation: the operation's entry, written on its worker, goes back with it
            entries.addAll(key.outbox().take(ctx.attribute(OperationAnswer.ANSWERED)));
            if (!entries.isEmpty()) {
                if (ctx.res().isCommitted()) {
                    entries.forEach(a -> log.atInfo().addKeyValue("type", a.type()).addKeyValue("details", a.details()).log("{}", a.message()));
                } else {
                    ctx.header(AgentActivity.HEADER, AgentActivity.encode(entries));
                }
            }
        };
    }

    /**
     * The agent key check, behind the API's brute-force guard ({@link FailedAuthLimit}, the same settings): wrong keys
     * count against the caller's address, and past the limit that address is answered 429 with {@code Retry-After},
     * its key not even looked at, until the block ends. A request without a key is refused but not counted (it
     * guesses nothing). Only the manager should ever reach an agent, so every refused key is logged.
     */
    private record Guard(ApiKey key, FailedAuthLimit limit, AgentActivityOutbox outbox) {
        void check(Context ctx) {
            String client = dev.raptor.api.http.ClientAddress.direct().of(ctx);
            Optional<java.time.Duration> left = limit.blocked(client);
            if (left.isPresent()) {
                long s = Authenticator.seconds(left.get());
                ctx.header("Retry-After", Long.toString(s));
                throw new ProblemException(Problem.of(429, "too-many-auth-failures", "Too many refused credentials",
                        "too many refused agent keys from this address: try again in " + s + " s"));
            }
            String header = ctx.header("Authorization");
            String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
            if (presented.isEmpty() || !key.matches(presented)) {
                if (!presented.isEmpty()) {
                    log.atWarn().addKeyValue("client", client).addKeyValue("path", ctx.path())
                            .log("refused a wrong agent key (is RAPTOR_AGENT_KEY the same on the manager?)");
                    limit.refused(client, true);
                }
                ctx.header("WWW-Authenticate", "Bearer realm=\"raptor-agent\"");
                throw new ProblemException(Problem.of(401, "unauthorized", "Authentication required",
                        "a node agent answers only its manager: 'Authorization: Bearer <agent key>'"));
            }
        }
    }

    private static void authenticate(Context ctx, Guard key) {
        key.check(ctx);
    }

    public NodeAgentServer start() {
        app.start();
        if (identity != null) {
            // a renewed certificate is served without a restart, as on the API's port
            reloader = CertificateReloader.start(tls, ssl.get(), identity);
        }
        return this;
    }

    /** {@code https} when the agent was given a certificate, else {@code http}. */
    public String scheme() {
        return identity == null ? "http" : "https";
    }

    /** The guard that counts wrong agent keys per address. */
    public FailedAuthLimit authLimit() {
        return authLimit;
    }

    /** Holds every restore before each of its phases' frames (tests that cut the manager's connection there). */
    void beforeRestorePhase(java.util.function.Consumer<dev.raptor.files.RestorePhase> hook) {
        backups.beforePhase(hook);
    }

    /** The port it listens on (the one bound when 0 was asked). */
    public int port() {
        return tcp.get().getLocalPort();
    }

    @Override
    public void close() {
        CertificateReloader r = reloader;
        if (r != null) {
            r.close();
        }
        app.stop();
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
