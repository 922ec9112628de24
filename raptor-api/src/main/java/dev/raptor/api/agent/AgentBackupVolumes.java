package dev.raptor.api.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.backup.BackupException;
import dev.raptor.backup.BackupSettings;
import dev.raptor.backup.RemoteVolume;
import dev.raptor.backup.RemoteVolumes;
import dev.raptor.core.backup.BackupRecord;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.Progress;
import dev.raptor.files.RestorePhase;
import dev.raptor.files.RestoreResult;
import dev.raptor.wire.problem.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The manager's side of backups of servers placed on a node with an agent: the backup module asks here
 * ({@link RemoteVolumes}) where a server's files are, and for one on an agent's node, streams the archive from that
 * agent ({@link AgentBackupRoutes#ARCHIVE}) into its own storage, and a restore's archive to it
 * ({@link AgentBackupRoutes#RESTORE}), with the agent key and the server's quota. An agent that cannot be reached is
 * {@link BackupException.NodeUnavailable} ({@code 503 node-unavailable}) before anything is read or written there.
 */
public final class AgentBackupVolumes implements RemoteVolumes, AutoCloseable {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** Until the agent's answer starts: it reads the {@code .raptorignore} (archive), or has spooled the archive (restore). */
    private static final Duration HEAD = Duration.ofMinutes(2);
    private static final Duration OUTCOME_POLL = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentBackupVolumes.class);

    private final NodeAgentProxy placements;
    private final NodeAgents agents;
    private final HttpClient http;

    public AgentBackupVolumes(NodeAgentProxy placements, NodeAgents agents) {
        this.placements = placements;
        this.agents = agents;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(NodeAgentProxy.trust(agents)) // the same trust as the file routes' link (RAPTOR_SWARM_AGENT_CA)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    @Override
    public Optional<RemoteVolume> of(UUID serverId) throws BackupException.NodeUnavailable {
        if (agents.isEmpty()) {
            return Optional.empty();
        }
        NodeAgentProxy.Placement p;
        try {
            p = placements.placement(serverId);
        } catch (ProblemException e) {
            throw new BackupException.NodeUnavailable(serverId, e.problem().detail());
        }
        return p.agent() == null ? Optional.empty() : Optional.of(new OnAgent(p.node(), p.agent()));
    }

    /** The files of one server on {@code node}, served by the agent at {@code agent}. */
    private final class OnAgent implements RemoteVolume {
        private final String node;
        private final URI agent;

        OnAgent(String node, URI agent) {
            this.node = node;
            this.agent = agent;
        }

        @Override
        public String node() {
            return node;
        }

        @Override
        public Opened archive(UUID serverId, FilePolicy files, List<String> ignore, BackupSettings settings) throws IOException {
            String path = "/api/v1" + AgentBackupRoutes.ARCHIVE.replace("{id}", serverId.toString()) + "?level="
                    + settings.compressionLevel() + "&threads=" + settings.threads() + "&maxIgnoreFileBytes=" + settings.maxIgnoreFileBytes();
            HttpRequest req = request(path, files)
                    .timeout(HEAD)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("ignore", ignore))))
                    .build();
            HttpResponse<InputStream> answer = send(serverId, req);
            refuseUnlessFrames(serverId, null, answer);
            return new Opened() {
                @Override
                public void writeTo(OutputStream out, Progress progress) throws IOException {
                    AgentFrames.Ending end = AgentFrames.read(answer.body(), out, progress, phase -> {
                    });
                    if (end.failed()) {
                        throw failure(serverId, null, end.json());
                    }
                }

                @Override
                public void close() {
                    try {
                        answer.body().close();
                    } catch (IOException ignored) {
                        // the connection goes either way
                    }
                }
            };
        }

        @Override
        public void checkReachable(UUID serverId) throws BackupException.NodeUnavailable {
            HttpRequest req = HttpRequest.newBuilder(agent.resolve("/api/v1/health")).timeout(CONNECT).GET().build();
            HttpResponse<Void> r;
            try {
                r = http.send(req, HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                throw unavailable(serverId, "its agent at " + agent + " cannot be reached: " + NodeAgentProxy.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(serverId, "interrupted while asking its agent");
            }
            if (r.statusCode() != 200) {
                throw unavailable(serverId, "its agent at " + agent + " answers its health check with " + r.statusCode());
            }
        }

        @Override
        public RestoreResult restore(UUID serverId, FilePolicy files, BackupRecord backup, InputStream archive, boolean truncate,
                                     Progress progress, Consumer<RestorePhase> phases) throws IOException {
            UUID request = UUID.randomUUID(); // the agent keeps the outcome by it: asked when the answer breaks
            String path = "/api/v1" + AgentBackupRoutes.RESTORE.replace("{id}", serverId.toString()) + "?backup=" + backup.id()
                    + "&format=" + backup.format() + "&size=" + backup.sizeBytes() + "&sha256=" + backup.sha256() + "&truncate=" + truncate
                    + "&request=" + request;
            HttpRequest req = request(path, files)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> archive),
                            backup.sizeBytes()))
                    .build();
            HttpResponse<InputStream> answer;
            try {
                answer = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
                throw unavailable(serverId, "its agent at " + agent + " cannot be reached: " + NodeAgentProxy.describe(e));
            } catch (java.io.InterruptedIOException e) {
                throw e;
            } catch (IOException broken) { // the request may have reached the agent, whole
                return outcomeAfterBreak(serverId, backup, request, broken);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while asking the agent of node " + node);
            }
            try (InputStream body = answer.body()) {
                refuseUnlessFrames(serverId, backup, answer);
                AgentFrames.Ending end;
                try {
                    end = AgentFrames.read(body, null, progress, phases);
                } catch (java.io.InterruptedIOException e) {
                    throw e;
                } catch (IOException broken) { // the files may have been swapped in all the same
                    return outcomeAfterBreak(serverId, backup, request, broken);
                }
                if (end.failed()) {
                    throw failure(serverId, backup, end.json());
                }
                return JSON.readValue(end.json(), RestoreResult.class);
            }
        }

        /**
         * The answer to restore {@code request} broke before its last frame: what became of it is the agent's to say
         * ({@link AgentBackupRoutes#RESTORE_OUTCOME}), asked until it says completed or failed, within the agents'
         * {@link NodeAgents#restoreOutcomeWait()}.
         * An agent that cannot tell in time (gone, restarted) makes it an error that says the outcome is unknown.
         */
        private RestoreResult outcomeAfterBreak(UUID serverId, BackupRecord backup, UUID request, IOException broken) throws IOException {
            String path = "/api/v1" + AgentBackupRoutes.RESTORE_OUTCOME.replace("{id}", serverId.toString())
                    .replace("{request}", request.toString());
            String cut = NodeAgentProxy.describe(broken);
            log.atWarn().addKeyValue("server", serverId).addKeyValue("node", node).addKeyValue("request", request)
                    .log("the restore's answer broke ({}): asking the agent what became of it", cut);
            Duration within = agents.restoreOutcomeWait();
            long deadline = System.nanoTime() + within.toNanos();
            String last;
            while (true) {
                HttpResponse<String> r = null;
                try {
                    r = http.send(request(path, FilePolicy.UNRESTRICTED).timeout(CONNECT).GET().build(), HttpResponse.BodyHandlers.ofString());
                    last = "the agent answers " + r.statusCode();
                } catch (java.io.InterruptedIOException e) {
                    throw e;
                } catch (IOException e) {
                    last = "its agent at " + agent + " cannot be reached: " + NodeAgentProxy.describe(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while asking the agent of node " + node);
                }
                if (r != null && r.statusCode() == 404) {
                    throw unknown(serverId, cut, "the agent knows no restore " + request
                            + " (it did not receive the request, or it restarted since)", broken);
                }
                AgentRestores.Outcome o = null;
                if (r != null && r.statusCode() == 200) {
                    try {
                        o = JSON.readValue(r.body(), AgentRestores.Outcome.class);
                    } catch (IOException notAnOutcome) {
                        last = "the agent's answer is not a restore's outcome: " + notAnOutcome.getMessage();
                    }
                }
                if (o != null) {
                    if (AgentRestores.Outcome.COMPLETED.equals(o.state()) && o.result() != null) {
                        log.atInfo().addKeyValue("server", serverId).addKeyValue("node", node).addKeyValue("request", request)
                                .log("the agent reports that the restore whose answer broke completed");
                        return o.result();
                    }
                    if (AgentRestores.Outcome.FAILED.equals(o.state()) && o.problem() != null) {
                        IOException failed = failure(serverId, backup, o.problem().toString());
                        if (!(failed instanceof BackupException)) { // said as what it is: nothing was swapped in
                            failed = new IOException("node " + node + ": the restore failed there before its files were swapped "
                                    + "in, the previous ones are in place (its answer broke: " + cut + "; the agent reports: "
                                    + o.problem().path("detail").asText(o.problem().toString()) + ")");
                        }
                        failed.addSuppressed(broken);
                        throw failed;
                    }
                    if (AgentRestores.Outcome.RUNNING.equals(o.state())) {
                        last = "the agent still runs it";
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    throw unknown(serverId, cut, "it could not tell within " + within.toSeconds() + " s (" + last + ")", broken);
                }
                try {
                    Thread.sleep(OUTCOME_POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while asking the agent of node " + node);
                }
            }
        }

        private IOException unknown(UUID serverId, String cut, String why, IOException broken) {
            IOException e = new IOException("the outcome of the restore on node " + node + " is unknown: the connection to its "
                    + "agent broke (" + cut + ") and " + why + ". The files of server " + serverId + " there are either all the "
                    + "previous ones or all the backup's, never a mix: look at them (GET /api/v1/servers/" + serverId
                    + "/files) before relying on them, or restore again");
            e.addSuppressed(broken);
            return e;
        }

        private HttpRequest.Builder request(String pathAndQuery, FilePolicy files) {
            return HttpRequest.newBuilder(agent.resolve(pathAndQuery))
                    .header("Authorization", "Bearer " + agents.key())
                    .header(NodeAgentProxy.BY_HEADER, "backups")
                    .header(AgentFilePolicy.HEADER, new AgentFilePolicy(files.quotaBytes(), List.of(), List.of()).encode());
        }

        private HttpResponse<InputStream> send(UUID serverId, HttpRequest req) throws IOException {
            try {
                return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.net.http.HttpTimeoutException e) {
                throw unavailable(serverId, "its agent at " + agent + " did not answer within " + HEAD.toMinutes() + " minutes");
            } catch (IOException e) {
                throw unavailable(serverId, "its agent at " + agent + " cannot be reached: " + NodeAgentProxy.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while asking the agent of node " + node);
            }
        }

        /** An answer that is not a frame stream is the agent's refusal, before it started: thrown as what it says. */
        private void refuseUnlessFrames(UUID serverId, BackupRecord backup, HttpResponse<InputStream> answer) throws IOException {
            if (answer.statusCode() == 200) {
                return;
            }
            byte[] doc;
            try (InputStream in = answer.body()) {
                doc = in.readNBytes(256 * 1024);
            }
            if (answer.statusCode() == 401) {
                throw unavailable(serverId, "its agent at " + agent + " refuses this daemon's agent key (RAPTOR_AGENT_KEY must be the "
                        + "same on the manager and on the agent)");
            }
            throw failure(serverId, backup, new String(doc, java.nio.charset.StandardCharsets.UTF_8));
        }

        /** The agent's problem document as the exception it stands for here. */
        private IOException failure(UUID serverId, BackupRecord backup, String problemJson) {
            String type = "";
            String detail = problemJson;
            try {
                JsonNode p = JSON.readTree(problemJson);
                type = p.path("type").asText("");
                detail = p.path("detail").asText(problemJson);
            } catch (IOException notJson) {
                // the text itself is the best account there is
            }
            if (type.equals(Problem.TYPE_PREFIX + "backup-corrupt")) {
                return BackupException.Corrupt.reported(serverId, detail);
            }
            if (type.equals(Problem.TYPE_PREFIX + "bad-ignore-file")) {
                return new BackupException.BadIgnoreFile(serverId, detail.startsWith(".raptorignore ") ? detail.substring(14) : detail);
            }
            return new IOException("node " + node + ": " + detail);
        }

        private BackupException.NodeUnavailable unavailable(UUID serverId, String why) {
            return new BackupException.NodeUnavailable(serverId, "the files of server " + serverId + " are on node " + node + ", and " + why);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
