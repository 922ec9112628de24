package dev.raptor.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.transport.DaemonRequest;
import dev.raptor.cli.transport.DaemonResponse;
import dev.raptor.cli.transport.DaemonTransport;
import dev.raptor.cli.transport.DaemonUnreachableException;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The daemon's HTTP API under {@code /api/v1}, as raptorctl uses it. Every route the CLI depends on
 * is named here and nowhere else. Answers are JSON trees; error answers become
 * {@link ApiProblemException}s, transport failures {@link CliException}s with exit code 5 (unreachable)
 * or 1.
 */
public final class RaptorApi {
    public static final String BASE = "/api/v1";

    /** A power action that waits for its result may take a server's whole stop timeout and then some. */
    private static final Duration POWER_TIMEOUT = Duration.ofMinutes(10);

    private final DaemonTransport transport;

    public RaptorApi(DaemonTransport transport) {
        this.transport = transport;
    }

    public DaemonTransport transport() {
        return transport;
    }

    // ---------------------------------------------------------------------------------- servers

    /** Every server on the node, in the daemon's order. */
    public List<JsonNode> listServers() {
        JsonNode n = getJson(BASE + "/servers");
        JsonNode list = n.isArray() ? n : firstArray(n, "servers", "items", "data");
        List<JsonNode> out = new ArrayList<>();
        list.forEach(out::add);
        return out;
    }

    public JsonNode server(String id) {
        return getJson(BASE + "/servers/" + enc(id));
    }

    /** POST a server document; answers the created document. */
    public JsonNode create(ObjectNode document) {
        return json(send(DaemonRequest.json("POST", BASE + "/servers", Json.compact(document))));
    }

    /** A JSON merge patch of the server's spec, applied only if its version is still {@code version}. */
    public JsonNode patch(String id, ObjectNode patch, long version, boolean applyNow) {
        DaemonRequest r = new DaemonRequest("PATCH", BASE + "/servers/" + enc(id) + (applyNow ? "?apply=now" : ""),
                Map.of("Content-Type", "application/merge-patch+json", "If-Match", "\"" + version + "\""),
                Json.compact(patch).getBytes(StandardCharsets.UTF_8), POWER_TIMEOUT);
        return json(send(r));
    }

    /** Deletes the server (stopping it, or with {@code force} killing it, first); answers the operation. */
    public JsonNode delete(String id, boolean force) {
        DaemonRequest r = new DaemonRequest("DELETE", BASE + "/servers/" + enc(id) + (force ? "?force=true" : ""),
                Map.of(), null, POWER_TIMEOUT);
        return json(send(r));
    }

    /**
     * A power action. With {@code wait} the daemon answers with the outcome; without it, 202 and an
     * operation resource that reports the outcome later.
     */
    public JsonNode power(String id, String action, boolean wait) {
        ObjectNode body = Json.object().put("action", action);
        if (!wait) {
            body.put("wait", false);
        }
        DaemonRequest r = DaemonRequest.json("POST", BASE + "/servers/" + enc(id) + "/power", Json.compact(body))
                .withReadTimeout(POWER_TIMEOUT);
        return json(send(r));
    }

    /** Writes one line to the server's stdin (409 when it is offline). */
    public void command(String id, String command) {
        send(DaemonRequest.json("POST", BASE + "/servers/" + enc(id) + "/commands",
                Json.compact(Json.object().put("command", command)))).bodyText();
    }

    /**
     * The server's console: the last {@code tail} lines (null: the daemon's default), and with
     * {@code follow} then everything that follows, as a chunked text stream that ends with the server.
     */
    public DaemonResponse logs(String id, Integer tail, boolean follow) {
        StringBuilder q = new StringBuilder(BASE + "/servers/" + enc(id) + "/logs");
        char sep = '?';
        if (tail != null) {
            q.append(sep).append("tail=").append(tail);
            sep = '&';
        }
        if (follow) {
            q.append(sep).append("follow=true");
        }
        DaemonRequest r = DaemonRequest.get(q.toString());
        if (follow) {
            r = r.withHeader("Accept", "text/plain, */*").withReadTimeout(Duration.ZERO);
        }
        return send(r);
    }

    public JsonNode stats(String id) {
        return getJson(BASE + "/servers/" + enc(id) + "/stats");
    }

    public JsonNode activity(String id, Integer limit) {
        return getJson(BASE + "/servers/" + enc(id) + "/activity" + (limit == null ? "" : "?limit=" + limit));
    }

    /** A signed token for one server with {@code permissions}, valid for {@code ttl} (null: the daemon's default). */
    public JsonNode token(String id, List<String> permissions, Duration ttl) {
        ObjectNode body = Json.object();
        ArrayNode perms = body.putArray("permissions");
        permissions.forEach(perms::add);
        if (ttl != null) {
            body.put("expiresIn", Math.max(1, ttl.toSeconds()));
        }
        return json(send(DaemonRequest.json("POST", BASE + "/servers/" + enc(id) + "/tokens", Json.compact(body))));
    }

