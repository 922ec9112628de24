package dev.raptor.wire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.backup.BackupPolicy;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.limits.Tier;
import dev.raptor.core.network.NetworkAttachment;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.server.FileRules;
import dev.raptor.core.server.HealthCheck;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonMergePatch;
import dev.raptor.wire.json.JsonObjectReader;
import dev.raptor.wire.json.WireJson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The canonical JSON form of a {@link ServerSpec} ({@link ServerSpecDocument}): what the HTTP API accepts
 * and returns and what export files hold. The store keeps its own form of a spec, not this one. The
 * shape is a public contract; change it only compatibly.
 *
 * <pre>{@code
 * {"id": "uuid", "name": "lobby", "image": "ghcr.io/org/game:1", "startup": "java -jar server.jar",
 *  "environment": {"MOTD": "hi"},
 *  "allocations": [{"ip": "0.0.0.0", "port": 25565, "containerPort": 25565, "protocol": "tcp", "primary": true}],
 *  "limits": {"memoryMiB": 1024, "swapMiB": 0, "cpuPercent": 100, "threads": "0-1", "diskMiB": 5120,
 *             "ioWeight": 500, "pidsLimit": 256, "oomKiller": true},
 *  "tier": "small",
 *  "stop": {"type": "command|signal|rcon", "value": "stop", "timeoutSeconds": 30, "port": 25575, "password": "..."},
 *  "restart": {"policy": "no|on-failure|unless-stopped|always", "maxRetries": 3, "onUnhealthy": false},
 *  "mounts": [{"source": "/srv/maps", "target": "/maps", "readOnly": true}],
 *  "labels": {"team": "eu"}, "extraHosts": {"db.local": "10.0.0.5"},
 *  "healthCheck": {"command": "...", "intervalSeconds": 30, "timeoutSeconds": 10, "retries": 3, "startPeriodSeconds": 60},
 *  "readyPattern": "Done \\(", "settleSeconds": 2, "networks": ["lobby-net", {"name": "db-net", "aliases": ["game"]}],
 *  "backups": {"schedule": "0 4 * * *", "max": 7, "maxAgeDays": 30, "ignore": ["logs/"],
 *              "commandsBefore": ["save-off", "save-all flush"], "commandsAfter": ["save-on"]},
 *  "fileRules": {"deny": ["*.log"], "readOnly": ["/server.jar"]}, "node": "worker-2"}
 * }</pre>
 *
 * <p>Decoding rules: a missing section takes {@code ServerSpec}'s default; a missing {@code id} gets
 * a fresh one; {@code containerPort} defaults to {@code port}, {@code protocol} to tcp, {@code primary}
 * to true for a lone allocation and false otherwise; {@code tier} (input only, never written) fills the limits and explicit {@code limits}
 * members override it; {@code port}/{@code password} belong to rcon stop policies only; durations are
 * seconds (fractions allowed); JSON {@code null} means absent. Unknown members are rejected (a typo
 * must not be silently ignored) unless the caller names them ignorable. Every problem, whether a JSON
 * type, an unknown value or a rule of {@code ServerSpec}, is reported in one
 * {@link InvalidSpecException} with paths such as {@code allocations[1].port}.
 *
 * <p>Encoding writes every section (empty maps and lists included) and leaves out absent optional
 * values ({@code image}, {@code startup}, {@code limits.threads}, {@code healthCheck},
 * {@code readyPattern}, {@code node}).
 * Note that an rcon stop policy's password is part of the spec and therefore of its JSON.
 */
public final class ServerSpecJson {

    /** Top-level members a spec object may have. */
    public static final Set<String> FIELDS = Set.of("id", "name", "image", "startup", "environment", "allocations",
            "limits", "tier", "stop", "restart", "mounts", "labels", "extraHosts", "healthCheck", "readyPattern", "query",
            "settleSeconds", "messaging", "networks", "backups", "fileRules", "node");

