package dev.raptor.api.agent;

import dev.raptor.api.ApiServer;
import dev.raptor.api.ApiSettings;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.files.FileActivity;
import dev.raptor.api.files.FileLinkRoutes;
import dev.raptor.api.http.Query;
import dev.raptor.files.ServerFiles;
import dev.raptor.api.files.FileOperations;
import dev.raptor.api.files.FileRoutes;
import dev.raptor.api.files.RemoteFetch;
import dev.raptor.api.files.ServerFilesAccess;
import dev.raptor.api.http.Responses;
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
 * ends after its answer (a long delete or compress that outlasted its wait) are only in the agent's log.
 */
public final class NodeAgentServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgentServer.class);
    private static final String BASE = ApiServer.BASE;
    private static final ScopedValue<AgentFilePolicy> POLICY = ScopedValue.newInstance();
    /** The activity entries written while answering the current request, for the answer's header. */
    private static final ScopedValue<List<AgentActivity>> ACTIVITY = ScopedValue.newInstance();

    private final Javalin app;
    private final AtomicReference<ServerConnector> tcp;
    private final AutoCloseable[] owned;

    private NodeAgentServer(Javalin app, AtomicReference<ServerConnector> tcp, AutoCloseable... owned) {
        this.app = app;
        this.tcp = tcp;
        this.owned = owned;
    }

    /**
     * The agent serving {@code volumes} on {@code settings}' host and port, accepting only {@code key}; not started.
     */
    public static NodeAgentServer create(ServerVolumes volumes, ApiKey key, ApiSettings settings) {
        ProblemMapper problems = new ProblemMapper(id -> Optional.empty());
        Operations operations = new Operations(settings.operationCapacity(), settings.operationRetention(), Clock.systemUTC());
        EventBus bus = new EventBus();
        FileOperations work = new FileOperations(operations, bus, settings.files().workers());
        RemoteFetch pulls = new RemoteFetch(settings.files(), settings.version());
        FileActivity activity = new FileActivity((server, type, message, details) -> {
            if (ACTIVITY.isBound()) {
                ACTIVITY.get().add(new AgentActivity(type, message, details));
            } else {
                // written after the answer (an operation that outlasted its wait): the agent's own log keeps it
                log.atInfo().addKeyValue("server", server).addKeyValue("type", type).addKeyValue("details", details).log("{}", message);
            }
        });
        ServerFilesAccess access = new ServerFilesAccess(id -> POLICY.get().toPolicy(), volumes);
        FileRoutes files = new FileRoutes(access, operations, work, activity, settings, pulls);
        AtomicReference<ServerConnector> tcp = new AtomicReference<>();

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
                ServerConnector c = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
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
            AgentBackupRoutes backups = new AgentBackupRoutes(volumes, access, problems);
            routes.post(BASE + AgentBackupRoutes.ARCHIVE, forwarded(key, backups::archive));
            routes.post(BASE + AgentBackupRoutes.RESTORE, forwarded(key, backups::restore));
            // the file operations it runs, asked through the manager (which remembers which agent runs which)
            OperationRoutes byId = new OperationRoutes(operations);
            routes.get(BASE + "/operations/{opId}", ctx -> {
                authenticate(ctx, key);
                byId.operation(ctx);
            });
            routes.delete(BASE + "/operations/{opId}", ctx -> {
                authenticate(ctx, key);
                byId.cancel(ctx);
            });
        });
        return new NodeAgentServer(app, tcp, work, pulls, operations, bus);
    }

    /** {@code route} for a request that carries the agent key, with the policy and the who the manager sent. */
    private static Handler forwarded(ApiKey key, Handler route) {
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
            if (!entries.isEmpty()) {
                if (ctx.res().isCommitted()) {
                    entries.forEach(a -> log.atInfo().addKeyValue("type", a.type()).addKeyValue("details", a.details()).log("{}", a.message()));
                } else {
                    ctx.header(AgentActivity.HEADER, AgentActivity.encode(entries));
                }
            }
        };
    }

    private static void authenticate(Context ctx, ApiKey key) {
        String header = ctx.header("Authorization");
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        if (presented.isEmpty() || !key.matches(presented)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"raptor-agent\"");
            throw new ProblemException(Problem.of(401, "unauthorized", "Authentication required",
                    "a node agent answers only its manager: 'Authorization: Bearer <agent key>'"));
        }
    }

    public NodeAgentServer start() {
        app.start();
        return this;
    }

    /** The port it listens on (the one bound when 0 was asked). */
    public int port() {
        return tcp.get().getLocalPort();
    }

    @Override
    public void close() {
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
