package dev.raptor.core.server;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.IpLiteral;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.backup.BackupPolicy;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.limits.Tier;
import dev.raptor.core.network.NetworkAttachment;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Everything Raptor needs to know to run one game server: what to run, with which ports, limits and
 * policies. Immutable and valid by construction: the canonical constructor checks every field and
 * throws {@link InvalidSpecException} naming all bad ones, so a {@code ServerSpec} that exists is one
 * the runtime can be given. Build it with {@link #builder(String)}.
 *
 * <p>Maps are kept sorted by key so that equal specs have equal string forms and hashes.
 *
 * @param id            stable identity of the server (containers are labelled with it)
 * @param name          human name, unique per node by convention only
 * @param image         container image reference; optional for runtimes that run no images (process runtime)
 * @param startup       command line the server starts with, {@code {{VAR}}} placeholders expanded at start
 *                      ({@link #startupCommand()}); null = the image's own entrypoint
 * @param environment   environment variables (Raptor adds SERVER_IP, SERVER_PORT, SERVER_MEMORY, STARTUP)
 * @param allocations   ports; exactly one is primary when there are any
 * @param limits        resource limits
 * @param stopPolicy    how the server is asked to stop, and when it is killed instead
 * @param restartPolicy what happens when it exits on its own
 * @param mounts        extra host paths visible inside the server
 * @param labels        operator labels (keys under {@code dev.raptor.} are reserved)
 * @param extraHosts    extra host-name to IP entries for the server's /etc/hosts
 * @param healthCheck   optional health check; null = none
 * @param readyPattern  regular expression found in a console line once the server has booted (e.g.
 *                      {@code Done \(}); until then the server is STARTING. Null = booted once it has
 *                      run for {@code settle}.
 * @param query         how Raptor asks the game for its players, version and MOTD (on the primary
 *                      allocation); null = it does not ask
 * @param settle        without a ready pattern, how long the server must keep running after its start
 *                      before the start counts as done (an exit within it fails the start); default
 *                      {@link #DEFAULT_SETTLE}, 0 = done as soon as its process runs. Ignored with a ready
 *                      pattern. Not part of what runs, so not part of the {@link dev.raptor.core.runtime.SpecHash}.
 * @param messaging     whether the server gets a message socket: a Unix socket the daemon listens on, named
 *                      by the server's id, whose path the program finds in {@value #MESSAGE_SOCKET_ENV}
 * @param networks      networks the server joins, with its aliases there (attached when its container is
 *                      created; a change recreates the container at its next start); empty = the engine's default
 * @param backups       its backups' schedule, retention, ignore patterns and console commands; default
 *                      {@link BackupPolicy#NONE}. Not part of what runs (it comes after the settle window, so
 *                      the {@link dev.raptor.core.runtime.SpecHash} leaves it out).
 * @param fileRules     which files users may not see or change (gitignore patterns); never what runs (left out of
 *                      the {@link dev.raptor.core.runtime.SpecHash} like the backups)
 * @param node          the node the server must run on, on a runtime with several (Swarm: the node's hostname); null =
 *                      the runtime chooses. Which nodes exist is the runtime's to check
 *                      ({@link dev.raptor.core.runtime.ContainerRuntime#check}). Where it runs, not what runs: left out of
 *                      the {@link dev.raptor.core.runtime.SpecHash} (a server is placed once and then stays with its files)
 */
public record ServerSpec(UUID id, String name, String image, String startup, Map<String, String> environment,
                         List<Allocation> allocations, Limits limits, StopPolicy stopPolicy,
                         RestartPolicy restartPolicy, List<Mount> mounts, Map<String, String> labels,
                         Map<String, String> extraHosts, HealthCheck healthCheck, String readyPattern, GameQuery query,
                         Duration settle, boolean messaging, List<NetworkAttachment> networks, BackupPolicy backups,
                         FileRules fileRules, String node) {

    /** Where the server's data directory appears inside the container. */
    public static final String DATA_MOUNT = "/home/container";

    /** Environment variables Raptor sets itself; a spec may not set them. */
    public static final Set<String> RESERVED_ENV = Set.of("SERVER_IP", "SERVER_PORT", "SERVER_MEMORY", "STARTUP", "RAPTOR_SOCKET");

    /** The variable that tells a server with {@link #messaging} where its message socket is. */
    public static final String MESSAGE_SOCKET_ENV = "RAPTOR_SOCKET";

    /** Label keys under this prefix belong to Raptor (server id, spec hash). */
    public static final String RESERVED_LABEL_PREFIX = "dev.raptor.";

    private static final Pattern IMAGE = Pattern.compile(
            "(?:[a-zA-Z0-9][a-zA-Z0-9.-]*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
                    + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    /** How long a server without a ready pattern must keep running before its start is done. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);
    /** The longest settle window: a start waits at most this long for a server that gives no ready line. */
    public static final Duration MAX_SETTLE = Duration.ofMinutes(5);
    private static final int MAX_NAME = 100;
    private static final int MAX_STARTUP = 8192;

    public ServerSpec {
        Problems p = new Problems();
        p.check(id != null, "id", "is required");
        p.check(name != null && !name.isBlank(), "name", "is required");
        if (name != null) {
            name = name.strip();
            p.check(name.length() <= MAX_NAME, "name", "must be at most " + MAX_NAME + " characters");
            p.check(name.chars().noneMatch(Character::isISOControl), "name", "must not contain control characters");
        }
        if (image != null && image.isBlank()) {
            image = null;
        }
        p.check(image == null || IMAGE.matcher(image).matches(), "image",
                "must be an image reference such as ghcr.io/org/game:1.2 (was '" + image + "')");
        if (startup != null && startup.isBlank()) {
            startup = null;
        }
        p.check(startup == null || startup.length() <= MAX_STARTUP, "startup", "must be at most " + MAX_STARTUP + " characters");
        p.check(startup == null || startup.chars().noneMatch(c -> c == 0 || c == '\n' || c == '\r'), "startup",
                "must be a single line without NUL characters");
        p.check(image != null || startup != null, "image", "a server needs an image or a startup command");

        environment = sortedCopy(environment, "environment", p);
        environment.forEach((k, v) -> {
            p.check(ENV_NAME.matcher(k).matches(), "environment." + k, "is not a valid variable name (letters, digits, _)");
            p.check(!RESERVED_ENV.contains(k), "environment." + k, "is set by Raptor from the allocations, limits and messaging");
            p.check(v.indexOf('\0') < 0, "environment." + k, "must not contain NUL characters");
        });

        allocations = allocations == null ? List.of() : nonNullCopy(allocations, "allocations", p);
        long primaries = allocations.stream().filter(Allocation::primary).count();
        p.check(allocations.isEmpty() || primaries == 1, "allocations",
                "exactly one allocation must be primary (found " + primaries + ")");
        for (int i = 0; i < allocations.size(); i++) {
            Allocation a = allocations.get(i);
            p.addAll("allocations[" + i + "]", a.problems());
            for (int j = 0; j < i; j++) {
                if (a.collidesWith(allocations.get(j))) {
                    p.add("allocations[" + i + "]", "binds the same " + a.hostBinding() + " as allocations[" + j + "]");
                }
            }
        }

        limits = limits == null ? Limits.UNLIMITED : limits;
        p.addAll("limits", limits.problems());
        stopPolicy = stopPolicy == null ? StopPolicy.defaultPolicy() : stopPolicy;
        p.addAll("stop", stopPolicy.problems());
        restartPolicy = restartPolicy == null ? RestartPolicy.no() : restartPolicy;
        p.addAll("restart", restartPolicy.problems());

        mounts = mounts == null ? List.of() : nonNullCopy(mounts, "mounts", p);
        for (int i = 0; i < mounts.size(); i++) {
            p.addAll("mounts[" + i + "]", mounts.get(i).problems());
        }

        labels = sortedCopy(labels, "labels", p);
        labels.forEach((k, v) -> {
            p.check(LABEL_KEY.matcher(k).matches(), "labels." + k, "keys are 1-128 of letters, digits and . _ / -");
            p.check(!k.startsWith(RESERVED_LABEL_PREFIX), "labels." + k, "keys under " + RESERVED_LABEL_PREFIX + " are reserved for Raptor");
            p.check(v.length() <= 1024, "labels." + k, "values are at most 1024 characters");
        });

        extraHosts = sortedCopy(extraHosts, "extraHosts", p);
        extraHosts.forEach((host, ip) -> {
            p.check(HOST_NAME.matcher(host).matches() && host.length() <= 253, "extraHosts." + host, "is not a valid host name");
            p.check(IpLiteral.isValid(ip), "extraHosts." + host, "must map to an IP literal (was '" + ip + "')");
        });

        if (healthCheck != null) {
            p.addAll("healthCheck", healthCheck.problems());
        }
        if (readyPattern != null && readyPattern.isEmpty()) {
            readyPattern = null;
        }
        if (readyPattern != null) {
            try {
                Pattern.compile(readyPattern);
            } catch (PatternSyntaxException e) {
                p.add("readyPattern", "is not a valid regular expression: " + e.getDescription());
            }
        }
        if (query != null) {
            List<FieldError> queryProblems = query.problems();
            p.addAll("query", queryProblems);
            p.check(!queryProblems.isEmpty() || query.port() > 0 || !allocations.isEmpty(), "query",
                    "needs a primary allocation to ask, or a port of its own");
        }
        fileRules = fileRules == null ? FileRules.NONE : fileRules;
        p.addAll("fileRules", fileRules.problems());
        node = node == null || node.isBlank() ? null : node.strip();
        p.check(node == null || (node.length() <= 253 && node.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))),
                "node", "must be a node's hostname (1-253 characters, no spaces)");
        settle = settle == null ? DEFAULT_SETTLE : settle;
        p.check(!settle.isNegative() && settle.compareTo(MAX_SETTLE) <= 0, "settleSeconds",
                "must be between 0 and " + MAX_SETTLE.toSeconds() + " seconds (was " + settle.toMillis() / 1000.0 + ")");
        networks = networks == null ? List.of() : nonNullCopy(networks, "networks", p);
        for (int i = 0; i < networks.size(); i++) {
            p.addAll("networks[" + i + "]", networks.get(i).problems());
            for (int j = 0; j < i; j++) {
                if (networks.get(i).name() != null && networks.get(i).name().equals(networks.get(j).name())) {
                    p.add("networks[" + i + "].name", "joins " + networks.get(i).name() + " again (networks[" + j + "])");
                }
            }
        }
        backups = backups == null ? BackupPolicy.NONE : backups;
        p.addAll("backups", backups.problems());
        p.throwIfAny();
    }

    private static Map<String, String> sortedCopy(Map<String, String> in, String field, Problems p) {
        if (in == null || in.isEmpty()) {
            return Collections.emptySortedMap();
        }
        TreeMap<String, String> out = new TreeMap<>();
        in.forEach((k, v) -> {
            if (k == null || v == null) {
                p.add(field, "keys and values must not be null");
            } else {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }

    private static <T> List<T> nonNullCopy(List<T> in, String field, Problems p) {
        List<T> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i) == null) {
                p.add(field + "[" + i + "]", "must not be null");
            } else {
                out.add(in.get(i));
            }
        }
        return List.copyOf(out);
    }

    /** The primary allocation, if the server has ports. */
    public Optional<Allocation> primaryAllocation() {
        return allocations.stream().filter(Allocation::primary).findFirst();
    }

    /**
     * The environment the server actually starts with: its own variables plus SERVER_IP,
     * SERVER_PORT (the primary allocation's port inside the server), SERVER_MEMORY (MiB) and STARTUP.
     */
    public Map<String, String> effectiveEnvironment() {
        Map<String, String> env = baseEnvironment();
        String command = startupCommand();
        if (command != null) {
            env.put("STARTUP", command);
        }
        return Collections.unmodifiableMap(env);
    }

    /**
     * The command line the server starts with: {@code startup} with its {@code {{VAR}}} placeholders expanded
     * from the environment Raptor gives it, {@code {{JVM_FLAGS}}} included ({@link StartupCommand}); null when the
     * spec has none.
     */
    public String startupCommand() {
        if (startup == null || !startup.contains("{{")) {
            return startup;
        }
        Map<String, String> env = baseEnvironment();
        env.putIfAbsent(JvmPreset.VARIABLE, JvmPreset.flags(limits.memoryMiB()));
        return StartupCommand.expand(startup, env);
    }

    private Map<String, String> baseEnvironment() {
        Map<String, String> env = new LinkedHashMap<>(environment);
        primaryAllocation().ifPresent(a -> {
            env.put("SERVER_IP", a.ip());
            env.put("SERVER_PORT", Integer.toString(a.containerPort()));
        });
        env.put("SERVER_MEMORY", Long.toString(limits.memoryMiB()));
        return env;
    }

    public Builder toBuilder() {
        Builder b = new Builder(image);
        b.id = id;
        b.name = name;
        b.startup = startup;
        b.environment.putAll(environment);
        b.allocations.addAll(allocations);
        b.limits = limits;
        b.stopPolicy = stopPolicy;
        b.restartPolicy = restartPolicy;
        b.mounts.addAll(mounts);
        b.labels.putAll(labels);
        b.extraHosts.putAll(extraHosts);
        b.healthCheck = healthCheck;
        b.readyPattern = readyPattern;
        b.query = query;
        b.fileRules = fileRules;
        b.node = node;
        b.settle = settle;
        b.messaging = messaging;
        b.networks.addAll(networks);
        b.backups = backups;
        return b;
    }

    public ServerSpec withName(String newName) {
        return toBuilder().name(newName).build();
    }

    /** Starts a spec for a server running {@code image} (null for the process runtime). */
    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** Starts a spec without an image, for runtimes that run a startup command directly. */
    public static Builder builder() {
        return new Builder(null);
    }

    /** Fluent, mutable, single-use builder; {@link #build()} validates everything at once. */
    public static final class Builder {
        private UUID id;
        private String name;
        private String image;
        private String startup;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<Allocation> allocations = new ArrayList<>();
        private Limits limits;
        private StopPolicy stopPolicy;
        private RestartPolicy restartPolicy;
        private final List<Mount> mounts = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> extraHosts = new LinkedHashMap<>();
        private HealthCheck healthCheck;
        private String readyPattern;
        private GameQuery query;
        private FileRules fileRules;
        private String node;
        private Duration settle;
        private boolean messaging;
        private final List<NetworkAttachment> networks = new ArrayList<>();
        private BackupPolicy backups;

        private Builder(String image) {
            this.image = image;
        }

        public Builder id(UUID id) {
            this.id = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder startup(String startup) {
            this.startup = startup;
            return this;
        }

        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder environment(Map<String, String> env) {
            environment.clear();
            if (env != null) {
                environment.putAll(env);
            }
            return this;
        }

        public Builder allocation(Allocation allocation) {
            allocations.add(allocation);
            return this;
        }

        public Builder allocations(List<Allocation> list) {
            allocations.clear();
            if (list != null) {
                allocations.addAll(list);
            }
            return this;
        }

        /** Shorthand for a primary TCP allocation with the same port inside. */
        public Builder port(String ip, int port) {
            return allocation(new Allocation(ip, port, port, Protocol.TCP, allocations.stream().noneMatch(Allocation::primary)));
        }

        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        public Builder tier(Tier tier) {
            this.limits = tier.limits();
            return this;
        }

        public Builder stopPolicy(StopPolicy stopPolicy) {
            this.stopPolicy = stopPolicy;
            return this;
        }

        public Builder stopCommand(String command, Duration timeout) {
            return stopPolicy(StopPolicy.command(command, timeout));
        }

        public Builder restartPolicy(RestartPolicy restartPolicy) {
            this.restartPolicy = restartPolicy;
            return this;
        }

        public Builder mount(Mount mount) {
            mounts.add(mount);
            return this;
        }

        public Builder mounts(List<Mount> list) {
            mounts.clear();
            if (list != null) {
                mounts.addAll(list);
            }
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder labels(Map<String, String> map) {
            labels.clear();
            if (map != null) {
                labels.putAll(map);
            }
            return this;
        }

        public Builder extraHost(String host, String ip) {
            extraHosts.put(host, ip);
            return this;
        }

        public Builder extraHosts(Map<String, String> map) {
            extraHosts.clear();
            if (map != null) {
                extraHosts.putAll(map);
            }
            return this;
        }

        public Builder healthCheck(HealthCheck healthCheck) {
            this.healthCheck = healthCheck;
            return this;
        }

        /** Console line (regular expression) that marks the end of boot, e.g. {@code Done \(}. */
        public Builder readyPattern(String regex) {
            this.readyPattern = regex;
            return this;
        }

        /** How Raptor asks the game for its status; null = it does not. */
        public Builder query(GameQuery query) {
            this.query = query;
            return this;
        }

        /** Joins the network {@code name}, answering to {@code aliases} there too. */
        public Builder network(String name, String... aliases) {
            networks.add(NetworkAttachment.of(name, aliases));
            return this;
        }

        public Builder networks(List<NetworkAttachment> list) {
            networks.clear();
            if (list != null) {
                networks.addAll(list);
            }
            return this;
        }

        /** Which files users may not see or change; null = none. */
        public Builder fileRules(FileRules fileRules) {
            this.fileRules = fileRules;
            return this;
        }

        /** The node it must run on, on a runtime with several (its hostname); null: the runtime chooses. */
        public Builder node(String node) {
            this.node = node;
            return this;
        }

        /** Without a ready pattern: how long the server must keep running before its start is done (null: the default). */
        public Builder settle(Duration settle) {
            this.settle = settle;
            return this;
        }

        /** Whether the server gets a message socket ({@value #MESSAGE_SOCKET_ENV} tells its program where). */
        public Builder messaging(boolean messaging) {
            this.messaging = messaging;
            return this;
        }

        /** Its backups' schedule, retention, ignore patterns and console commands (null: {@link BackupPolicy#NONE}). */
        public Builder backups(BackupPolicy backups) {
            this.backups = backups;
            return this;
        }

        /**
         * Validates and freezes the spec. A missing id gets a fresh random one.
         *
         * @throws InvalidSpecException naming every bad field
         */
        public ServerSpec build() {
            return new ServerSpec(id == null ? UUID.randomUUID() : id, name, image, startup, environment, allocations,
                    limits, stopPolicy, restartPolicy, mounts, labels, extraHosts, healthCheck, readyPattern, query, settle,
                    messaging, networks, backups, fileRules, node);
        }
    }
}