    static final Set<String> FILE_RULES_FIELDS = Set.of("deny", "readOnly");
    static final Set<String> ALLOCATION_FIELDS = Set.of("ip", "port", "containerPort", "protocol", "primary");
    static final Set<String> LIMITS_FIELDS = Set.of("memoryMiB", "swapMiB", "cpuPercent", "threads", "diskMiB",
            "ioWeight", "pidsLimit", "oomKiller");
    static final Set<String> STOP_FIELDS = Set.of("type", "value", "timeoutSeconds", "port", "password");
    static final Set<String> RESTART_FIELDS = Set.of("policy", "maxRetries", "onUnhealthy");
    static final Set<String> NETWORK_FIELDS = Set.of("name", "aliases");
    static final Set<String> MOUNT_FIELDS = Set.of("source", "target", "readOnly");
    static final Set<String> HEALTH_FIELDS = Set.of("command", "intervalSeconds", "timeoutSeconds", "retries",
            "startPeriodSeconds");
    static final Set<String> QUERY_FIELDS = Set.of("protocol", "port", "command", "password");
    static final Set<String> BACKUPS_FIELDS = Set.of("schedule", "max", "maxAgeDays", "ignore", "commandsBefore", "commandsAfter");

    /**
     * What an unknown top-level member may have been meant as: a top-level member, or one of a section
     * ({@code memory} → {@code limits.memoryMiB}, {@code port} → {@code allocations[].port}).
     */
    static final List<String> HINTS = hints();

    private static List<String> hints() {
        List<String> out = new ArrayList<>(FIELDS);
        Map<String, Set<String>> sections = new LinkedHashMap<>();
        sections.put("allocations[]", ALLOCATION_FIELDS);
        sections.put("limits", LIMITS_FIELDS);
        sections.put("stop", STOP_FIELDS);
        sections.put("restart", RESTART_FIELDS);
        sections.put("mounts[]", MOUNT_FIELDS);
        sections.put("healthCheck", HEALTH_FIELDS);
        sections.put("query", QUERY_FIELDS);
        sections.put("backups", BACKUPS_FIELDS);
        sections.put("fileRules", FILE_RULES_FIELDS);
        sections.forEach((section, fields) -> fields.forEach(f -> out.add(section + "." + f)));
        return List.copyOf(out);
    }

    private ServerSpecJson() {
    }

    // ------------------------------------------------------------------------------------------ encode

    /** The spec as its canonical document. */
    public static ServerSpecDocument encode(ServerSpec spec) {
        List<AllocationDocument> allocations = new ArrayList<>(spec.allocations().size());
        for (Allocation a : spec.allocations()) {
            allocations.add(new AllocationDocument(a.ip(), a.port(), a.containerPort(), a.protocol().wireName(), a.primary()));
        }
        Limits l = spec.limits();
        LimitsDocument limits = new LimitsDocument(l.memoryMiB(), l.swapMiB(), l.cpuPercent(), l.threads(), l.diskMiB(),
                l.ioWeight(), l.pidsLimit(), l.oomKiller());
        StopPolicy s = spec.stopPolicy();
        StopDocument stop = s instanceof StopPolicy.Rcon rcon
                ? new StopDocument(s.type(), s.value(), Seconds.of(s.timeout()), rcon.port(), rcon.password())
                : new StopDocument(s.type(), s.value(), Seconds.of(s.timeout()), null, null);
        RestartDocument restart = new RestartDocument(spec.restartPolicy().mode().wireName(), spec.restartPolicy().maxRetries(),
                spec.restartPolicy().onUnhealthy());
        List<NetworkAttachmentDocument> networks = spec.networks().stream()
                .map(n -> new NetworkAttachmentDocument(n.name(), n.aliases())).toList();
        List<MountDocument> mounts = new ArrayList<>(spec.mounts().size());
        for (Mount m : spec.mounts()) {
            mounts.add(new MountDocument(m.source(), m.target(), m.readOnly()));
        }
        HealthCheck h = spec.healthCheck();
        HealthCheckDocument health = h == null ? null : new HealthCheckDocument(h.command(), Seconds.of(h.interval()),
                Seconds.of(h.timeout()), h.retries(), Seconds.of(h.startPeriod()));
        GameQuery q = spec.query();
        QueryDocument query = q == null ? null : new QueryDocument(q.protocol().wireName(), q.port() == 0 ? null : q.port(),
                q.command(), q.password());
        return new ServerSpecDocument(spec.id(), spec.name(), spec.image(), spec.startup(), spec.environment(),
                List.copyOf(allocations), limits, stop, restart, List.copyOf(mounts), spec.labels(), spec.extraHosts(),
                health, spec.readyPattern(), query, Seconds.of(spec.settle()), spec.messaging() ? Boolean.TRUE : null, networks,
                backups(spec.backups()), null, new FileRulesDocument(spec.fileRules().deny(), spec.fileRules().readOnly()),
                spec.node());
    }

