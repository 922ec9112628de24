package dev.raptor.wire.client;

import dev.raptor.wire.activity.ActivityPage;
import dev.raptor.wire.auth.TokenDocument;
import dev.raptor.wire.auth.TokenRequest;
import dev.raptor.wire.console.CommandRequest;
import dev.raptor.wire.exec.ExecRequestDocument;
import dev.raptor.wire.exec.ExecResultDocument;
import dev.raptor.wire.image.CommitRequestDocument;
import dev.raptor.wire.console.LogsDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.operation.PowerRequest;
import dev.raptor.wire.operation.TransferRequest;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.Seconds;
import dev.raptor.wire.sftp.SftpPasswordRequest;
import dev.raptor.wire.sftp.SftpUserDocument;
import dev.raptor.wire.sftp.SftpUserList;
import dev.raptor.wire.sftp.SftpUserRequest;
import dev.raptor.wire.server.ServerPatch;
import dev.raptor.wire.stats.StatsDocument;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * One server of the node ({@code /servers/{id}/...}): power, console, logs, stats, activity, tokens,
 * SFTP/FTP users, files, backups, patch, delete. Made by {@link RaptorClient#server}, it holds
 * nothing but the id, so it is cheap to make for every call. A server that does not exist answers
 * every call with a 404 {@link RaptorProblemException}.
 */
public final class ServerClient {
    private final RaptorClient client;
    private final String id;
    /** {@code /servers/{id}}, the id percent-encoded. */
    private final String path;

    ServerClient(RaptorClient client, String id) {
        this.client = client;
        this.id = id;
        this.path = "/servers/" + DaemonHttp.segment(id);
    }

    /** The server's id, as given. */
    public String id() {
        return id;
    }

    /** {@code GET /servers/{id}}: the spec, the observed and desired state, the version. */
    public ServerDocument get() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path), ServerDocument.class, null);
    }

    // ------------------------------------------------------------------ power

    /**
     * {@code POST /servers/{id}/power}. By default the daemon waits for the outcome and answers the
     * finished operation ({@code done}, {@code superseded} or {@code failed}, with the reason); with
     * {@code wait: false}, or when its wait runs out first, it answers the operation still
     * {@code pending}: {@link OperationsClient#await} follows it to the end.
     */
    public OperationDocument power(PowerRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/power", request, "application/json"),
                OperationDocument.class, client.settings().operationTimeout());
    }

    /** Starts the server and waits for the outcome (at most the daemon's default wait). */
    public OperationDocument start() {
        return power(PowerRequest.of("start"));
    }

    /** Stops the server by its stop policy (killed after its timeout) and waits for the outcome. */
    public OperationDocument stop() {
        return power(PowerRequest.of("stop"));
    }

    public OperationDocument restart() {
        return power(PowerRequest.of("restart"));
    }

    /** Kills the server at once, pre-empting whatever it is doing. */
    public OperationDocument kill() {
        return power(PowerRequest.of("kill"));
    }

    /**
     * {@code POST /servers/{id}/transfer}: moves the server with its files to another node (the swarm runtime), answered
     * like a power action: the finished operation, or the pending one when the daemon's wait ran out first (or with
     * {@code wait: false}); {@link OperationsClient#await} follows it to the end.
     */
    public OperationDocument transfer(TransferRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/transfer", request, "application/json"),
                OperationDocument.class, client.settings().operationTimeout());
    }

    /** {@code action} without waiting: the daemon answers the pending operation at once (202). */
    public OperationDocument powerNoWait(String action) {
        return power(new PowerRequest(action, false, null));
    }

    /**
     * {@code action}, waiting at most {@code wait} for the outcome (then the operation is answered pending);
     * null waits the daemon's default.
     */
    public OperationDocument power(String action, Duration wait) {
        return power(new PowerRequest(action, null, wait == null ? null : Seconds.of(wait)));
    }

    // ------------------------------------------------------------------ exec and commit

    /**
     * {@code POST /servers/{id}/exec}: runs a command beside the server's process and answers its output and exit code.
     *
     * @throws RaptorProblemException 409 when the server is not running, 422 when the runtime cannot run it
     */
    public ExecResultDocument exec(ExecRequestDocument request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/exec", request, "application/json"), ExecResultDocument.class,
                client.settings().operationTimeout());
    }

    /**
     * {@code GET /servers/{id}/exec/ws}: an interactive command (a shell), started with a terminal of
     * {@code columns} x {@code rows} when {@code request.tty()} (null: the daemon's default). Returns once started.
     */
    public ExecWebSocket execInteractive(ExecRequestDocument request, Integer columns, Integer rows, ExecWebSocket.Listener listener) {
        ExecWebSocket socket = client.consoles().connectExec(path + "/exec/ws", listener, client.settings().requestTimeout());
        socket.start(request, columns, rows, client.settings().requestTimeout());
        return socket;
    }

    /**
     * {@code POST /servers/{id}/commit?wait=false}: an image of the server's container, as an operation (still
     * {@code pending}; {@link OperationsClient#await} follows it to the image).
     *
     * @throws RaptorProblemException 409 when the server has no container, 422 when the runtime has no images
     */
    public OperationDocument commit(CommitRequestDocument request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/commit?wait=false", request, "application/json"),
                OperationDocument.class, null);
    }

    // ------------------------------------------------------------------ console

    /** {@code POST /servers/{id}/commands}: one line to the server's console input; a 409 problem when it is offline. */
    public void command(String line) {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.POST, path + "/commands", new CommandRequest(line), "application/json"), null);
    }

    /** {@code GET /servers/{id}/logs}: the last {@code tail} lines of output (null: the daemon's default, 100). */
    public LogsDocument logs(Integer tail) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path + "/logs" + (tail == null ? "" : "?tail=" + tail)),
                LogsDocument.class, null);
    }

    /**
     * {@code GET /servers/{id}/logs?follow=true}: the last {@code tail} lines (null: the daemon's default),
     * then every new line as the server prints it, until the stream is closed, the server is deleted or
     * the daemon stops. Reading blocks while the server is quiet; closing the stream from another thread
     * wakes the reader.
     */
    public LogStream followLogs(Integer tail) {
        DaemonHttp http = client.http();
        Request r = http.request(HttpMethod.GET, path + "/logs?follow=true" + (tail == null ? "" : "&tail=" + tail))
                .headers(h -> h.put(HttpHeader.ACCEPT, "text/plain, application/problem+json"));
        return new LogStream(http.stream(r));
    }

    /**
     * {@code GET /servers/{id}/ws}: the live console (Wings' protocol), authenticated by this client's
     * credential when it has one (and needing none over the Unix socket). Returns once connected; the
     * daemon's messages go to {@code listener} on the client's threads.
     */
    public ConsoleWebSocket console(ConsoleWebSocket.Listener listener) {
        return client.consoles().connect(path + "/ws", listener, client.settings().requestTimeout());
    }

    // ------------------------------------------------------------------ readings and history

    /** {@code GET /servers/{id}/stats}: one reading (zeros and {@code running: false} while offline). */
    public StatsDocument stats() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path + "/stats"), StatsDocument.class, null);
    }

    /** {@code GET /servers/{id}/activity}: the newest {@code limit} entries (null: the daemon's default, 50). */
    public ActivityPage activity(Integer limit) {
        return activity(limit, null);
    }

    /** The newest {@code limit} entries older than the entry {@code before} (its id; null: from the newest). */
    public ActivityPage activity(Integer limit, Long before) {
        StringBuilder q = new StringBuilder(path).append("/activity");
        char sep = '?';
        if (limit != null) {
            q.append(sep).append("limit=").append(limit);
            sep = '&';
        }
        if (before != null) {
            q.append(sep).append("before=").append(before);
        }
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, q.toString()), ActivityPage.class, null);
    }

    // ------------------------------------------------------------------ tokens

    /** {@code POST /servers/{id}/tokens}: a signed token for this server (needs the node API key). */
    public TokenDocument token(TokenRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/tokens", request, "application/json"), TokenDocument.class, null);
    }

    /** A token with {@code permissions}, valid for {@code ttl} (null: the daemon's default, at most 15 minutes). */
    public TokenDocument token(List<String> permissions, Duration ttl) {
        return token(new TokenRequest(permissions, ttl == null ? null : BigDecimal.valueOf(Math.max(1, ttl.toSeconds()))));
    }

    // ------------------------------------------------------------------ SFTP/FTP users

    /**
     * {@code POST /servers/{id}/sftp-users}: a user who may reach this server's files over SFTP and FTP
     * (needs the node API key); it logs in as its answer's {@code login}.
     */
    public SftpUserDocument addSftpUser(SftpUserRequest request) {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.POST, path + "/sftp-users", request, "application/json"), SftpUserDocument.class, null);
    }

    /** {@code GET /servers/{id}/sftp-users}: the server's SFTP/FTP users, without their secrets. */
    public SftpUserList sftpUsers() {
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.GET, path + "/sftp-users"), SftpUserList.class, null);
    }

    /** {@code DELETE /servers/{id}/sftp-users/{username}}: the user goes, and its open sessions end. */
    public void deleteSftpUser(String username) {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.DELETE, path + "/sftp-users/" + DaemonHttp.segment(username)), null);
    }

    /** {@code PUT /servers/{id}/sftp-users/{username}/password} (a server token with {@code files.write} will do). */
    public void setSftpPassword(String username, String password) {
        DaemonHttp http = client.http();
        http.send(http.request(HttpMethod.PUT, path + "/sftp-users/" + DaemonHttp.segment(username) + "/password",
                new SftpPasswordRequest(password), "application/json"), null);
    }

    // ------------------------------------------------------------------ files

    /** The server's files: list, read and write (streamed), directories, rename, copy, delete, archives, pulls. */
    public FilesClient files() {
        return new FilesClient(client, path);
    }

    // ------------------------------------------------------------------ installs and updates

    /**
     * {@code POST /servers/{id}/install} (or {@code /reinstall}, which stops the server first), answered at once
     * (pending); {@code request} null runs the server's recorded script.
     */
    public OperationDocument installNoWait(boolean reinstall, dev.raptor.wire.template.InstallRequest request) {
        DaemonHttp http = client.http();
        dev.raptor.wire.template.InstallRequest body = request == null ? new dev.raptor.wire.template.InstallRequest(null, null, null, false, null)
                : new dev.raptor.wire.template.InstallRequest(request.script(), request.entrypoint(), request.image(), false, null);
        return http.json(http.request(HttpMethod.POST, path + (reinstall ? "/reinstall" : "/install"), body, "application/json"),
                OperationDocument.class, null);
    }

    /** {@code GET /servers/{id}/install/log}: the last install's output (also after a failure), as text. */
    public String installLog() {
        DaemonHttp http = client.http();
        return new String(http.bytes(http.request(HttpMethod.GET, path + "/install/log"), null), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The server's game updates ({@code /servers/{id}/update-source}, {@code /update}, {@code /rollback}, {@code /updates}). */
    public UpdatesClient updates() {
        return new UpdatesClient(client, path);
    }

    // ------------------------------------------------------------------ backups

    /** The server's backups ({@code /servers/{id}/backups...}): create, list, download, lock, delete, restore. */
    public BackupsClient backups() {
        return new BackupsClient(client, path);
    }

    // ------------------------------------------------------------------ change and delete

    /**
     * {@code PATCH /servers/{id}}: an RFC 7396 merge patch of the spec, applied only while the server is
     * still at {@code ifVersion} ({@code If-Match}; a 412 problem with {@code currentVersion} when it
     * moved on). A running server gets the change at its next start.
     */
    public ServerDocument patch(ServerPatch patch, long ifVersion) {
        return patch(patch, ifVersion, false);
    }

    /**
     * As {@link #patch(ServerPatch, long)}; with {@code applyNow} a running server is recreated with the
     * change at once, and the answer comes once that is done (at most the daemon's default wait).
     */
    public ServerDocument patch(ServerPatch patch, long ifVersion, boolean applyNow) {
        return patch(patch, ifVersion, applyNow ? ApplyNow.waitingAtMost(null) : null);
    }

    /**
     * The general form: {@code ifVersion} null sends no {@code If-Match} (last writer wins); {@code applyNow}
     * null changes a running server at its next start.
     */
    public ServerDocument patch(ServerPatch patch, Long ifVersion, ApplyNow applyNow) {
        DaemonHttp http = client.http();
        String q = applyNow == null ? "" : "?apply=now" + (applyNow.upTo() == null ? "" : "&timeout=" + seconds(applyNow.upTo()));
        Request r = http.request(HttpMethod.PATCH, path + q, patch, ServerPatch.MEDIA_TYPE);
        if (ifVersion != null) {
            r.headers(h -> h.put(HttpHeader.IF_MATCH, ServerDocument.etag(ifVersion)));
        }
        return http.json(r, ServerDocument.class, applyNow == null ? null : client.settings().operationTimeout());
    }

    /**
     * A patch's {@code ?apply=now}: recreate a running server with the change at once.
     *
     * @param upTo how long the answer may wait for the recreate (null: the daemon's default)
     */
    public record ApplyNow(Duration upTo) {
        public static ApplyNow waitingAtMost(Duration wait) {
            return new ApplyNow(wait);
        }
    }

    /**
     * {@code DELETE /servers/{id}}: stops the server by its stop policy (with {@code force}, kills it) and
     * removes it with its data; waits for the outcome like a power action. Deleting a server that is
     * already gone is a 404 problem.
     */
    public OperationDocument delete(boolean force) {
        return delete(force, null);
    }

    /** As {@link #delete(boolean)}, waiting at most {@code wait} (null: the daemon's default; zero: not at all). */
    public OperationDocument delete(boolean force, Duration wait) {
        StringBuilder q = new StringBuilder(path).append("?force=").append(force);
        if (wait != null) {
            q.append(wait.isZero() ? "&wait=false" : "&timeout=" + seconds(wait));
        }
        DaemonHttp http = client.http();
        return http.json(http.request(HttpMethod.DELETE, q.toString()), OperationDocument.class, client.settings().operationTimeout());
    }

    private static String seconds(Duration d) {
        return Seconds.of(d).toPlainString();
    }
}
