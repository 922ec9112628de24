package dev.raptor.cli.command;

import dev.raptor.cli.CliException;
import dev.raptor.cli.spec.KeyValue;
import dev.raptor.cli.spec.PortMapping;
import dev.raptor.cli.spec.RestartSpec;
import dev.raptor.cli.spec.Units;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.LimitsDocument;
import dev.raptor.wire.server.Seconds;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.server.StopDocument;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The options {@code create} and {@code run} share: everything a server document holds. */
public final class SpecOptions {

    @Option(names = "--name", paramLabel = "NAME", description = "Server name (default: the image's name and a random suffix).")
    String name;

    @Option(names = "--id", paramLabel = "UUID", description = "Server id (default: the daemon chooses one).")
    String id;

    @Option(names = {"-p", "--publish"}, paramLabel = "[IP:]HOST[:CONTAINER][/udp]", converter = PortConverter.class,
            description = "Publish a port (repeatable; the first is the primary allocation).")
    List<PortMapping> ports = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", converter = KeyValueConverter.class,
            description = "Set an environment variable (repeatable).")
    List<KeyValue> env = new ArrayList<>();

    @Option(names = "--label", paramLabel = "KEY=VALUE", converter = KeyValueConverter.class, description = "Add a label (repeatable).")
    List<KeyValue> labels = new ArrayList<>();

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", converter = MebibytesConverter.class,
            description = "Memory limit, e.g. 512m, 1g (a bare number is MiB; 0 = unlimited).")
    Long memoryMiB;

    @Option(names = "--swap", paramLabel = "SIZE", converter = MebibytesConverter.class, description = "Swap on top of memory, e.g. 512m.")
    Long swapMiB;

    @Option(names = "--cpus", paramLabel = "CORES", converter = CpuConverter.class,
            description = "CPU limit in cores, e.g. 1.5 (sent as cpuPercent 150).")
    Integer cpuPercent;

    @Option(names = "--disk", paramLabel = "SIZE", converter = MebibytesConverter.class, description = "Disk quota, e.g. 5g.")
    Long diskMiB;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Maximum processes/threads.")
    Integer pidsLimit;

    @Option(names = "--io-weight", paramLabel = "N", description = "Block-IO weight, 10-1000.")
    Integer ioWeight;

    @Option(names = "--tier", paramLabel = "TIER", description = "Limits preset: small, medium or large (explicit limits override it).")
    String tier;

    @Option(names = "--stop-command", paramLabel = "CMD", description = "Console command that stops the server, e.g. stop.")
    String stopCommand;

    @Option(names = "--stop-signal", paramLabel = "SIGNAL", description = "Signal that stops the server (default SIGTERM).")
    String stopSignal;

    @Option(names = "--stop-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a stop may take before the server is killed, e.g. 30s.")
    Duration stopTimeout;

    @Option(names = "--restart", paramLabel = "POLICY", converter = RestartConverter.class,
            description = "Restart policy: no, always, unless-stopped, on-failure[:N].")
    RestartSpec restart;

    @Option(names = "--startup", paramLabel = "CMD", description = "Command line the server starts with (default: the image's).")
    String startup;

    @Option(names = "--ready-pattern", paramLabel = "REGEX",
            description = "A console line that means the server has booted (until then it is starting), e.g. 'Done'.")
    String readyPattern;

    @Mixin
    BackupScheduleOptions backups = new BackupScheduleOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE", description = "Container image, e.g. ghcr.io/org/game:1.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Startup command line (instead of --startup).")
    List<String> command = new ArrayList<>();

    /** The server spec to POST. */
    public ServerSpecDocument document() {
        if (image == null && startup == null && command.isEmpty()) {
            throw CliException.usage("an IMAGE (or --startup) is required");
        }
        if (startup != null && !command.isEmpty()) {
            throw CliException.usage("give the startup command either with --startup or after the image, not both");
        }
        UUID uuid;
        try {
            uuid = id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--id '" + id + "' is not a UUID");
        }
        String cmd = startup != null ? startup : command.isEmpty() ? null : shellJoin(command);
        LimitsDocument limits = limits();
        return new ServerSpecDocument(uuid, name != null ? name : generatedName(image), image, cmd,
                env.isEmpty() ? null : map(env), ports.isEmpty() ? null : allocations(ports), limits,
                stop(), restart == null ? null : restart.toDocument(), null, labels.isEmpty() ? null : map(labels), null,
                null, readyPattern, null, null, null, null, backups.document(), tier == null ? null : tier.toLowerCase(Locale.ROOT));
    }

    /** {@code KEY=VALUE} flags as a map, in order (a repeated key: the last wins). */
    static Map<String, String> map(List<KeyValue> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        pairs.forEach(kv -> m.put(kv.key(), kv.value()));
        return m;
    }

    /** The words as one shell command line: words with blanks or quotes are single-quoted. */
    static String shellJoin(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(!w.isEmpty() && w.matches("[A-Za-z0-9_./:=@%+,-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    static List<AllocationDocument> allocations(List<PortMapping> ports) {
        List<AllocationDocument> a = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            a.add(ports.get(i).toDocument(i == 0));
        }
        return a;
    }

    /** The limits the flags give; null when none is given (the daemon's defaults apply). */
    LimitsDocument limits() {
        return limits(memoryMiB, swapMiB, cpuPercent, diskMiB, pidsLimit, ioWeight);
    }

    static LimitsDocument limits(Long memoryMiB, Long swapMiB, Integer cpuPercent, Long diskMiB, Integer pidsLimit, Integer ioWeight) {
        if (memoryMiB == null && swapMiB == null && cpuPercent == null && diskMiB == null && pidsLimit == null && ioWeight == null) {
            return null;
        }
        return new LimitsDocument(memoryMiB, swapMiB, cpuPercent, null, diskMiB, ioWeight, pidsLimit, null);
    }

    StopDocument stop() {
        return stop(stopCommand, stopSignal, stopTimeout);
    }

    /** The stop policy the flags describe; null when none is given (the daemon's default applies). */
    static StopDocument stop(String stopCommand, String stopSignal, Duration stopTimeout) {
        if (stopCommand == null && stopSignal == null && stopTimeout == null) {
            return null;
        }
        if (stopCommand != null && stopSignal != null) {
            throw CliException.usage("--stop-command and --stop-signal exclude each other");
        }
        String type;
        String value;
        if (stopCommand != null) {
            type = "command";
            value = stopCommand;
        } else {
            String sig = stopSignal == null ? "SIGTERM" : stopSignal.toUpperCase(Locale.ROOT);
            type = "signal";
            value = sig.startsWith("SIG") ? sig : "SIG" + sig;
        }
        return new StopDocument(type, value, timeoutSeconds(stopTimeout), null, null);
    }

    /** {@code --stop-timeout} in seconds, whole when it is whole ({@code 30}, {@code 1.5}); null when not given. */
    static BigDecimal timeoutSeconds(Duration stopTimeout) {
        return stopTimeout == null ? null : Seconds.of(stopTimeout);
    }

    /** {@code gameserver-3fa9}: the image's last path segment without its tag, and four random hex digits. */
    static String generatedName(String image) {
        String base = "server";
        if (image != null) {
            String last = image.substring(image.lastIndexOf('/') + 1);
            int at = last.indexOf('@');
            last = at >= 0 ? last.substring(0, at) : last;
            int colon = last.indexOf(':');
            last = colon >= 0 ? last.substring(0, colon) : last;
            if (!last.isBlank()) {
                base = last;
            }
        }
        byte[] b = new byte[2];
        new SecureRandom().nextBytes(b);
        return base + "-" + HexFormat.of().formatHex(b);
    }

    public static final class PortConverter implements ITypeConverter<PortMapping> {
        @Override
        public PortMapping convert(String value) {
            try {
                return PortMapping.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class KeyValueConverter implements ITypeConverter<KeyValue> {
        @Override
        public KeyValue convert(String value) {
            try {
                return KeyValue.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class MebibytesConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.mebibytes(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class CpuConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Units.cpuPercent(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Units.duration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class RestartConverter implements ITypeConverter<RestartSpec> {
        @Override
        public RestartSpec convert(String value) {
            try {
                return RestartSpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