    private static BackupsDocument backups(BackupPolicy b) {
        if (b.isNone()) {
            return null;
        }
        return new BackupsDocument(b.schedule(), b.max(), b.maxAgeDays(), b.ignore().isEmpty() ? null : b.ignore(),
                b.commandsBefore().isEmpty() ? null : b.commandsBefore(), b.commandsAfter().isEmpty() ? null : b.commandsAfter());
    }

    /** The spec's canonical document as a JSON tree: the base an RFC 7396 merge patch applies to. */
    public static ObjectNode tree(ServerSpec spec) {
        return (ObjectNode) WireJson.tree(encode(spec));
    }

    // ------------------------------------------------------------------------------------------ decode

    /**
     * The spec a JSON object describes, rejecting unknown members.
     *
     * @throws InvalidSpecException naming every bad field
     */
    public static ServerSpec decode(JsonNode json) {
        return decode(json, Set.of());
    }

    /**
     * The spec a JSON object describes.
     *
     * @param ignorable top-level members to accept and ignore (read-only members a client echoes back,
     *                  such as {@code state}, {@code version}, {@code createdAt})
     * @throws InvalidSpecException naming every bad field
     */
    public static ServerSpec decode(JsonNode json, Set<String> ignorable) {
        Problems problems = new Problems();
        ServerSpec spec = decode(JsonObjectReader.of(json, "", problems), ignorable);
        problems.throwIfAny();
        return spec;
    }

    /**
     * Decodes from a reader that may sit inside a larger document (an export file), adding problems
     * to the reader's {@link Problems} with the reader's path as prefix.
     *
     * @return the spec, or null when there were problems (they are in {@code reader.problems()})
     */
    public static ServerSpec decode(JsonObjectReader reader, Set<String> ignorable) {
        if (!reader.isObject()) {
            return null;
        }
        Problems problems = reader.problems();
        int before = problems.list().size();
        Decoder d = new Decoder(reader);
        ServerSpec spec = d.spec(ignorable);
        return problems.list().size() == before ? spec : null;
    }

    /**
     * RFC 7396 merge patch, for {@code PATCH} requests: {@code patch}'s members replace {@code base}'s,
     * {@code null} removes one. {@code base} is not modified. Decode the result to validate it.
     */
    public static JsonNode mergePatch(ObjectNode base, JsonNode patch) {
        return JsonMergePatch.apply(base, patch);
    }

    /** One decoding pass; collects problems, substitutes harmless placeholders so that the rest can still be checked. */
    private static final class Decoder {
        private final JsonObjectReader root;
        private final Problems problems;
        private final String prefix;
        private final int firstProblem;
        /** Fields not in the document but derived from another member (containerPort from port). */
        private final Set<String> derived = new HashSet<>();

        Decoder(JsonObjectReader root) {
            this.root = root;
            this.problems = root.problems();
            this.prefix = root.path();
            this.firstProblem = problems.list().size();
        }

