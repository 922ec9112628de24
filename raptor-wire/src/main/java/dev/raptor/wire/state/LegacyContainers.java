package dev.raptor.wire.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Reads the {@code containers.json} of the earlier Rust daemon: a JSON array of containers such as
 *
 * <pre>{@code
 * [{"name": "survival", "docker_id": "4f9c...", "image": "ghcr.io/pterodactyl/yolks:java_21",
 *   "startup_script": "java -Xmx4G -jar server.jar nogui", "stop_command": "stop",
 *   "allocation": {"ip": "0.0.0.0", "port": 25565},
 *   "allocations": [{"ip": "0.0.0.0", "port": 25565, "internal_port": 25565, "protocol": "tcp", "is_primary": true}],
 *   "resources": {"memory_limit": 4096, "cpu_limit": 200, "disk_limit": 20480, "swap_limit": 0, "io_weight": 500},
 *   "environment": {"EULA": "TRUE"}}]
 * }</pre>
 *
 * Keys may be snake_case or camelCase ({@code docker_id}/{@code dockerId}, {@code is_primary}/{@code isPrimary}...).
 *
 * <p>Mapping:
 * <ul>
 *   <li>{@code id}: {@link #idFor(String) derived from the name}, so importing the same file twice
 *       names the same servers (and the second import meets them as existing ones).</li>
 *   <li>{@code startup_script} → {@code startup}; {@code stop_command} → a command stop policy with a
 *       30 s timeout ({@code ^C}, Wings' spelling of SIGINT, becomes a SIGINT signal policy; none → the
 *       default SIGTERM).</li>
 *   <li>{@code allocations} when present and not empty, each with {@code internal_port} defaulting to
 *       {@code port}, {@code protocol} to tcp, and the first one primary if none says
 *       {@code is_primary}; otherwise the single legacy {@code allocation} as a primary tcp allocation.</li>
 *   <li>{@code resources}: {@code memory_limit}, {@code disk_limit} and {@code swap_limit} are MiB;
 *       <b>a value above 1,048,576 is taken as bytes</b> (the old daemon stored bytes in some versions, and
 *       nobody gives a game server a terabyte of memory) and rounded up to whole MiB, with a warning.
 *       {@code cpu_limit} is percent of one core, {@code io_weight} 10-1000 with 0 meaning the default
 *       500; anything absent is unlimited.</li>
 *   <li>{@code environment} (an object of strings) is kept if present.</li>
 *   <li>{@code docker_id} is not used (containers are found by label) but reported.</li>
 *   <li>Every server is imported with desired state stopped: the operator starts them deliberately.</li>
 * </ul>
 * Unknown keys are reported as warnings, not errors: the file was written by another program.
 * Problems are reported by entry index and the field as the file spells it, e.g.
 * {@code [3].allocations[0].port: must be between 1 and 65535}.
 */
public final class LegacyContainers {

    /** Sizes above this many are taken as bytes rather than MiB. */
    public static final long BYTES_THRESHOLD = 1_048_576L;
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> KNOWN = Set.of("name", "docker_id", "image", "startup_script", "stop_command",
            "allocation", "allocations", "resources", "environment");

    private LegacyContainers() {
    }

    /** The server id a legacy container named {@code name} gets: a name-based (version 3) UUID. */
    public static UUID idFor(String name) {
        return UUID.nameUUIDFromBytes(("raptor-legacy-container:" + name.strip()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a {@code containers.json} array.
     *
     * @throws InvalidSpecException naming every bad entry and field; then nothing may be imported
     */
    public static ImportPlan read(JsonNode array, Clock clock) {
        if (array == null || !array.isArray()) {
            throw new InvalidSpecException("$", "a legacy containers.json is a JSON array of containers");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Problems problems = new Problems();
        List<String> warnings = new ArrayList<>();
        List<StoredServer> servers = new ArrayList<>();
        Map<UUID, String> dockerIds = new LinkedHashMap<>();
        Map<UUID, Integer> seen = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            Entry entry = new Entry(JsonObjectReader.lenient(array.get(i), "[" + i + "]", problems), warnings);
            ServerSpec spec = entry.spec();
            if (spec == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(spec.id(), i);
            if (first != null) {
                problems.add(entry.r.pathOf("name"), "'" + spec.name() + "' is also the name of [" + first
                        + "]; names must be unique because the server id is derived from them");
                continue;
            }
            servers.add(new StoredServer(spec, 1, DesiredState.STOPPED, now, now));
            if (entry.dockerId != null) {
                dockerIds.put(spec.id(), entry.dockerId);
            }
        }
        problems.throwIfAny();
        return new ImportPlan(ImportFormat.LEGACY_CONTAINERS, servers, dockerIds, warnings);
    }

    /** One legacy container being read; maps the spec's error paths back to the file's own keys. */
    private static final class Entry {
        private final JsonObjectReader r;
        private final List<String> warnings;
        private String dockerId;
        private final List<JsonObjectReader> allocationReaders = new ArrayList<>();
        /** Allocation indexes whose container port was not given but copied from the port. */
        private final Set<Integer> derivedContainerPort = new HashSet<>();
        private boolean singleAllocation;
        private JsonObjectReader resources;

        Entry(JsonObjectReader r, List<String> warnings) {
            this.r = r;
            this.warnings = warnings;
        }

        ServerSpec spec() {
            if (!r.isObject()) {
                return null;
            }
            Problems problems = r.problems();
            int before = problems.list().size();
            String name = r.text("name");
            dockerId = r.text("docker_id");
            String image = r.text("image");
            String startup = r.text("startup_script");
            StopPolicy stop = stopPolicy(r.text("stop_command"));
            List<Allocation> allocations = allocations();
            Limits limits = limits();
            Map<String, String> environment = r.stringMap("environment");
            for (String unknown : r.unknownMembers(KNOWN)) {
                warnings.add(r.path() + "." + unknown + ": ignored (not something Raptor imports)");
            }
            if (problems.list().size() > before) {
                return null;
            }
            if (name == null || name.isBlank()) {
                r.error("name", "is required (the server id is derived from it)");
                return null;
            }
            try {
                return ServerSpec.builder(image).id(idFor(name)).name(name).startup(startup).environment(environment)
                        .allocations(allocations).limits(limits).stopPolicy(stop).build();
            } catch (InvalidSpecException e) {
                for (FieldError fe : e.errors()) {
                    if (!isDerived(fe.field())) {
                        problems.add(legacyPath(fe.field()), fe.message());
                    }
                }
                return null;
            }
        }

        private static StopPolicy stopPolicy(String command) {
            if (command == null || command.isBlank()) {
                return null;
            }
            if (command.strip().equals("^C")) {
                return StopPolicy.signal("SIGINT", STOP_TIMEOUT);
            }
            return StopPolicy.command(command, STOP_TIMEOUT);
        }

        private List<Allocation> allocations() {
            List<JsonNode> nodes = r.array("allocations");
            JsonObjectReader single = r.object("allocation");
            List<Allocation> out = new ArrayList<>();
            if (nodes != null && !nodes.isEmpty()) {
                for (int i = 0; i < nodes.size(); i++) {
                    JsonObjectReader a = r.element("allocations", i, nodes.get(i));
                    allocationReaders.add(a);
                    if (!a.isObject()) {
                        continue;
                    }
                    String ip = required(a, "ip", a.text("ip"));
                    Integer port = required(a, "port", a.integer("port"));
                    Integer internal = a.integer("internal_port");
                    Protocol protocol = a.choice("protocol", Protocol::parse);
                    Boolean primary = a.bool("is_primary");
                    warnUnknown(a, Set.of("ip", "port", "internal_port", "protocol", "is_primary"));
                    int p = port == null ? 0 : port;
                    if (internal == null || internal == 0) {
                        derivedContainerPort.add(i);
                    }
                    out.add(new Allocation(ip, p, internal == null || internal == 0 ? p : internal,
                            protocol == null ? Protocol.TCP : protocol, Boolean.TRUE.equals(primary)));
                }
                if (!out.isEmpty() && out.stream().noneMatch(Allocation::primary)) {
                    Allocation firstOne = out.getFirst();
                    out.set(0, new Allocation(firstOne.ip(), firstOne.port(), firstOne.containerPort(),
                            firstOne.protocol(), true));
                }
                if (single != null) {
                    warnings.add(single.path() + ": ignored, the allocations list takes its place");
                }
                return out;
            }
            if (single != null) {
                singleAllocation = true;
                allocationReaders.add(single);
                derivedContainerPort.add(0);
                String ip = required(single, "ip", single.text("ip"));
                Integer port = required(single, "port", single.integer("port"));
                warnUnknown(single, Set.of("ip", "port"));
                out.add(Allocation.primary(ip, port == null ? 0 : port, Protocol.TCP));
            }
            return out;
        }

        private Limits limits() {
            resources = r.object("resources");
            if (resources == null) {
                return Limits.UNLIMITED;
            }
            Limits l = Limits.UNLIMITED;
            Long memory = mib(resources, "memory_limit");
            Long disk = mib(resources, "disk_limit");
            Long swap = mib(resources, "swap_limit");
            Integer cpu = resources.integer("cpu_limit");
            Integer io = resources.integer("io_weight");
            warnUnknown(resources, Set.of("memory_limit", "disk_limit", "swap_limit", "cpu_limit", "io_weight"));
            if (memory != null) {
                l = l.withMemoryMiB(memory);
            }
            if (disk != null) {
                l = l.withDiskMiB(disk);
            }
            if (swap != null) {
                l = l.withSwapMiB(swap);
            }
            if (cpu != null) {
                l = l.withCpuPercent(cpu);
            }
            if (io != null && io != 0) {
                l = l.withIoWeight(io);
            }
            return l;
        }

        /** A size in MiB; above {@link #BYTES_THRESHOLD} it is bytes, converted and rounded up. */
        private Long mib(JsonObjectReader o, String name) {
            Long v = o.longValue(name);
            if (v == null || v <= BYTES_THRESHOLD) {
                return v;
            }
            long converted = Math.ceilDiv(v, 1024L * 1024L);
            warnings.add(o.pathOf(name) + ": " + v + " is above " + BYTES_THRESHOLD + ", so it was taken as bytes: "
                    + converted + " MiB");
            return converted;
        }

        private void warnUnknown(JsonObjectReader o, Set<String> known) {
            for (String unknown : o.unknownMembers(known)) {
                warnings.add(o.path() + "." + unknown + ": ignored (not something Raptor imports)");
            }
        }

        private static <T> T required(JsonObjectReader o, String name, T value) {
            if (value == null && !o.has(name)) {
                o.error(name, "is required");
            }
            return value;
        }

        /** Whether the error is about a container port the file did not give (its port carries the error). */
        private boolean isDerived(String field) {
            for (int i : derivedContainerPort) {
                if (field.equals("allocations[" + i + "].containerPort")) {
                    return true;
                }
            }
            return false;
        }

        /** A spec error path ({@code limits.memoryMiB}) as the file's own key ({@code [2].resources.memory_limit}). */
        private String legacyPath(String field) {
            if (field.equals("startup")) {
                return r.pathOf("startup_script");
            }
            if (field.equals("stop") || field.startsWith("stop.")) {
                return r.pathOf("stop_command");
            }
            if (field.startsWith("limits")) {
                if (resources == null) {
                    return r.pathOf("resources");
                }
                String member = field.startsWith("limits.") ? field.substring("limits.".length()) : "";
                return switch (member) {
                    case "memoryMiB" -> resources.pathOf("memory_limit");
                    case "diskMiB" -> resources.pathOf("disk_limit");
                    case "swapMiB" -> resources.pathOf("swap_limit");
                    case "cpuPercent" -> resources.pathOf("cpu_limit");
                    case "ioWeight" -> resources.pathOf("io_weight");
                    default -> resources.path();
                };
            }
            if (field.startsWith("allocations[")) {
                int close = field.indexOf(']');
                int index = Integer.parseInt(field.substring("allocations[".length(), close));
                String rest = field.substring(close + 1);
                if (index >= allocationReaders.size()) {
                    return r.pathOf(singleAllocation ? "allocation" : "allocations");
                }
                JsonObjectReader a = allocationReaders.get(index);
                UnaryOperator<String> key = k -> a.pathOf(k);
                return switch (rest) {
                    case "" -> a.path();
                    case ".containerPort" -> key.apply(singleAllocation ? "port" : "internal_port");
                    case ".port" -> key.apply("port");
                    case ".ip" -> key.apply("ip");
                    default -> a.path() + rest;
                };
            }
            if (field.equals("allocations")) {
                return r.pathOf(singleAllocation ? "allocation" : "allocations");
            }
            int dot = field.indexOf('.');
            String head = dot < 0 ? field : field.substring(0, dot);
            return r.pathOf(head) + (dot < 0 ? "" : field.substring(dot));
        }
    }
}
