package dev.raptor.store.row;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.backup.BackupPolicy;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.network.NetworkAttachment;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.query.GameQuery;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.server.FileRules;
import dev.raptor.core.server.HealthCheck;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerSpec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A spec as the store keeps it in the {@code spec} column ({@link SpecFormat#V2} on): every value spelled
 * out, durations as ISO-8601 ({@code PT2.5S}), names of the store's choosing. It is not the API's
 * document and need not follow it: the API can change its shape without a database migration, and
 * this form changes only with a new {@link SpecFormat} and a migration of the rows. {@code messaging} came
 * with {@link SpecFormat#V5}; absent or null it is false. {@code networks} and {@code restart.onUnhealthy} came
 * with {@link SpecFormat#V6}; absent or null they are none and false. {@code backups} came with
 * {@link SpecFormat#V7}; absent or null the spec says nothing about its backups. {@code fileRules} came with
 * {@link SpecFormat#V8}, {@code node} with {@link SpecFormat#V9}.
 *
 * <pre>{@code
 * {"id": "…", "name": "lobby", "image": "ghcr.io/org/game:1", "startup": null, "environment": {"MOTD": "hi"},
 *  "ports": [{"ip": "0.0.0.0", "hostPort": 25565, "containerPort": 25565, "protocol": "tcp", "primary": true}],
 *  "limits": {"memoryMiB": 1024, "swapMiB": 0, "cpuPercent": 100, "threads": null, "diskMiB": 5120, "ioWeight": 500,
 *             "pidsLimit": 256, "oomKiller": true},
 *  "stop": {"kind": "rcon", "value": "stop", "timeout": "PT30S", "rconPort": 25575, "rconPassword": "…"},
 *  "restart": {"mode": "on-failure", "maxRetries": 3, "onUnhealthy": false}, "mounts": [], "labels": {}, "extraHosts": {},
 *  "health": null, "readyPattern": "Done \\(",
 *  "query": {"protocol": "rcon", "port": 25575, "command": "list", "password": "…"}, "settle": "PT2S", "messaging": false,
 *  "networks": [{"name": "lobby-net", "aliases": ["lobby"]}],
 *  "backups": {"schedule": "0 4 * * *", "max": 7, "maxAgeDays": null, "ignore": ["logs/"],
 *              "commandsBefore": ["save-off"], "commandsAfter": ["save-on"]},
 *  "fileRules": {"deny": ["*.log"], "readOnly": ["/server.jar"]}, "node": "worker-2"}
 * }</pre>
 *
 * @param settle    since {@link SpecFormat#V4}: the settle window; absent (a V2 or V3 row) or null: the default
 * @param backups   since {@link SpecFormat#V7}: the backup settings; absent (a V2 to V6 row) or null: none
 * @param fileRules since {@link SpecFormat#V8}: the file rules; absent (a V2 to V7 row) or null: none
 * @param node      since {@link SpecFormat#V9}: the node it must run on; absent (a V2 to V8 row) or null: the runtime's choice
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SpecRow(UUID id, String name, String image, String startup, Map<String, String> environment,
                      List<Port> ports, LimitsRow limits, StopRow stop, RestartRow restart, List<MountRow> mounts,
                      Map<String, String> labels, Map<String, String> extraHosts, HealthRow health, String readyPattern,
                      QueryRow query, String settle, Boolean messaging, List<NetworkRow> networks, BackupsRow backups,
                      FileRulesRow fileRules, String node) {

    public record Port(String ip, int hostPort, int containerPort, String protocol, boolean primary) {
    }

    public record LimitsRow(long memoryMiB, long swapMiB, int cpuPercent, String threads, long diskMiB, int ioWeight,
                            int pidsLimit, boolean oomKiller) {
    }

    /** @param kind {@code command}, {@code signal} or {@code rcon}; the rcon members only for rcon */
    public record StopRow(String kind, String value, String timeout, Integer rconPort, String rconPassword) {
    }

    /** @param onUnhealthy since {@link SpecFormat#V6}; absent (earlier formats): false */
    public record RestartRow(String mode, int maxRetries, Boolean onUnhealthy) {
    }

    /** Since {@link SpecFormat#V6}; absent (earlier formats) or null: the spec joins no network. */
    public record NetworkRow(String name, List<String> aliases) {
    }

    public record MountRow(String source, String target, boolean readOnly) {
    }

    public record HealthRow(String command, String interval, String timeout, int retries, String startPeriod) {
    }

    /** Since {@link SpecFormat#V3}; absent (V2) or null: the spec names no query. Port 0: the primary allocation's. */
    public record QueryRow(String protocol, int port, String command, String password) {
    }

    /** Since {@link SpecFormat#V7}; absent or null: {@link BackupPolicy#NONE}. Null counts: the node's retention. */
    public record BackupsRow(String schedule, Integer max, Integer maxAgeDays, List<String> ignore, List<String> commandsBefore,
                             List<String> commandsAfter) {
    }

    /** Since {@link SpecFormat#V8}; absent (V2 to V7) or null: the spec has no file rules. */
    public record FileRulesRow(List<String> deny, List<String> readOnly) {
    }

    /** The row of {@code spec}. */
    public static SpecRow of(ServerSpec spec) {
        List<Port> ports = spec.allocations().stream()
                .map(a -> new Port(a.ip(), a.port(), a.containerPort(), a.protocol().wireName(), a.primary())).toList();
        Limits l = spec.limits();
        StopPolicy s = spec.stopPolicy();
        StopRow stop = s instanceof StopPolicy.Rcon rcon
                ? new StopRow(s.type(), s.value(), s.timeout().toString(), rcon.port(), rcon.password())
                : new StopRow(s.type(), s.value(), s.timeout().toString(), null, null);
        HealthCheck h = spec.healthCheck();
        return new SpecRow(spec.id(), spec.name(), spec.image(), spec.startup(), spec.environment(), ports,
                new LimitsRow(l.memoryMiB(), l.swapMiB(), l.cpuPercent(), l.threads(), l.diskMiB(), l.ioWeight(),
                        l.pidsLimit(), l.oomKiller()),
                stop, new RestartRow(spec.restartPolicy().mode().wireName(), spec.restartPolicy().maxRetries(),
                        spec.restartPolicy().onUnhealthy()),
                spec.mounts().stream().map(m -> new MountRow(m.source(), m.target(), m.readOnly())).toList(),
                spec.labels(), spec.extraHosts(),
                h == null ? null : new HealthRow(h.command(), h.interval().toString(), h.timeout().toString(), h.retries(),
                        h.startPeriod().toString()),
                spec.readyPattern(),
                spec.query() == null ? null : new QueryRow(spec.query().protocol().wireName(), spec.query().port(),
                        spec.query().command(), spec.query().password()),
                spec.settle().toString(), spec.messaging(),
                spec.networks().stream().map(n -> new NetworkRow(n.name(), n.aliases())).toList(), backups(spec.backups()),
                spec.fileRules().isEmpty() ? null : new FileRulesRow(spec.fileRules().deny(), spec.fileRules().readOnly()),
                spec.node());
    }

    private static BackupsRow backups(BackupPolicy b) {
        return b.isNone() ? null
                : new BackupsRow(b.schedule(), b.max(), b.maxAgeDays(), b.ignore(), b.commandsBefore(), b.commandsAfter());
    }

    /**
     * The spec this row holds.
     *
     * @throws IllegalArgumentException (an {@link dev.raptor.core.validation.InvalidSpecException} among
     *                                  them) when the row is incomplete or no longer a valid spec
     */
    public ServerSpec toSpec() {
        if (limits == null || stop == null || restart == null) {
            throw new IllegalArgumentException("the row lacks limits, stop or restart");
        }
        Duration stopTimeout = Duration.parse(stop.timeout());
        StopPolicy stopPolicy = switch (stop.kind()) {
            case "command" -> StopPolicy.command(stop.value(), stopTimeout);
            case "signal" -> StopPolicy.signal(stop.value(), stopTimeout);
            case "rcon" -> StopPolicy.rcon(stop.rconPort() == null ? 0 : stop.rconPort(), stop.rconPassword(), stop.value(),
                    stopTimeout);
            case null, default -> throw new IllegalArgumentException("unknown stop kind '" + stop.kind() + "'");
        };
        return ServerSpec.builder(image).id(id).name(name).startup(startup).environment(environment)
                .allocations(ports == null ? null : ports.stream().map(p -> new Allocation(p.ip(), p.hostPort(),
                        p.containerPort(), Protocol.parse(p.protocol()), p.primary())).toList())
                .limits(new Limits(limits.memoryMiB(), limits.swapMiB(), limits.cpuPercent(), limits.threads(),
                        limits.diskMiB(), limits.ioWeight(), limits.pidsLimit(), limits.oomKiller()))
                .stopPolicy(stopPolicy)
                .restartPolicy(new RestartPolicy(RestartPolicy.Mode.parse(restart.mode()), restart.maxRetries(),
                        Boolean.TRUE.equals(restart.onUnhealthy())))
                .mounts(mounts == null ? null : mounts.stream().map(m -> new Mount(m.source(), m.target(), m.readOnly())).toList())
                .labels(labels).extraHosts(extraHosts)
                .healthCheck(health == null ? null : new HealthCheck(health.command(), Duration.parse(health.interval()),
                        Duration.parse(health.timeout()), health.retries(), Duration.parse(health.startPeriod())))
                .readyPattern(readyPattern)
                .query(query == null ? null : new GameQuery(QueryProtocol.parse(query.protocol()), query.port(), query.command(),
                        query.password()))
                .fileRules(fileRules == null ? null : FileRules.of(fileRules.deny(), fileRules.readOnly()))
                .settle(settle == null ? null : Duration.parse(settle))
                .messaging(messaging != null && messaging)
                .networks(networks == null ? null : networks.stream().map(n -> new NetworkAttachment(n.name(), n.aliases())).toList())
                .backups(backups == null ? null : new BackupPolicy(backups.schedule(), backups.max(), backups.maxAgeDays(),
                        backups.ignore(), backups.commandsBefore(), backups.commandsAfter()))
                .node(node)
                .build();
    }
}