        ServerSpec spec(Set<String> ignorable) {
            UUID id = root.uuid("id");
            String name = root.text("name");
            String image = root.text("image");
            String startup = root.text("startup");
            Map<String, String> environment = root.stringMap("environment");
            List<Allocation> allocations = allocations();
            Limits limits = limits();
            StopPolicy stop = stop();
            RestartPolicy restart = restart();
            List<Mount> mounts = mounts();
            Map<String, String> labels = root.stringMap("labels");
            Map<String, String> extraHosts = root.stringMap("extraHosts");
            HealthCheck healthCheck = healthCheck();
            String readyPattern = root.text("readyPattern");
            GameQuery query = query();
            Duration settle = root.seconds("settleSeconds");
            Boolean messaging = root.bool("messaging");
            List<NetworkAttachment> networks = networks();
            BackupPolicy backups = backups();
            FileRules fileRules = fileRules();
            String node = root.text("node");
            root.rejectUnknown(HINTS, ignorable);

            try {
                // A missing id gets a fresh one (build() does that); a malformed one was reported already.
                return ServerSpec.builder(image).id(id).name(name).startup(startup).environment(environment)
                        .allocations(allocations).limits(limits).stopPolicy(stop).restartPolicy(restart)
                        .mounts(mounts).labels(labels).extraHosts(extraHosts).healthCheck(healthCheck)
                        .readyPattern(readyPattern).query(query).settle(settle)
                        .messaging(messaging != null && messaging).networks(networks).backups(backups).fileRules(fileRules)
                        .node(node).build();
            } catch (InvalidSpecException e) {
                mergeSpecErrors(e.errors());
                return null;
            }
        }

        /** Adds the spec's own errors, except where the JSON was already reported wrong at or above that field. */
        private void mergeSpecErrors(List<FieldError> specErrors) {
            List<FieldError> jsonErrors = problems.list().subList(firstProblem, problems.list().size());
            for (FieldError e : specErrors) {
                String field = JsonObjectReader.join(prefix, e.field());
                if (derived.contains(field)) {
                    continue; // the member it came from carries the error
                }
                boolean covered = jsonErrors.stream().map(FieldError::field).anyMatch(
                        reported -> field.equals(reported) || field.startsWith(reported + ".") || field.startsWith(reported + "["));
                if (!covered) {
                    problems.add(field, e.message());
                }
            }
        }

        private List<Allocation> allocations() {
            List<JsonNode> nodes = root.array("allocations");
            if (nodes == null) {
                return null;
            }
            List<Allocation> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                JsonObjectReader a = root.element("allocations", i, nodes.get(i));
                if (!a.isObject()) {
                    out.add(new Allocation("0.0.0.0", 0, 0, Protocol.TCP, false));
                    continue;
                }
                String ip = required(a, "ip", a.text("ip"));
                Integer port = required(a, "port", a.integer("port"));
                Integer containerPort = a.integer("containerPort");
                Protocol protocol = a.choice("protocol", Protocol::parse);
                Boolean primary = a.bool("primary");
                a.rejectUnknown(ALLOCATION_FIELDS, Set.of());
                int hostPort = port == null ? 0 : port;
                if (containerPort == null) {
                    derived.add(JsonObjectReader.join(prefix, "allocations[" + i + "].containerPort"));
                }
                // A server with a single allocation has only one candidate for primary: don't make clients say so.
                boolean isPrimary = primary == null ? nodes.size() == 1 : primary;
                out.add(new Allocation(ip, hostPort, containerPort == null ? hostPort : containerPort,
                        protocol == null ? Protocol.TCP : protocol, isPrimary));
            }
            return out;
        }

        private Limits limits() {
            Tier tier = root.choice("tier", Tier::parse);
            Limits l = tier == null ? Limits.UNLIMITED : tier.limits();
            JsonObjectReader r = root.object("limits");
            if (r == null) {
                return l;
            }
            Long memory = r.longValue("memoryMiB");
            Long swap = r.longValue("swapMiB");
            Integer cpu = r.integer("cpuPercent");
            String threads = r.text("threads");
            Long disk = r.longValue("diskMiB");
            Integer io = r.integer("ioWeight");
            Integer pids = r.integer("pidsLimit");
            Boolean oom = r.bool("oomKiller");
            r.rejectUnknown(LIMITS_FIELDS, Set.of());
            if (memory != null) {
                l = l.withMemoryMiB(memory);
            }
            if (swap != null) {
                l = l.withSwapMiB(swap);
            }
            if (cpu != null) {
                l = l.withCpuPercent(cpu);
            }
            if (threads != null) {
                l = l.withThreads(threads);
            }
            if (disk != null) {
                l = l.withDiskMiB(disk);
            }
            if (io != null) {
                l = l.withIoWeight(io);
            }
            if (pids != null) {
                l = l.withPidsLimit(pids);
            }
            if (oom != null) {
                l = l.withOomKiller(oom);
            }
            return l;
        }