    // ---------------------------------------------------------------------------------- sftp users

    public JsonNode createSftpUser(String id, ObjectNode user) {
        return json(send(DaemonRequest.json("POST", BASE + "/servers/" + enc(id) + "/sftp-users", Json.compact(user))));
    }

    public JsonNode sftpUsers(String id) {
        return getJson(BASE + "/servers/" + enc(id) + "/sftp-users");
    }

    public void deleteSftpUser(String id, String username) {
        try (DaemonResponse ignored = send(new DaemonRequest("DELETE", BASE + "/servers/" + enc(id) + "/sftp-users/"
                + enc(username), Map.of(), null, null))) {
            // 204: nothing to read
        } catch (IOException e) {
            throw failure(e);
        }
    }

    public JsonNode operation(String opId) {
        return getJson(BASE + "/operations/" + enc(opId));
    }

    // ---------------------------------------------------------------------------------- backups

    /** Starts a backup without waiting (the caller follows its operation); answers the operation. */
    public JsonNode createBackup(String id, String name, List<String> ignore) {
        ObjectNode body = Json.object().put("wait", false);
        if (name != null) {
            body.put("name", name);
        }
        if (!ignore.isEmpty()) {
            ArrayNode patterns = body.putArray("ignore");
            ignore.forEach(patterns::add);
        }
        return json(send(DaemonRequest.json("POST", BASE + "/servers/" + enc(id) + "/backups", Json.compact(body))));
    }

    /** The server's backups, oldest first. */
    public List<JsonNode> backups(String id) {
        List<JsonNode> out = new ArrayList<>();
        getJson(BASE + "/servers/" + enc(id) + "/backups").path("backups").forEach(out::add);
        return out;
    }

    /** Starts a restore without waiting (the caller follows its operation); answers the operation. */
    public JsonNode restoreBackup(String id, String backupId, boolean truncate) {
        ObjectNode body = Json.object().put("truncate", truncate).put("wait", false);
        return json(send(DaemonRequest.json("POST", BASE + "/servers/" + enc(id) + "/backups/" + enc(backupId) + "/restore",
                Json.compact(body))));
    }

    public void deleteBackup(String id, String backupId) {
        send(new DaemonRequest("DELETE", BASE + "/servers/" + enc(id) + "/backups/" + enc(backupId), Map.of(), null,
                POWER_TIMEOUT)).bodyText();
    }

    /** The backup's archive as a stream (the caller closes the response). */
    public DaemonResponse downloadBackup(String id, String backupId) {
        return send(DaemonRequest.get(BASE + "/servers/" + enc(id) + "/backups/" + enc(backupId) + "/download")
                .withReadTimeout(Duration.ofMinutes(30)));
    }

    // ---------------------------------------------------------------------------------- node

    public JsonNode system() {
        return getJson(BASE + "/system");
    }

    /** The whole node state as the daemon's export document (raw bytes, written to a file as they come). */
    public byte[] exportState() {
        DaemonResponse r = send(DaemonRequest.get(BASE + "/state/export").withReadTimeout(Duration.ofMinutes(5)));
        try (r) {
            return r.body().readAllBytes();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Imports an export document or a legacy containers.json; answers the daemon's import report. */
    public JsonNode importState(byte[] document, boolean replace) {
        DaemonRequest r = new DaemonRequest("POST", BASE + "/state/import" + (replace ? "?mode=replace" : ""),
                Map.of("Content-Type", "application/json"), document, Duration.ofMinutes(5));
        return json(send(r));
    }

    // ---------------------------------------------------------------------------------- plumbing

    private JsonNode getJson(String target) {
        return json(send(DaemonRequest.get(target)));
    }

    /** Sends the request; a non-2xx answer becomes an {@link ApiProblemException}. */
    public DaemonResponse send(DaemonRequest request) {
        DaemonResponse response;
        try {
            response = transport.send(request);
        } catch (DaemonUnreachableException e) {
            throw new CliException(ExitCode.UNREACHABLE, e.getMessage(), e);
        } catch (IOException e) {
            throw failure(e);
        }
        if (!response.isSuccess()) {
            String body = response.bodyText();
            throw ApiProblemException.from(response.status(), response.contentType(), body);
        }
        return response;
    }

    private CliException failure(IOException e) {
        return new CliException(ExitCode.FAILURE, "talking to the daemon at " + transport.describe() + " failed: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    private JsonNode json(DaemonResponse response) {
        String text;
        try {
            text = response.bodyText();
        } catch (java.io.UncheckedIOException e) {
            throw failure(e.getCause());
        }
        if (text.isBlank()) {
            return Json.object();
        }
        try {
            return Json.parse(text);
        } catch (java.io.UncheckedIOException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage(), e);
        }
    }

    private static JsonNode firstArray(JsonNode n, String... names) {
        for (String name : names) {
            if (n.path(name).isArray()) {
                return n.get(name);
            }
        }
        throw new CliException(ExitCode.FAILURE, "the daemon's server list is not a JSON array: " + abbreviate(n.toString()));
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
