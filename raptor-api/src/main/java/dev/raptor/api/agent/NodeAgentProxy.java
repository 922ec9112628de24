package dev.raptor.api.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.api.auth.OperationOwner;
import dev.raptor.api.auth.SignedLinks;
import dev.raptor.api.files.FileActivity;
import dev.raptor.api.files.FileLinkRoutes;
import dev.raptor.api.files.UploadLimit;
import dev.raptor.api.http.Query;
import dev.raptor.api.problem.ProblemException;
import dev.raptor.core.operation.OperationKind;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.wire.problem.Problem;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The manager's side of the node agents: a file route of a server placed on a node that has an agent is forwarded
 * there as it came (method, path, query, body streamed through, never held), after this daemon has checked the
 * caller's credential, with the agent key and the server's file policy ({@link AgentFilePolicy}) added; the agent's
 * answer (status, headers, body: a problem too) is streamed back as it is. A server on a node without an agent is
 * served here. Signed links are signed and redeemed here (the address browsers reach), their path checked and their
 * transfer done by the agent; an operation an agent answered {@code 202} for is asked of that agent by its id, and
 * followed to its end so that its activity entry lands here. Agents listed as {@code https://} must present a
 * certificate of the agents' CA ({@link AgentTrust}); a failed handshake is a {@code 503} naming it. An agent
 * that cannot be reached answers {@code 503 node-unavailable} at once, never a hang or a 500.
 */
public final class NodeAgentProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgentProxy.class);
    /** Headers of the caller's request the agent needs (everything else is this daemon's business: its credential). */
    private static final List<String> FORWARDED = List.of("Content-Type", "Range", "Accept", "If-Modified-Since");
    /** Hop-by-hop headers (RFC 9110 7.6.1) and the length, which is set from the agent's own. */
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "proxy-authenticate", "content-length", "date", "server", AgentActivity.HEADER.toLowerCase(Locale.ROOT));
    /** The who of the request, for the activity entries the agent writes. */
    public static final String BY_HEADER = "X-Raptor-By";
    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** An operation document is a few hundred bytes; a 202 body is read whole to learn its id (at most this much). */
    private static final int OPERATION_BYTES = 256 * 1024;
    /** Until the agent's answer starts, for requests without a body (a listing, a search, a download's first byte). */
    private static final Duration ANSWER = Duration.ofMinutes(10);

    private final ServerFleet fleet;
    private final NodeAgents agents;
    private final long uploadMaxFileBytes;
    private final HttpClient http;
    /** One virtual thread per operation followed to its end on an agent ({@link #follow}). */
    private final java.util.concurrent.ExecutorService followers =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("raptor-agent-follow-", 0).factory());
    /**
     * The file operations agents answered {@code 202} for, by id: {@code GET|DELETE /operations/{opId}} here goes to the
     * agent that runs it. The newest {@link #REMEMBERED} only (an operation is kept an hour on its agent anyway).
     */
    private final Map<String, RemoteOperation> remote = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RemoteOperation> eldest) {
            return size() > REMEMBERED;
        }
    });
    private static final int REMEMBERED = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An operation running on an agent, for a server of its node. */
    private record RemoteOperation(UUID serverId, String node, URI agent) {
    }

    /** @param uploadMaxFileBytes this node's per-file upload limit, applied here to uploads an agent will write (0: none) */
    public NodeAgentProxy(ServerFleet fleet, NodeAgents agents, long uploadMaxFileBytes) {
        this.fleet = fleet;
        this.agents = agents;
        this.uploadMaxFileBytes = uploadMaxFileBytes;
        this.http = agents.isEmpty() ? null : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(trust(agents))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** What {@code https://} agents must present: a certificate of the agents' CA ({@link AgentTrust}). */
    static javax.net.ssl.SSLContext trust(NodeAgents agents) {
        try {
            return AgentTrust.of(agents.ca());
        } catch (dev.raptor.api.tls.TlsFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code local} for servers whose files are here, forwarding to the agent for the others. */
    public Handler around(Handler local) {
        if (agents.isEmpty()) {
            return local;
        }
        return ctx -> {
            Placement p = placement(Query.serverId(ctx));
            if (p.agent() == null) {
                local.handle(ctx);
            } else {
                forward(ctx, p.id(), p.spec(), p.node(), p.agent());
            }
        };
    }

    /** A server, the node it is placed on, and that node's agent (null: its files are here). */
    record Placement(UUID id, ServerSpec spec, String node, URI agent) {
    }

    /** Where server {@code id}'s files are served: an unknown server is 404 whatever else the request says. */
    Placement placement(UUID id) {
        ServerSpec spec = fleet.find(id).orElseThrow(() -> new ServerNotFoundException(id)).stored().spec();
        String node = agents.isEmpty() ? null : nodeOf(id, spec);
        return new Placement(id, spec, node, agents.of(node));
    }

    /** The agent's own route for the disk usage of a server's files there (under {@code /api/v1}). */
    static final String USAGE = "/servers/{id}/files/usage";
    /** How long an agent may take to say a server's disk usage (it answers from its figure, never scanning first). */
    private static final Duration USAGE_ANSWER = Duration.ofSeconds(10);

    /**
     * The disk usage of server {@code id}'s files as the agent of its node measures them: empty when its files are here
     * (no agent serves its node). Blocks for the agent's answer (at most a few seconds): for {@link AgentDiskUsage},
     * which asks in the background.
     *
     * @throws IOException when the agent cannot be reached or refuses (the node is down)
     */
    public Optional<dev.raptor.core.stats.DiskReading> usage(UUID id) throws IOException {
        if (agents.isEmpty()) {
            return Optional.empty();
        }
        Placement p;
        try {
            p = placement(id);
        } catch (ProblemException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (p.agent() == null) {
            return Optional.empty();
        }
        HttpRequest req = HttpRequest.newBuilder(p.agent().resolve("/api/v1" + USAGE.replace("{id}", id.toString())))
                .GET().timeout(USAGE_ANSWER)
                .header("Authorization", "Bearer " + agents.key())
                .header(BY_HEADER, "manager")
                .header(AgentFilePolicy.HEADER, AgentFilePolicy.of(p.spec()).encode())
                .build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (answer.statusCode() != 200) {
            throw new IOException("the agent of node " + p.node() + " answered " + answer.statusCode());
        }
        JsonNode doc = JSON.readTree(answer.body());
        java.util.OptionalLong bytes = doc.hasNonNull("bytes") ? java.util.OptionalLong.of(doc.get("bytes").asLong())
                : java.util.OptionalLong.empty();
        java.time.Instant at = doc.hasNonNull("measuredAt") ? java.time.Instant.parse(doc.get("measuredAt").asText()) : null;
        return Optional.of(new dev.raptor.core.stats.DiskReading(bytes, at, doc.path("scanning").asBoolean(),
                doc.path("limitBytes").asLong()));
    }

    /** The agent's own routes for signed links (under {@code /api/v1}): a path's check, a link's upload. */
    static final String LINK_CHECK = "/servers/{id}/files/link-check";
    static final String LINK_UPLOAD = "/servers/{id}/files/link-upload";

    /**
     * {@code POST /servers/{id}/files/upload-url|download-url}: for a server on an agent's node, its agent checks the path
     * as the local route would (a directory or nothing / a readable file), then this daemon signs the link (it is the
     * one browsers reach).
     */
    public Handler linkUrl(FileLinkRoutes links, boolean upload, Handler local) {
        if (agents.isEmpty()) {
            return local;
        }
        return ctx -> {
            Placement p = placement(Query.serverId(ctx));
            if (p.agent() == null) {
                local.handle(ctx);
                return;
            }
            UUID id = p.id();
            String path = links.pathOf(ctx);
            String check = "/api/v1" + LINK_CHECK.replace("{id}", id.toString()) + "?purpose=" + (upload ? "upload" : "download")
                    + "&path=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8);
            HttpResponse<InputStream> checked = exchange(ctx, id, p.spec(), p.node(), p.agent(), check, false);
            if (checked.statusCode() != 204) {
                relay(ctx, id, p.node(), p.agent(), checked, null); // the agent's refusal (a problem naming the path), as it is
                return;
            }
            checked.body().close();
            if (upload) {
                links.signUpload(ctx, id, path);
            } else {
                links.signDownload(ctx, id, path);
            }
        };
    }

    /** {@code POST /files/upload?token=}: the link redeemed here; the form's files written by the server's agent. */
    public Handler linkUpload(FileLinkRoutes links) {
        return ctx -> {
            SignedLinks.Claims c = links.redeemUpload(ctx);
            Placement p = placement(c.serverId());
            if (p.agent() == null) {
                links.upload(ctx, c);
                return;
            }
            ctx.attribute(LINK_WHO, "signed link " + c.linkId());
            forward(ctx, c.serverId(), p.spec(), p.node(), p.agent(), "/api/v1" + LINK_UPLOAD.replace("{id}", c.serverId().toString())
                    + "?path=" + java.net.URLEncoder.encode(c.resource(), java.nio.charset.StandardCharsets.UTF_8)
                    + "&uploadMaxFileBytes=" + uploadMaxFileBytes, true, null);
        };
    }

    /** {@code GET /files/download?token=}: the link redeemed here; the file streamed from the server's agent. */
    public Handler linkDownload(FileLinkRoutes links) {
        return ctx -> {
            SignedLinks.Claims c = links.redeemDownload(ctx);
            Placement p = placement(c.serverId());
            if (p.agent() == null) {
                links.download(ctx, c);
                return;
            }
            String name = c.resource().substring(c.resource().lastIndexOf('/') + 1);
            ctx.attribute(LINK_WHO, "signed link " + c.linkId());
            forward(ctx, c.serverId(), p.spec(), p.node(), p.agent(), "/api/v1/servers/" + c.serverId() + "/files/content?path="
                    + java.net.URLEncoder.encode(c.resource(), java.nio.charset.StandardCharsets.UTF_8), false, name);
        };
    }

    /** Who a link's request is (the link, not a principal), for the agent's activity entries. */
    private static final String LINK_WHO = "raptor.link-who";

    /** {@code local} ({@code GET|DELETE /operations/{opId}}) for this daemon's operations; the agent's for one it runs. */
    public Handler aroundOperation(Handler local) {
        if (agents.isEmpty()) {
            return local;
        }
        return ctx -> {
            RemoteOperation op = remote.get(ctx.pathParam("opId"));
            if (op == null) {
                local.handle(ctx);
            } else {
                forward(ctx, op.serverId(), null, op.node(), op.agent());
            }
        };
    }

    /** Whose an operation an agent runs is (a file operation of one server), for authorising server tokens on it. */
    public Optional<OperationOwner> ownerOf(String opId) {
        RemoteOperation op = remote.get(opId);
        return op == null ? Optional.empty() : Optional.of(new OperationOwner(op.serverId(), OperationKind.FILES));
    }

    /** The node the server's files are on: its spec's, else where the runtime placed it; null when never placed. */
    private String nodeOf(UUID id, ServerSpec spec) {
        try {
            return ServerNode.of(fleet, id, spec);
        } catch (RuntimeException e) {
            throw unavailable(id, null, "the swarm cannot say which node it is on: " + e.getMessage());
        }
    }

    private void forward(Context ctx, UUID id, ServerSpec spec, String node, URI agent) throws IOException {
        String query = ctx.queryString();
        forward(ctx, id, spec, node, agent, ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query), true, null);
    }

    /**
     * Sends {@code ctx}'s method to {@code pathAndQuery} on {@code agent} (with its body when {@code withBody}) and
     * streams the answer back; {@code attachment} names the file of a download answered as an attachment.
     */
    private void forward(Context ctx, UUID id, ServerSpec spec, String node, URI agent, String pathAndQuery, boolean withBody,
                         String attachment) throws IOException {
        relay(ctx, id, node, agent, exchange(ctx, id, spec, node, agent, pathAndQuery, withBody), attachment);
    }

    /** Sends the request to the agent and waits for its answer's head; the body is still to be read. */
    private HttpResponse<InputStream> exchange(Context ctx, UUID id, ServerSpec spec, String node, URI agent, String pathAndQuery,
                                               boolean withBody) throws IOException {
        URI target = agent.resolve(pathAndQuery);
        long length = withBody ? ctx.req().getContentLengthLong() : 0;
        boolean hasBody = withBody && (length > 0 || (length < 0 && ctx.header("Transfer-Encoding") != null));
        // the upload limit is this daemon's setting: checked here, where it is configured, before a byte goes to the node
        boolean upload = ctx.method().name().equals("PUT") && ctx.path().endsWith("/files/content") && uploadMaxFileBytes > 0;
        String uploadPath = ctx.queryParam("path");
        if (upload && length > uploadMaxFileBytes) {
            throw UploadLimit.tooLarge(uploadMaxFileBytes, uploadPath);
        }
        LimitedBody limited = null;
        HttpRequest.BodyPublisher body;
        if (!hasBody) {
            body = HttpRequest.BodyPublishers.noBody();
        } else {
            InputStream in = ctx.req().getInputStream();
            if (upload) {
                in = limited = new LimitedBody(in, uploadMaxFileBytes);
            }
            InputStream source = in;
            HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> source);
            body = length >= 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(target)
                .method(ctx.method().name(), body)
                .header("Authorization", "Bearer " + agents.key())
                .header(BY_HEADER, ctx.attribute(LINK_WHO) != null ? ctx.<String>attribute(LINK_WHO) : FileActivity.who(ctx));
        if (spec != null) {
            req.header(AgentFilePolicy.HEADER, AgentFilePolicy.of(spec).encode());
        }
        if (!hasBody) {
            req.timeout(ANSWER); // with a body the answer comes after it, however long the upload takes
        }
        for (String h : FORWARDED) {
            String v = ctx.header(h);
            if (v != null) {
                req.header(h, v);
            }
        }
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            throw unavailable(id, node, "its agent at " + agent + " did not answer within " + ANSWER.toMinutes() + " minutes");
        } catch (IOException e) {
            if (limited != null && limited.exceeded) {
                throw UploadLimit.tooLarge(uploadMaxFileBytes, uploadPath); // the agent saw a cut body: it wrote nothing
            }
            if (ctx.res().isCommitted()) {
                throw new UncheckedIOException(e);
            }
            throw unavailable(id, node, unreachable(agent, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(id, node, "interrupted while asking its agent");
        }
        if (answer.statusCode() == 401) {
            // the caller's credential was checked here: a refusal there is this daemon's key, not theirs
            answer.body().close();
            throw unavailable(id, node, "its agent at " + agent + " refuses this daemon's agent key (RAPTOR_AGENT_KEY must be the "
                    + "same on the manager and on the agent)");
        }
        if (answer.statusCode() == 429) {
            // the agent's guard blocks this daemon's address after wrong keys: a setting to fix here, not the caller's fault
            answer.body().close();
            throw unavailable(id, node, "its agent at " + agent + " blocks this daemon's address after too many refused agent keys "
                    + "(RAPTOR_AGENT_KEY must be the same on the manager and on the agent); it lets it try again in "
                    + answer.headers().firstValue("Retry-After").orElse("a few") + " s");
        }
        if (answer.statusCode() == 400 && "http".equals(agent.getScheme())) {
            answer = httpsRequired(id, node, agent, answer);
        }
        answer.headers().firstValue(AgentActivity.HEADER).ifPresent(h -> record(id, node, h));
        return answer;
    }

    /**
     * An agent listed as {@code http://} that speaks HTTPS answers every plain request {@code 400 https-required}
     * (its TLS port's refusal): that is this daemon's setting, told as such; any other 400 is the agent's answer, passed on.
     */
    private static HttpResponse<InputStream> httpsRequired(UUID id, String node, URI agent, HttpResponse<InputStream> answer)
            throws IOException {
        byte[] head = answer.body().readNBytes(OPERATION_BYTES);
        if (new String(head, java.nio.charset.StandardCharsets.UTF_8).contains("https-required\"")) {
            answer.body().close();
            throw unavailable(id, node, "its agent at " + agent + " speaks HTTPS only: list it as https://" + agent.getRawAuthority()
                    + " in RAPTOR_SWARM_AGENTS (with RAPTOR_SWARM_AGENT_CA naming the CA of its certificate)");
        }
        InputStream rest = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), answer.body());
        return new Replayed(answer, rest);
    }

    /** An answer whose body was partly read already: the same answer, its body from the start. */
    private record Replayed(HttpResponse<InputStream> answer, InputStream body) implements HttpResponse<InputStream> {
        @Override
        public int statusCode() {
            return answer.statusCode();
        }

        @Override
        public HttpRequest request() {
            return answer.request();
        }

        @Override
        public Optional<HttpResponse<InputStream>> previousResponse() {
            return answer.previousResponse();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return answer.headers();
        }

        @Override
        public Optional<javax.net.ssl.SSLSession> sslSession() {
            return answer.sslSession();
        }

        @Override
        public URI uri() {
            return answer.uri();
        }

        @Override
        public HttpClient.Version version() {
            return answer.version();
        }
    }

    /** Why {@code agent} could not be asked: a TLS handshake it failed is named as one, with what to check. */
    private String unreachable(URI agent, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return "the TLS handshake with its agent at " + agent + " failed: " + describe(e) + " (the agent's certificate must "
                        + (agents.ca() == null ? "chain to a CA this JVM trusts (RAPTOR_SWARM_AGENT_CA names the agents' own CA)"
                        : "be signed by the CA in RAPTOR_SWARM_AGENT_CA (" + agents.ca() + ")")
                        + " and name the address it is listed at; an agent without a certificate is listed as http://)";
            }
        }
        return "its agent at " + agent + " cannot be reached: " + describe(e);
    }

    /** Streams the agent's answer back as it is (status, headers, body). */
    private void relay(Context ctx, UUID id, String node, URI agent, HttpResponse<InputStream> answer, String attachment)
            throws IOException {
        try (InputStream in = answer.body()) {
            ctx.status(answer.statusCode());
            ctx.res().setCharacterEncoding(null);
            if (attachment != null && answer.statusCode() / 100 == 2) {
                ctx.res().setHeader("Content-Disposition", dev.raptor.api.files.ContentDisposition.attachment(attachment));
            }
            // the servlet's own setter: a Content-Type set as a plain header loses to the API's JSON default
            answer.headers().firstValue("Content-Type").ifPresent(ctx.res()::setContentType);
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":") && !name.equalsIgnoreCase("Content-Type")) {
                    for (String v : values) {
                        ctx.res().addHeader(name, v);
                    }
                }
            });
            OutputStream out = ctx.res().getOutputStream();
            if (answer.statusCode() == 202) {
                // an operation that outlasted its wait, running on the agent: remembered so its id works here too
                byte[] doc = in.readNBytes(OPERATION_BYTES);
                remember(doc, id, node, agent);
                ctx.res().setContentLengthLong(doc.length);
                out.write(doc);
            } else {
                answer.headers().firstValueAsLong("Content-Length").ifPresent(ctx.res()::setContentLengthLong);
                in.transferTo(out);
            }
            out.flush();
        }
    }

    private void remember(byte[] document, UUID id, String node, URI agent) {
        try {
            JsonNode opId = JSON.readTree(document).path("id");
            if (opId.isTextual()) {
                RemoteOperation op = new RemoteOperation(id, node, agent);
                remote.put(opId.asText(), op);
                follow(opId.asText(), op);
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("server", id).addKeyValue("node", node).log("an agent's 202 carried no operation: {}", e.toString());
        }
    }

    /**
     * Follows an operation an agent answered {@code 202} for until it ends there, so that its activity entry (written
     * on the agent when it ends: a long delete, compress, decompress or pull) lands in the server's activity log here,
     * whether or not anyone asks for it: the agent hands the entry out with the finished operation's document, once
     * (to this follower, or to a caller's {@code GET /operations/{id}} through here if that comes first). Asked every
     * half second at first, then less often (up to every {@link #FOLLOW_MAX}); an agent that cannot be reached is asked
     * again until it has not answered for {@link #FOLLOW_GIVE_UP} (its operations are kept about that long), then the
     * entry is left in the agent's log only.
     */
    private void follow(String opId, RemoteOperation op) {
        try {
            followers.execute(() -> {
                Duration every = Duration.ofMillis(500);
                long lastAnswer = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(every);
                    } catch (InterruptedException e) {
                        return;
                    }
                    every = every.multipliedBy(2).compareTo(FOLLOW_MAX) > 0 ? FOLLOW_MAX : every.multipliedBy(2);
                    try {
                        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(op.agent().resolve("/api/v1/operations/" + opId))
                                .GET().timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + agents.key()).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        lastAnswer = System.nanoTime();
                        answer.headers().firstValue(AgentActivity.HEADER).ifPresent(h -> record(op.serverId(), op.node(), h));
                        if (answer.statusCode() != 200 || !"pending".equals(JSON.readTree(answer.body()).path("status").asText())) {
                            return; // ended (or gone, or refused: nothing more will come)
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        if (Duration.ofNanos(System.nanoTime() - lastAnswer).compareTo(FOLLOW_GIVE_UP) > 0) {
                            log.atWarn().addKeyValue("server", op.serverId()).addKeyValue("node", op.node()).addKeyValue("operation", opId)
                                    .log("stopped following an operation on an agent that has not answered for an hour: {}", describe(e));
                            return;
                        }
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the entry stays in the agent's log
        }
    }

    private static final Duration FOLLOW_MAX = Duration.ofSeconds(5);
    private static final Duration FOLLOW_GIVE_UP = Duration.ofHours(1);

    /** The agent's activity entries of this request, into the server's activity log here. */
    private void record(UUID id, String node, String header) {
        try {
            for (AgentActivity a : AgentActivity.decode(header)) {
                java.util.Map<String, String> details = new java.util.LinkedHashMap<>(a.details());
                details.put("node", node);
                fleet.store().appendActivity(id, a.type(), a.message(), details);
            }
        } catch (RuntimeException e) {
            // the change happened on the node; only its entry is lost
            log.atWarn().addKeyValue("server", id).addKeyValue("node", node).addKeyValue("error", e.toString())
                    .log("could not record the agent's activity entries");
        }
    }

    /** A chunked upload's body, cut off past the limit (the agent then sees a broken body and keeps nothing of it). */
    private static final class LimitedBody extends java.io.FilterInputStream {
        private final long limit;
        private long read;
        volatile boolean exceeded;

        LimitedBody(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                exceeded = true;
                throw new IOException("the upload is larger than " + limit + " bytes");
            }
        }
    }

    private static ProblemException unavailable(UUID id, String node, String why) {
        log.atWarn().addKeyValue("server", id).addKeyValue("node", node).log("files unreachable: {}", why);
        return new ProblemException(Problem.of(503, "node-unavailable", "Node unavailable",
                "the files of server " + id + (node == null ? ": " : " are on node " + node + ", and ") + why).withServerId(id));
    }

    /** What went wrong on the link, for a problem's detail: the first message in the cause chain. */
    static String describe(IOException e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        followers.shutdownNow();
        if (http != null) {
            http.close();
        }
    }
}
