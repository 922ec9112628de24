package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A server's spec as the API speaks it: the body of {@code POST /servers}, the base of a {@code PATCH}
 * merge patch, the {@code spec} of an export entry, and the first members of every server document.
 * {@link ServerSpecJson#encode} writes one from a {@code ServerSpec} with every section present;
 * a client may leave out whatever should take its default (absent members are not written).
 *
 * <pre>{@code
 * {"id": "uuid", "name": "lobby", "image": "ghcr.io/org/game:1", "startup": "java -jar server.jar",
 *  "environment": {"MOTD": "hi"},
 *  "allocations": [{"ip": "0.0.0.0", "port": 25565, "containerPort": 25565, "protocol": "tcp", "primary": true}],
 *  "limits": {"memoryMiB": 1024, "swapMiB": 0, "cpuPercent": 100, "threads": "0-1", "diskMiB": 5120,
 *             "ioWeight": 500, "pidsLimit": 256, "oomKiller": true},
 *  "stop": {"type": "command|signal|rcon", "value": "stop", "timeoutSeconds": 30, "port": 25575, "password": "..."},
 *  "restart": {"policy": "no|on-failure|unless-stopped|always", "maxRetries": 3},
 *  "mounts": [{"source": "/srv/maps", "target": "/maps", "readOnly": true}],
 *  "labels": {"team": "eu"}, "extraHosts": {"db.local": "10.0.0.5"},
 *  "healthCheck": {"command": "...", "intervalSeconds": 30, "timeoutSeconds": 10, "retries": 3, "startPeriodSeconds": 60},
 *  "readyPattern": "Done \\(", "query": {"protocol": "minecraft"}, "settleSeconds": 2, "messaging": true,
 *  "networks": [{"name": "lobby-net", "aliases": ["lobby"]}],
 *  "backups": {"schedule": "0 4 * * *", "max": 7, "ignore": ["logs/"], "commandsBefore": ["save-off"], "commandsAfter": ["save-on"]},
 *  "fileRules": {"deny": ["*.log"], "readOnly": ["/server.jar"]}, "node": "worker-2"}
 * }</pre>
 *
 * @param query how Raptor asks the game for its status ({@link QueryDocument}); absent = it does not
 * @param settleSeconds without a ready pattern, how long the server must keep running after its start before
 *                      the start is done (fractions allowed; default 2, 0 = at once)
 * @param messaging whether the server gets a message socket ({@code RAPTOR_SOCKET}); written only when true, absent = false
 * @param networks the networks the server joins, with its aliases there; a client may name one by a plain string
 * @param backups its backups' schedule, retention, ignore patterns and console commands ({@link BackupsDocument});
 *                written only when the spec says something about them, absent = nothing
 * @param tier input only, never written: {@code small}, {@code medium}... fills the limits, and
 *             explicit {@code limits} members override it
 * @param fileRules which files users may not see or change ({@link FileRulesDocument}); absent = none
 * @param node the node the server must run on, on a runtime with several (Swarm: a node's hostname); absent = the
 *             runtime chooses. A node the runtime does not know is refused (400 naming {@code node})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerSpecDocument(UUID id, String name, String image, String startup, Map<String, String> environment,
                                 List<AllocationDocument> allocations, LimitsDocument limits, StopDocument stop,
                                 RestartDocument restart, List<MountDocument> mounts, Map<String, String> labels,
                                 Map<String, String> extraHosts, HealthCheckDocument healthCheck, String readyPattern,
                                 QueryDocument query, BigDecimal settleSeconds, Boolean messaging,
                                 List<NetworkAttachmentDocument> networks, BackupsDocument backups, String tier,
                                 FileRulesDocument fileRules, String node) {

    /** Without {@code node} (absent: the runtime chooses). */
    public ServerSpecDocument(UUID id, String name, String image, String startup, Map<String, String> environment,
                              List<AllocationDocument> allocations, LimitsDocument limits, StopDocument stop,
                              RestartDocument restart, List<MountDocument> mounts, Map<String, String> labels,
                              Map<String, String> extraHosts, HealthCheckDocument healthCheck, String readyPattern,
                              QueryDocument query, BigDecimal settleSeconds, Boolean messaging,
                              List<NetworkAttachmentDocument> networks, BackupsDocument backups, String tier,
                              FileRulesDocument fileRules) {
        this(id, name, image, startup, environment, allocations, limits, stop, restart, mounts, labels, extraHosts, healthCheck,
                readyPattern, query, settleSeconds, messaging, networks, backups, tier, fileRules, null);
    }

    /** Without {@code fileRules} (absent: none). */
    public ServerSpecDocument(UUID id, String name, String image, String startup, Map<String, String> environment,
                              List<AllocationDocument> allocations, LimitsDocument limits, StopDocument stop,
                              RestartDocument restart, List<MountDocument> mounts, Map<String, String> labels,
                              Map<String, String> extraHosts, HealthCheckDocument healthCheck, String readyPattern,
                              QueryDocument query, BigDecimal settleSeconds, Boolean messaging,
                              List<NetworkAttachmentDocument> networks, BackupsDocument backups, String tier) {
        this(id, name, image, startup, environment, allocations, limits, stop, restart, mounts, labels, extraHosts, healthCheck,
                readyPattern, query, settleSeconds, messaging, networks, backups, tier, null, null);
    }

    /** Without {@code backups} (absent: nothing said about them) nor {@code fileRules} (absent: none). */
    public ServerSpecDocument(UUID id, String name, String image, String startup, Map<String, String> environment,
                              List<AllocationDocument> allocations, LimitsDocument limits, StopDocument stop,
                              RestartDocument restart, List<MountDocument> mounts, Map<String, String> labels,
                              Map<String, String> extraHosts, HealthCheckDocument healthCheck, String readyPattern,
                              QueryDocument query, BigDecimal settleSeconds, Boolean messaging,
                              List<NetworkAttachmentDocument> networks, String tier) {
        this(id, name, image, startup, environment, allocations, limits, stop, restart, mounts, labels, extraHosts, healthCheck,
                readyPattern, query, settleSeconds, messaging, networks, null, tier, null, null);
    }

    /**
     * Without {@code messaging} (absent: false), {@code networks} (absent: none), {@code backups} (absent: nothing
     * said) nor {@code fileRules} (absent: none), for clients that set none of them.
     */
    public ServerSpecDocument(UUID id, String name, String image, String startup, Map<String, String> environment,
                              List<AllocationDocument> allocations, LimitsDocument limits, StopDocument stop,
                              RestartDocument restart, List<MountDocument> mounts, Map<String, String> labels,
                              Map<String, String> extraHosts, HealthCheckDocument healthCheck, String readyPattern,
                              QueryDocument query, BigDecimal settleSeconds, String tier) {
        this(id, name, image, startup, environment, allocations, limits, stop, restart, mounts, labels, extraHosts, healthCheck,
                readyPattern, query, settleSeconds, null, null, null, tier, null, null);
    }
}
