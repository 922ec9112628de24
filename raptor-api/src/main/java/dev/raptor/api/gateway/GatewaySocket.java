package dev.raptor.api.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.socketio.Namespace;
import dev.raptor.api.socketio.NamespaceSocket;
import dev.raptor.core.console.ConsoleListener;
import dev.raptor.core.console.ConsoleSubscription;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.messaging.Delivery;
import dev.raptor.core.messaging.MessageSocketState;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.stats.ServerStats;
import dev.raptor.core.stats.StatsListener;
import dev.raptor.core.stats.StatsSubscription;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonMergePatch;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerSpecJson;
import dev.raptor.wire.socketio.ActionResult;
import dev.raptor.wire.socketio.ActorEvent;
import dev.raptor.wire.socketio.ContainerConfigJson;
import dev.raptor.wire.socketio.ContainerDocument;
import dev.raptor.wire.socketio.ContainerEvent;
import dev.raptor.wire.socketio.ContainerList;
import dev.raptor.wire.socketio.ContainerMessage;
import dev.raptor.wire.socketio.ContainerStatusDocument;
import dev.raptor.wire.socketio.ConsoleOutput;
import dev.raptor.wire.socketio.GatewayError;
import dev.raptor.wire.socketio.GatewayErrorType;
import dev.raptor.wire.socketio.MessageAck;
import dev.raptor.wire.socketio.ResourceUsage;
import dev.raptor.wire.socketio.StatsEvent;
import dev.raptor.wire.socketio.Subscribed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One client on the gateway: its grant, its events (each handled on a virtual thread of its own, at most
 * {@value #IN_FLIGHT} at once, and answered through its acknowledgement, or with an {@code error} event when
 * it asked for none), the lifecycle events it hears for every server it may see, and the streams it
 * subscribed to. Disconnecting ends every subscription (rule 7).
 */
final class GatewaySocket implements Namespace.SocketListener {
    private static final Logger log = LoggerFactory.getLogger(GatewaySocket.class);
    private static final int IN_FLIGHT = 256;
    /** Detail keys whose values may be secrets: never shown in {@code actor_event}. */
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(pass|secret|token|key|credential|environment|env).*");

    enum Stream {
        CONSOLE, STATS, ACTIVITY, MESSAGES;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Stream parse(String text) {
            for (Stream s : values()) {
                if (s.wireName().equals(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException(text);
        }
    }

    private final Gateway gateway;
    private final NamespaceSocket socket;
    private final GatewayGrant grant;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final Map<UUID, Map<Stream, AutoCloseable>> subscriptions = new ConcurrentHashMap<>();
    private EventBus.Listener<ServerEvent> lifecycle;
    private volatile boolean ended;

    GatewaySocket(Gateway gateway, NamespaceSocket socket, GatewayGrant grant) {
        this.gateway = gateway;
        this.socket = socket;
        this.grant = grant;
    }

    void start() {
        lifecycle = gateway.fleet().bus().subscribe(ServerEvent.class,
                e -> (e instanceof ServerEvent.Created || e instanceof ServerEvent.Updated || e instanceof ServerEvent.Deleted
                        || e instanceof ServerEvent.StateChanged) && grant.sees(e.serverId()),
                EventBus.DEFAULT_CAPACITY, this::lifecycle);
    }

    private ServerFleet fleet() {
        return gateway.fleet();
    }

    // ------------------------------------------------------------------ events

    @Override
    public void event(String name, List<JsonNode> args, Namespace.Ack ack) {
        JsonNode payload = args.isEmpty() ? NullNode.getInstance() : args.getFirst();
        UUID mentioned = containerIdOf(payload);
        if (!inFlight.tryAcquire()) {
            reply(ack, GatewayError.of(GatewayErrorType.CONFLICT, IN_FLIGHT + " events of this connection are in progress already; "
                    + "wait for their acknowledgements", str(mentioned), name));
            return;
        }
        // A message is queued here, on the session's thread, so that a connection's messages keep their order.
        java.util.function.Supplier<Object> work;
        try {
            work = "send_message".equals(name) ? queueMessage(payload) : () -> handle(name, payload);
        } catch (RuntimeException e) {
            inFlight.release();
            reply(ack, gateway.errors().of(e, mentioned, name));
            return;
        }
        Thread.ofVirtual().name("socketio-event-" + name).start(() -> {
            try {
                reply(ack, work.get());
            } catch (RuntimeException e) {
                GatewayError error = gateway.errors().of(e, mentioned, name);
                if (GatewayErrorType.INTERNAL_ERROR.wireName().equals(error.errorType())) {
                    log.warn("socketio event {} failed", name, e);
                }
                reply(ack, error);
            } finally {
                inFlight.release();
            }
        });
    }

    private void reply(Namespace.Ack ack, Object answer) {
        if (ack != null) {
            ack.send(answer);
        } else if (answer instanceof GatewayError) {
            socket.emit("error", answer);
        }
    }

    private Object handle(String name, JsonNode payload) {
        return switch (name) {
            case "create_container" -> create(payload);
            case "start_container" -> power(payload, name, PowerAction.START);
            case "stop_container" -> power(payload, name, PowerAction.STOP);
            case "restart_container" -> power(payload, name, PowerAction.RESTART);
            case "kill_container" -> power(payload, name, PowerAction.KILL);
            case "update_container" -> update(payload);
            case "delete_container" -> delete(payload);
            case "get_status" -> status(payload);
            case "list_containers" -> list(payload);
            case "subscribe" -> subscribe(payload, true);
            case "unsubscribe" -> subscribe(payload, false);
            default -> GatewayError.of(GatewayErrorType.NOT_FOUND, "unknown event '" + name + "'; the events are create_container, "
                    + "start_container, stop_container, restart_container, kill_container, update_container, delete_container, "
                    + "send_message, get_status, list_containers, subscribe, unsubscribe", str(containerIdOf(payload)), name);
        };
    }

    private ContainerDocument create(JsonNode payload) {
        grant.requireNode("create_container");
        ServerSpec spec = ContainerConfigJson.decode(payload);
        StoredServer created = fleet().create(spec);
        return document(fleet().find(created.id()).orElseThrow(() -> new ServerNotFoundException(created.id())));
    }

    private Object power(JsonNode payload, String event, PowerAction action) {
        UUID id = readId(payload, Set.of());
        grant.require(id, Permission.POWER, event);
        return outcome(id, event, fleet().power(id, action));
    }

    private Object delete(JsonNode payload) {
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.lenient(payload, "", problems);
        UUID id = r.uuid("container_id");
        problems.check(id != null || !problems.isEmpty(), "container_id", "is required");
        Boolean force = r.bool("force");
        r.rejectUnknown(Set.of("container_id", "force"), Set.of());
        problems.throwIfAny();
        grant.requireNode("delete_container");
        fleet().controller(id);
        return outcome(id, "delete_container", fleet().delete(id, force != null && force));
    }

    /** Waits for the outcome (at most the action wait): done or superseded answer, a failure is an error. */
    private Object outcome(UUID id, String event, CompletableFuture<PowerResult> answer) {
        PowerResult result;
        try {
            result = answer.get(gateway.actionWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new ActionResult(id.toString(), event, "pending", stateOf(id), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult(id.toString(), event, "pending", stateOf(id), null);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new java.util.concurrent.CompletionException(e.getCause());
        }
        boolean deleted = "delete_container".equals(event);
        return switch (result) {
            case PowerResult.Done d -> new ActionResult(id.toString(), event, "done", deleted ? "deleted" : d.state().wireName(), null);
            case PowerResult.Superseded s -> new ActionResult(id.toString(), event, "superseded", stateOf(id), s.by().describe());
            case PowerResult.Failed f -> GatewayError.of(GatewayErrorType.DOCKER_API_ERROR, f.reason(), id.toString(), event);
        };
    }

    private String stateOf(UUID id) {
        return fleet().find(id).map(s -> s.state().wireName()).orElse("deleted");
    }

    /**
     * {@code {container_id, code_path?, spec?, apply?}}: {@code spec} is an RFC 7396 merge patch of the server's
     * spec (as {@code PATCH /servers/{id}} takes it), {@code code_path} a host directory mounted read-only at
     * {@value #CODE_MOUNT}; a running server is recreated with the change at once unless {@code apply} is false.
     */
    private Object update(JsonNode payload) {
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.lenient(payload, "", problems);
        UUID id = r.uuid("container_id");
        problems.check(id != null || !problems.isEmpty(), "container_id", "is required");
        String codePath = r.text("code_path");
        JsonNode patch = r.node("spec");
        if (patch != null && !patch.isObject()) {
            r.error("spec", "must be an object: a merge patch of the server's spec");
        }
        Boolean apply = r.bool("apply");
        r.rejectUnknown(Set.of("container_id", "code_path", "spec", "apply"), Set.of());
        problems.check(codePath != null || patch != null || !problems.isEmpty(), "spec", "give code_path, spec or both");
        problems.throwIfAny();
        grant.requireNode("update_container");
        StoredServer stored = fleet().find(id).orElseThrow(() -> new ServerNotFoundException(id)).stored();
        ObjectNode merged = (ObjectNode) (patch == null ? ServerSpecJson.tree(stored.spec())
                : JsonMergePatch.apply(ServerSpecJson.tree(stored.spec()), patch));
        ServerSpec spec;
        try {
            spec = ServerSpecJson.decode(merged, ServerDocument.READ_ONLY);
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException(e.errors().stream().map(f -> f.under("spec")).toList());
        }
        if (codePath != null) {
            List<Mount> mounts = new ArrayList<>(spec.mounts().stream().filter(m -> !m.target().equals(CODE_MOUNT)).toList());
            mounts.add(Mount.readOnly(codePath, CODE_MOUNT));
            try {
                spec = spec.toBuilder().mounts(mounts).build();
            } catch (InvalidSpecException e) {
                throw new InvalidSpecException("code_path", e.errors().getFirst().message());
            }
        }
        fleet().update(id, stored.version(), spec);
        ServerState state = fleet().controller(id).state();
        if ((apply == null || apply) && state != ServerState.OFFLINE) {
            Object applied = outcome(id, "update_container", fleet().applySpec(id));
            if (applied instanceof GatewayError) {
                return applied;
            }
        }
        return document(fleet().find(id).orElseThrow(() -> new ServerNotFoundException(id)));
    }

    /** Where {@code update_container}'s {@code code_path} appears inside the server. */
    static final String CODE_MOUNT = "/code";

    /** Queues the message now; the answer waits for its delivery. */
    private java.util.function.Supplier<Object> queueMessage(JsonNode payload) {
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.lenient(payload, "", problems);
        UUID id = r.uuid("container_id");
        problems.check(id != null || !problems.isEmpty(), "container_id", "is required");
        JsonNode message = r.node("message");
        problems.check(message != null || !r.isObject(), "message", "is required: the JSON to send to the server's program");
        r.rejectUnknown(Set.of("container_id", "message"), Set.of());
        problems.throwIfAny();
        grant.require(id, Permission.CONSOLE_WRITE, "send_message");
        CompletableFuture<Delivery> delivery = gateway.messages().send(id, WireJson.write(message));
        return () -> {
            Delivery d = delivery.join();
            return new MessageAck(id.toString(), true, d.id(), d.waited().toMillis(), d.at());
        };
    }

    private ContainerStatusDocument status(JsonNode payload) {
        UUID id = readId(payload, Set.of());
        grant.require(id, Permission.CONSOLE_READ, "get_status");
        ServerFleet.ServerSnapshot s = fleet().find(id).orElseThrow(() -> new ServerNotFoundException(id));
        return status(s, gateway.stats().snapshot(id), gateway.messages().state(id));
    }

    static ContainerStatusDocument status(ServerFleet.ServerSnapshot s, ServerStats reading, MessageSocketState socket) {
        ServerState state = s.state();
        String health = switch (state) {
            case OFFLINE -> s.live().crashLoop() ? "unhealthy" : "none";
            case INSTALL_FAILED -> "unhealthy"; // offline until reinstalled
            case NODE_UNAVAILABLE -> "unhealthy"; // nothing known of it until its node is back
            case STARTING, STOPPING, INSTALLING -> "starting";
            case RUNNING -> "healthy";
        };
        Instant started = s.live().startedAt();
        Double uptime = state == ServerState.OFFLINE || state == ServerState.INSTALLING || state == ServerState.INSTALL_FAILED
                || state == ServerState.NODE_UNAVAILABLE || started == null ? null
                : Math.max(0, Duration.between(started, Instant.now()).toMillis()) / 1000.0;
        return new ContainerStatusDocument(s.id().toString(), state.wireName(), s.live().desired().wireName(), health, uptime,
                socket.connected(), socket.lastCommunication(), usage(reading));
    }

    static ResourceUsage usage(ServerStats r) {
        return new ResourceUsage(r.memoryBytes(), r.memoryLimitBytes(), Math.round(r.cpuAbsolute() * 1000.0) / 1000.0, r.rxBytes(),
                r.txBytes(), r.diskBytes());
    }

    private ContainerList list(JsonNode payload) {
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            throw new InvalidSpecException(WireJson.ROOT, "must be an object or absent");
        }
        return new ContainerList(fleet().list().stream().filter(s -> grant.sees(s.id())).map(this::document).toList());
    }

    private ContainerDocument document(ServerFleet.ServerSnapshot s) {
        ServerSpec spec = s.stored().spec();
        Map<String, Integer> ports = new LinkedHashMap<>();
        spec.allocations().forEach(a -> ports.put(a.containerPort() + (a.protocol() == dev.raptor.core.allocation.Protocol.UDP ? "/udp" : ""),
                a.port()));
        return new ContainerDocument(s.id().toString(), spec.name(), s.state().wireName(), spec.image(), s.stored().createdAt(),
                gateway.messages().programPath(s.id()).orElse(null), ports, grant.isNode() ? spec.environment() : Map.of(),
                spec.messaging());
    }

    // ------------------------------------------------------------------ subscriptions

    private Subscribed subscribe(JsonNode payload, boolean on) {
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.lenient(payload, "", problems);
        UUID id = r.uuid("container_id");
        problems.check(id != null || !problems.isEmpty(), "container_id", "is required");
        List<JsonNode> names = r.array("streams");
        Set<Stream> streams = EnumSet.noneOf(Stream.class);
        if (names == null) {
            streams.addAll(EnumSet.allOf(Stream.class));
        } else {
            for (int i = 0; i < names.size(); i++) {
                try {
                    streams.add(Stream.parse(names.get(i).asText()));
                } catch (IllegalArgumentException e) {
                    problems.add("streams[" + i + "]", "must be console, stats, activity or messages (was " + names.get(i) + ")");
                }
            }
        }
        r.rejectUnknown(Set.of("container_id", "streams"), Set.of());
        problems.throwIfAny();
        grant.require(id, Permission.CONSOLE_READ, on ? "subscribe" : "unsubscribe");
        fleet().controller(id);
        Map<Stream, AutoCloseable> mine = subscriptions.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
        for (Stream s : streams) {
            if (on && !mine.containsKey(s) && !ended) {
                mine.put(s, open(id, s));
            } else if (!on) {
                closeQuietly(mine.remove(s));
            }
        }
        if (ended) {
            closeAll();
        }
        return new Subscribed(id.toString(), mine.keySet().stream().sorted().map(Stream::wireName).toList());
    }

    private AutoCloseable open(UUID id, Stream stream) {
        String container = id.toString();
        return switch (stream) {
            case CONSOLE -> {
                ConsoleSubscription c = gateway.consoles().subscribe(id, new ConsoleListener() {
                    private long dropped;

                    @Override
                    public void lines(List<LogLine> batch) {
                        socket.emit("console_output", new ConsoleOutput(container, batch.stream().map(LogLine::text).toList(), dropped));
                        dropped = 0;
                    }

                    @Override
                    public void dropped(long count) {
                        dropped += count;
                    }
                });
                yield c::close;
            }
            case STATS -> {
                StatsSubscription s = gateway.stats().subscribe(id, new StatsListener() {
                    @Override
                    public void stats(ServerStats r) {
                        socket.emit("stats", new StatsEvent(container, r.state().wireName(), usage(r), r.at()));
                    }
                });
                yield s::close;
            }
            case ACTIVITY -> {
                EventBus.Listener<ServerEvent.ActivityRecorded> l = fleet().bus().subscribe(ServerEvent.ActivityRecorded.class,
                        e -> e.serverId().equals(id), EventBus.DEFAULT_CAPACITY,
                        e -> socket.emit("actor_event", new ActorEvent(container, e.entry().type(), e.entry().message(),
                                redact(e.entry().details()), e.entry().at())));
                yield l::close;
            }
            case MESSAGES -> {
                EventBus.Listener<ServerEvent.MessageReceived> l = fleet().bus().subscribe(ServerEvent.MessageReceived.class,
                        e -> e.serverId().equals(id), EventBus.DEFAULT_CAPACITY,
                        e -> socket.emit("container_message", new ContainerMessage(container, asJson(e.line()), e.at())));
                yield l::close;
            }
        };
    }

    /** A line from a program as JSON; a line that is not JSON as a string. */
    static JsonNode asJson(String line) {
        try {
            return WireJson.parse(line);
        } catch (InvalidSpecException e) {
            return WireJson.mapper().getNodeFactory().textNode(line);
        }
    }

    static Map<String, String> redact(Map<String, String> details) {
        Map<String, String> out = new LinkedHashMap<>();
        details.forEach((k, v) -> out.put(k, SENSITIVE.matcher(k).matches() ? "[redacted]" : v));
        return out;
    }

    // ------------------------------------------------------------------ lifecycle events

    private void lifecycle(ServerEvent e) {
        String id = e.serverId().toString();
        String name = fleet().find(e.serverId()).map(s -> s.stored().spec().name()).orElse(null);
        switch (e) {
            case ServerEvent.Created c -> socket.emit("container_created", new ContainerEvent(id, name, stateOf(c.serverId()), null, c.at()));
            case ServerEvent.Updated u -> socket.emit("container_updated", new ContainerEvent(id, name, stateOf(u.serverId()), null, u.at()));
            case ServerEvent.Deleted d -> {
                socket.emit("container_deleted", new ContainerEvent(id, null, "deleted", null, d.at()));
                Map<Stream, AutoCloseable> mine = subscriptions.remove(d.serverId());
                if (mine != null) {
                    mine.values().forEach(GatewaySocket::closeQuietly);
                }
            }
            case ServerEvent.StateChanged s -> {
                ContainerEvent event = new ContainerEvent(id, name, s.to().wireName(), s.reason(), s.at());
                socket.emit("status", event);
                if (s.to() == ServerState.RUNNING) {
                    socket.emit("container_started", event);
                } else if (s.to() == ServerState.OFFLINE) {
                    socket.emit("container_stopped", event);
                }
            }
            default -> {
            }
        }
    }

    // ------------------------------------------------------------------ ending

    @Override
    public void disconnected(String reason) {
        ended = true;
        if (lifecycle != null) {
            lifecycle.close();
        }
        closeAll();
        gateway.forget(this);
        log.debug("socketio socket {} ({}) disconnected: {}", socket.id(), grant.who(), reason);
    }

    private void closeAll() {
        for (UUID id : List.copyOf(subscriptions.keySet())) {
            Map<Stream, AutoCloseable> mine = subscriptions.remove(id);
            if (mine != null) {
                mine.values().forEach(GatewaySocket::closeQuietly);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing a gateway subscription: {}", e.toString());
        }
    }

    private static UUID readId(JsonNode payload, Set<String> alsoAllowed) {
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.lenient(payload, "", problems);
        UUID id = r.uuid("container_id");
        problems.check(id != null || !problems.isEmpty(), "container_id", "is required");
        java.util.Set<String> known = new java.util.HashSet<>(alsoAllowed);
        known.add("container_id");
        r.rejectUnknown(known, Set.of());
        problems.throwIfAny();
        return id;
    }

    /** The payload's {@code container_id} when it is one, for error details. */
    private static UUID containerIdOf(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return null;
        }
        JsonNode v = payload.has("container_id") ? payload.get("container_id") : payload.get("containerId");
        try {
            return v != null && v.isTextual() ? UUID.fromString(v.asText()) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String str(UUID id) {
        return id == null ? null : id.toString();
    }
}