        private StopPolicy stop() {
            JsonObjectReader r = root.object("stop");
            if (r == null) {
                return null;
            }
            boolean typeGiven = r.has("type");
            String type = r.text("type");
            String value = r.text("value");
            Duration timeout = r.seconds("timeoutSeconds");
            Integer port = r.integer("port");
            String password = r.text("password");
            r.rejectUnknown(STOP_FIELDS, Set.of());
            Duration t = timeout == null ? StopPolicy.DEFAULT_TIMEOUT : timeout;
            String kind = type == null ? null : type.strip().toLowerCase(Locale.ROOT);
            if (!"rcon".equals(kind)) {
                if (r.has("port")) {
                    r.error("port", "only applies to rcon stop policies");
                }
                if (r.has("password")) {
                    r.error("password", "only applies to rcon stop policies");
                }
            }
            if (kind == null) {
                if (!typeGiven) {
                    r.error("type", "is required: command, signal or rcon");
                }
                return null;
            }
            return switch (kind) {
                case "command" -> StopPolicy.command(value, t);
                case "signal" -> StopPolicy.signal(value, t);
                case "rcon" -> StopPolicy.rcon(port == null ? 0 : port, password, value, t);
                default -> {
                    r.error("type", "must be one of command, signal, rcon (was '" + type + "')");
                    yield null;
                }
            };
        }

        private RestartPolicy restart() {
            JsonObjectReader r = root.object("restart");
            if (r == null) {
                return null;
            }
            boolean policyGiven = r.has("policy");
            RestartPolicy.Mode mode = r.choice("policy", RestartPolicy.Mode::parse);
            Integer maxRetries = r.integer("maxRetries");
            Boolean onUnhealthy = r.bool("onUnhealthy");
            r.rejectUnknown(RESTART_FIELDS, Set.of());
            if (mode == null) {
                if (!policyGiven) {
                    r.error("policy", "is required: no, on-failure, unless-stopped or always");
                }
                return null;
            }
            int retries = maxRetries != null ? maxRetries : mode == RestartPolicy.Mode.NO ? 0 : RestartPolicy.DEFAULT_MAX_RETRIES;
            return new RestartPolicy(mode, retries, Boolean.TRUE.equals(onUnhealthy));
        }

