package dev.raptor.wire.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.core.validation.Problems;
import dev.raptor.wire.json.JsonObjectReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the payload of the gateway's {@code create_container} event (the flow-manager's
 * {@code ContainerConfig}) into a server spec, naming every bad member at once:
 * <pre>{"image": "flow:latest", "name": "optional-name", "environment": {"KEY": "value"},
 *  "volumes": {"/host/path": "/container/path"}, "ports": {"8080": 8080, "27015/udp": 27015},
 *  "command": ["node", "main.js"], "working_dir": "/home/container", "messaging": true,
 *  "ready_pattern": "listening"}</pre>
 * <ul>
 *   <li>{@code ports}: container port (optionally {@code /tcp} or {@code /udp}) to host port, bound on
 *       every address; the first is the primary allocation</li>
 *   <li>{@code volumes}: host path to path inside the server, read-write</li>
 *   <li>{@code command}: the words of the startup command (quoted for {@code /bin/sh -c}), or one string</li>
 *   <li>{@code working_dir}: the server always runs in its data directory, {@value ServerSpec#DATA_MOUNT};
 *       another directory is refused</li>
 *   <li>{@code messaging}: the server's message socket; true unless said otherwise, as every flow container has one</li>
 * </ul>
 * Members may be spelled in snake_case or camelCase.
 */
public final class ContainerConfigJson {
    static final Set<String> FIELDS = Set.of("image", "name", "environment", "volumes", "ports", "command", "working_dir",
            "messaging", "ready_pattern");

    private ContainerConfigJson() {
    }

    /** @throws InvalidSpecException naming every bad member */
    public static ServerSpec decode(JsonNode payload) {
        Problems problems = new Problems();
        JsonObjectReader r = JsonObjectReader.lenient(payload, "", problems);
        if (!r.isObject()) {
            problems.throwIfAny();
        }
        UUID id = UUID.randomUUID();
        String image = r.text("image");
        String name = r.text("name");
        Map<String, String> environment = r.stringMap("environment");
        Map<String, String> volumes = r.stringMap("volumes");
        List<Allocation> allocations = ports(r);
        String startup = command(r);
        String workingDir = r.text("working_dir");
        if (workingDir != null && !workingDir.equals(ServerSpec.DATA_MOUNT) && !workingDir.equals(ServerSpec.DATA_MOUNT + "/")) {
            r.error("working_dir", "a server always runs in its data directory, " + ServerSpec.DATA_MOUNT + " (was '" + workingDir + "')");
        }
        Boolean messaging = r.bool("messaging");
        String readyPattern = r.text("ready_pattern");
        r.rejectUnknown(FIELDS, Set.of("container_id"));
        problems.throwIfAny();
        List<Mount> mounts = new ArrayList<>();
        if (volumes != null) {
            volumes.forEach((host, inside) -> mounts.add(Mount.readWrite(host, inside)));
        }
        try {
            return ServerSpec.builder(image).id(id).name(name == null || name.isBlank() ? "container-" + id.toString().substring(0, 8) : name)
                    .environment(environment).allocations(allocations).mounts(mounts).startup(startup)
                    .readyPattern(readyPattern).messaging(messaging == null || messaging).build();
        } catch (InvalidSpecException e) {
            // the spec's own field names, translated back to the payload's where they differ
            throw new InvalidSpecException(e.errors().stream().map(f -> new dev.raptor.core.validation.FieldError(
                    f.field().replaceFirst("^allocations\\[\\d+]", "ports").replaceFirst("^mounts\\[\\d+]", "volumes")
                            .replaceFirst("^startup", "command"), f.message())).toList());
        }
    }

    private static List<Allocation> ports(JsonObjectReader r) {
        JsonObjectReader ports = r.object("ports");
        List<Allocation> out = new ArrayList<>();
        if (ports == null) {
            return out;
        }
        for (String key : ports.keys()) {
            Integer host = ports.integer(key);
            String[] parts = key.split("/", 2);
            Protocol protocol = Protocol.TCP;
            if (parts.length == 2) {
                try {
                    protocol = Protocol.parse(parts[1]);
                } catch (IllegalArgumentException e) {
                    ports.error(key, "the protocol after / must be tcp or udp");
                    continue;
                }
            }
            int inside;
            try {
                inside = Integer.parseInt(parts[0]);
            } catch (NumberFormatException e) {
                ports.error(key, "keys are container ports such as \"8080\" or \"27015/udp\"");
                continue;
            }
            if (host == null) {
                ports.error(key, "must be the host port, a whole number");
                continue;
            }
            out.add(new Allocation("0.0.0.0", host, inside, protocol, out.isEmpty()));
        }
        return out;
    }

    private static String command(JsonObjectReader r) {
        JsonNode c = r.node("command");
        if (c == null) {
            return null;
        }
        if (c.isTextual()) {
            return c.textValue();
        }
        if (!c.isArray()) {
            r.error("command", "must be a list of words or a string");
            return null;
        }
        List<String> words = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            if (!c.get(i).isTextual()) {
                r.problems().add("command[" + i + "]", "must be a string");
            } else {
                words.add(quote(c.get(i).textValue()));
            }
        }
        return String.join(" ", words);
    }

    /** One word for {@code /bin/sh -c}: as it is when it is plain, else in single quotes. */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || "-_./=:,+@%".indexOf(ch) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
