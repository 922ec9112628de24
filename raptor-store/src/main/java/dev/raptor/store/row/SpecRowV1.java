package dev.raptor.store.row;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.limits.Limits;
import dev.raptor.core.limits.Tier;
import dev.raptor.core.power.RestartPolicy;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.HealthCheck;
import dev.raptor.core.server.Mount;
import dev.raptor.core.server.ServerSpec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the {@code spec} column as schemas 1 to 3 wrote it ({@link SpecFormat#V1}): the API's spec JSON
 * of that time, frozen here so that the API's may change. It applies the defaults that JSON had (a
 * missing section takes the spec's default, {@code containerPort} defaults to {@code port},
 * {@code protocol} to tcp, a lone allocation is primary, durations are decimal seconds). Used by the
 * V4 migration to convert the rows, and for a row it could not convert.
 */
final class SpecRowV1 {
    /** Lenient about members: these rows were written by earlier Raptors, not by this one. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    record Spec(UUID id, String name, String image, String startup, Map<String, String> environment,
                List<AllocationV1> allocations, LimitsV1 limits, String tier, StopV1 stop, RestartV1 restart,
                List<MountV1> mounts, Map<String, String> labels, Map<String, String> extraHosts,
                HealthV1 healthCheck, String readyPattern) {
    }

    record AllocationV1(String ip, Integer port, Integer containerPort, String protocol, Boolean primary) {
    }

    record LimitsV1(Long memoryMiB, Long swapMiB, Integer cpuPercent, String threads, Long diskMiB, Integer ioWeight,
                    Integer pidsLimit, Boolean oomKiller) {
    }

    record StopV1(String type, String value, BigDecimal timeoutSeconds, Integer port, String password) {
    }

    record RestartV1(String policy, Integer maxRetries) {
    }

    record MountV1(String source, String target, Boolean readOnly) {
    }

    record HealthV1(String command, BigDecimal intervalSeconds, BigDecimal timeoutSeconds, Integer retries,
                    BigDecimal startPeriodSeconds) {
    }

    private SpecRowV1() {
    }

    /**
     * The spec a V1 row holds.
     *
     * @throws IllegalArgumentException when it is not one
     */
    static ServerSpec read(String text) {
        Spec s;
        try {
            s = MAPPER.readValue(text, Spec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
        if (s == null) {
            throw new IllegalArgumentException("the row holds no spec");
        }
        return ServerSpec.builder(s.image()).id(s.id()).name(s.name()).startup(s.startup()).environment(s.environment())
                .allocations(s.allocations() == null ? null : s.allocations().stream()
                        .map(a -> allocation(a, s.allocations().size() == 1)).toList())
                .limits(limits(s.tier(), s.limits()))
                .stopPolicy(s.stop() == null ? null : stop(s.stop()))
                .restartPolicy(s.restart() == null ? null : restart(s.restart()))
                .mounts(s.mounts() == null ? null : s.mounts().stream()
                        .map(m -> new Mount(m.source(), m.target(), Boolean.TRUE.equals(m.readOnly()))).toList())
                .labels(s.labels()).extraHosts(s.extraHosts())
                .healthCheck(s.healthCheck() == null ? null : health(s.healthCheck()))
                .readyPattern(s.readyPattern())
                .build();
    }

    private static Allocation allocation(AllocationV1 a, boolean lone) {
        if (a == null || a.port() == null) {
            throw new IllegalArgumentException("an allocation lacks its port");
        }
        return new Allocation(a.ip(), a.port(), a.containerPort() == null ? a.port() : a.containerPort(),
                a.protocol() == null ? Protocol.TCP : Protocol.parse(a.protocol()),
                a.primary() == null ? lone : a.primary());
    }

    private static Limits limits(String tier, LimitsV1 r) {
        Limits l = tier == null ? Limits.UNLIMITED : Tier.parse(tier).limits();
        if (r == null) {
            return l;
        }
        if (r.memoryMiB() != null) {
            l = l.withMemoryMiB(r.memoryMiB());
        }
        if (r.swapMiB() != null) {
            l = l.withSwapMiB(r.swapMiB());
        }
        if (r.cpuPercent() != null) {
            l = l.withCpuPercent(r.cpuPercent());
        }
        if (r.threads() != null) {
            l = l.withThreads(r.threads());
        }
        if (r.diskMiB() != null) {
            l = l.withDiskMiB(r.diskMiB());
        }
        if (r.ioWeight() != null) {
            l = l.withIoWeight(r.ioWeight());
        }
        if (r.pidsLimit() != null) {
            l = l.withPidsLimit(r.pidsLimit());
        }
        if (r.oomKiller() != null) {
            l = l.withOomKiller(r.oomKiller());
        }
        return l;
    }

    private static StopPolicy stop(StopV1 r) {
        Duration t = r.timeoutSeconds() == null ? StopPolicy.DEFAULT_TIMEOUT : seconds(r.timeoutSeconds());
        String kind = r.type() == null ? "" : r.type().strip().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "command" -> StopPolicy.command(r.value(), t);
            case "signal" -> StopPolicy.signal(r.value(), t);
            case "rcon" -> StopPolicy.rcon(r.port() == null ? 0 : r.port(), r.password(), r.value(), t);
            default -> throw new IllegalArgumentException("stop type '" + r.type() + "' is none of command, signal, rcon");
        };
    }

    private static RestartPolicy restart(RestartV1 r) {
        if (r.policy() == null) {
            throw new IllegalArgumentException("a restart policy lacks its policy");
        }
        RestartPolicy.Mode mode = RestartPolicy.Mode.parse(r.policy());
        int retries = r.maxRetries() != null ? r.maxRetries() : mode == RestartPolicy.Mode.NO ? 0 : RestartPolicy.DEFAULT_MAX_RETRIES;
        return new RestartPolicy(mode, retries);
    }

    private static HealthCheck health(HealthV1 r) {
        HealthCheck defaults = HealthCheck.of(null);
        return new HealthCheck(r.command(),
                r.intervalSeconds() == null ? defaults.interval() : seconds(r.intervalSeconds()),
                r.timeoutSeconds() == null ? defaults.timeout() : seconds(r.timeoutSeconds()),
                r.retries() == null ? defaults.retries() : r.retries(),
                r.startPeriodSeconds() == null ? defaults.startPeriod() : seconds(r.startPeriodSeconds()));
    }

    private static Duration seconds(BigDecimal s) {
        return Duration.ofNanos(s.movePointRight(9).longValue());
    }
}