        /** Each network is its name, or {@code {"name": …, "aliases": […]}}. */
        private List<NetworkAttachment> networks() {
            List<JsonNode> nodes = root.array("networks");
            if (nodes == null) {
                return null;
            }
            List<NetworkAttachment> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                JsonNode node = nodes.get(i);
                if (node.isTextual()) {
                    out.add(NetworkAttachment.of(node.asText()));
                    continue;
                }
                JsonObjectReader n = root.element("networks", i, node);
                if (!n.isObject()) {
                    out.add(NetworkAttachment.of("placeholder"));
                    continue;
                }
                String name = required(n, "name", n.text("name"));
                List<String> aliases = new ArrayList<>();
                List<JsonNode> a = n.array("aliases");
                if (a != null) {
                    for (int j = 0; j < a.size(); j++) {
                        if (a.get(j).isTextual()) {
                            aliases.add(a.get(j).asText());
                        } else {
                            n.error("aliases[" + j + "]", "must be a string");
                        }
                    }
                }
                n.rejectUnknown(NETWORK_FIELDS, Set.of());
                out.add(new NetworkAttachment(name == null ? "placeholder" : name, aliases));
            }
            return out;
        }

        private List<Mount> mounts() {
            List<JsonNode> nodes = root.array("mounts");
            if (nodes == null) {
                return null;
            }
            List<Mount> out = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                JsonObjectReader m = root.element("mounts", i, nodes.get(i));
                if (!m.isObject()) {
                    out.add(new Mount("/", "/placeholder", false));
                    continue;
                }
                String source = required(m, "source", m.text("source"));
                String target = required(m, "target", m.text("target"));
                Boolean readOnly = m.bool("readOnly");
                m.rejectUnknown(MOUNT_FIELDS, Set.of());
                out.add(new Mount(source, target, Boolean.TRUE.equals(readOnly)));
            }
            return out;
        }

        private HealthCheck healthCheck() {
            JsonObjectReader r = root.object("healthCheck");
            if (r == null) {
                return null;
            }
            HealthCheck defaults = HealthCheck.of(null);
            String command = required(r, "command", r.text("command"));
            Duration interval = r.seconds("intervalSeconds");
            Duration timeout = r.seconds("timeoutSeconds");
            Integer retries = r.integer("retries");
            Duration startPeriod = r.seconds("startPeriodSeconds");
            r.rejectUnknown(HEALTH_FIELDS, Set.of());
            return new HealthCheck(command,
                    interval == null ? defaults.interval() : interval,
                    timeout == null ? defaults.timeout() : timeout,
                    retries == null ? defaults.retries() : retries,
                    startPeriod == null ? defaults.startPeriod() : startPeriod);
        }

        private GameQuery query() {
            JsonObjectReader r = root.object("query");
            if (r == null) {
                return null;
            }
            String protocol = required(r, "protocol", r.text("protocol"));
            Integer port = r.integer("port");
            String command = r.text("command");
            String password = r.text("password");
            r.rejectUnknown(QUERY_FIELDS, Set.of());
            if (protocol == null) {
                return null;
            }
            QueryProtocol p;
            try {
                p = QueryProtocol.parse(protocol);
            } catch (IllegalArgumentException e) {
                r.error("protocol", e.getMessage());
                return null;
            }
            if (p != QueryProtocol.RCON && (command != null || password != null)) {
                r.error(command != null ? "command" : "password", "is for the rcon protocol only");
            }
            return new GameQuery(p, port == null ? 0 : port, command, password);
        }

        private FileRules fileRules() {
            JsonObjectReader r = root.object("fileRules");
            if (r == null) {
                return null;
            }
            List<String> deny = strings(r, "deny");
            List<String> readOnly = strings(r, "readOnly");
            r.rejectUnknown(FILE_RULES_FIELDS, Set.of());
            return FileRules.of(deny, readOnly);
        }

        private BackupPolicy backups() {
            JsonObjectReader r = root.object("backups");
            if (r == null) {
                return null;
            }
            String schedule = r.text("schedule");
            Integer max = r.integer("max");
            Integer maxAgeDays = r.integer("maxAgeDays");
            List<String> ignore = strings(r, "ignore");
            List<String> before = strings(r, "commandsBefore");
            List<String> after = strings(r, "commandsAfter");
            r.rejectUnknown(BACKUPS_FIELDS, Set.of());
            return new BackupPolicy(schedule, max, maxAgeDays, ignore, before, after);
        }

        /**
         * An array of strings; an element of another type is reported by its index and stands in as a harmless
         * placeholder, so that the rest can still be checked.
         */
        private static List<String> strings(JsonObjectReader r, String name) {
            List<JsonNode> nodes = r.array(name);
            if (nodes == null) {
                return null;
            }
            List<String> out = new ArrayList<>(nodes.size());
            for (int i = 0; i < nodes.size(); i++) {
                JsonNode n = nodes.get(i);
                if (n.isTextual()) {
                    out.add(n.textValue());
                } else {
                    r.error(name + "[" + i + "]", "must be a string (was " + WireJson.describe(n) + ")");
                    out.add("placeholder");
                }
            }
            return out;
        }

        /** Reports a missing member as required (a present one of the wrong type was already reported). */
        private static <T> T required(JsonObjectReader r, String name, T value) {
            if (value == null && !r.has(name)) {
                r.error(name, "is required");
            }
            return value;
        }
    }
}
