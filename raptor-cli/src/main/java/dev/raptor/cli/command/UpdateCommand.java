package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.spec.KeyValue;
import dev.raptor.cli.spec.PortMapping;
import dev.raptor.cli.spec.RestartSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import dev.raptor.wire.client.ServerClient;
import dev.raptor.wire.server.LimitsDocument;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerPatch;
import dev.raptor.wire.server.StopDocument;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code raptorctl update SERVER}: change limits, allocations, environment, labels or policies. Sends
 * a JSON merge patch with {@code If-Match} on the version just read, so a concurrent change is a
 * conflict (exit 4), never a silent overwrite. A running server gets the change on its next start,
 * or at once with {@code --now}.
 */
@Command(name = "update", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Change a server's limits, ports, environment, labels or policies.",
                "A running server gets the change on its next start (--now: at once)."})
public final class UpdateCommand implements Callable<Integer> {

    @ParentCommand
    RaptorCtl root;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", converter = SpecOptions.MebibytesConverter.class,
            description = "Memory limit, e.g. 1g (0 = unlimited).")
    Long memoryMiB;

    @Option(names = "--swap", paramLabel = "SIZE", converter = SpecOptions.MebibytesConverter.class, description = "Swap on top of memory.")
    Long swapMiB;

    @Option(names = "--cpus", paramLabel = "CORES", converter = SpecOptions.CpuConverter.class, description = "CPU limit in cores, e.g. 1.5.")
    Integer cpuPercent;

    @Option(names = "--disk", paramLabel = "SIZE", converter = SpecOptions.MebibytesConverter.class, description = "Disk quota, e.g. 10g.")
    Long diskMiB;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Maximum processes/threads.")
    Integer pidsLimit;

    @Option(names = "--io-weight", paramLabel = "N", description = "Block-IO weight, 10-1000.")
    Integer ioWeight;

    @Option(names = "--tier", paramLabel = "TIER", description = "Limits preset: small, medium or large.")
    String tier;

    @Option(names = {"-p", "--publish"}, paramLabel = "[IP:]HOST[:CONTAINER][/udp]", converter = SpecOptions.PortConverter.class,
            description = "Replace the allocations with these ports (repeatable; the first is primary).")
    List<PortMapping> ports = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", converter = SpecOptions.KeyValueConverter.class,
            description = "Set an environment variable (repeatable).")
    List<KeyValue> env = new ArrayList<>();

    @Option(names = "--unset-env", paramLabel = "KEY", description = "Remove an environment variable (repeatable).")
    List<String> unsetEnv = new ArrayList<>();

    @Option(names = "--label", paramLabel = "KEY=VALUE", converter = SpecOptions.KeyValueConverter.class, description = "Set a label (repeatable).")
    List<KeyValue> labels = new ArrayList<>();

    @Option(names = "--unset-label", paramLabel = "KEY", description = "Remove a label (repeatable).")
    List<String> unsetLabels = new ArrayList<>();

    @Option(names = "--stop-command", paramLabel = "CMD", description = "Console command that stops the server.")
    String stopCommand;

    @Option(names = "--stop-signal", paramLabel = "SIGNAL", description = "Signal that stops the server.")
    String stopSignal;

    @Option(names = "--stop-timeout", paramLabel = "DURATION", converter = SpecOptions.DurationConverter.class,
            description = "How long a stop may take before the server is killed.")
    Duration stopTimeout;

    @Option(names = "--restart", paramLabel = "POLICY", converter = SpecOptions.RestartConverter.class,
            description = "Restart policy: no, always, unless-stopped, on-failure[:N].")
    RestartSpec restart;

    @Option(names = "--startup", paramLabel = "CMD", description = "Startup command line.")
    String startup;

    @Option(names = "--name", paramLabel = "NAME", description = "Rename the server.")
    String name;

    @Mixin
    BackupScheduleOptions backups;

    @Option(names = "--now", description = "Apply to a running server at once (it is recreated).")
    boolean now;

    @Option(names = "--if-version", paramLabel = "N",
            description = "Only if the server is still at version N (as inspect showed it); else exit 4. Default: the version read just before.")
    Long ifVersion;

    @Option(names = "--json", description = "Print the updated server document as JSON.")
    boolean json;

    @Parameters(paramLabel = "SERVER", description = "Server id, id prefix or name.")
    String server;

    @Override
    public Integer call() {
        Cli cli = root.cli();
        ServerPatch patch = patch();
        if (patch.members().isEmpty()) {
            throw CliException.usage("nothing to update: give at least one of -m, --cpus, -p, -e, --label... (see raptorctl update --help)");
        }
        ServerClient target = cli.server(server);
        long expected = ifVersion != null ? ifVersion : target.get().version();
        ServerDocument updated = target.patch(patch, expected, now);
        if (json) {
            cli.printJson(updated);
            return 0;
        }
        cli.out().println(server);
        cli.out().flush();
        return 0;
    }

    /** The JSON merge patch the flags describe (null members delete). */
    ServerPatch patch() {
        ServerPatch p = ServerPatch.of();
        LimitsDocument limits = SpecOptions.limits(memoryMiB, swapMiB, cpuPercent, diskMiB, pidsLimit, ioWeight);
        if (limits != null) {
            p = p.with("limits", limits);
        }
        if (tier != null) {
            p = p.with("tier", tier.toLowerCase(Locale.ROOT));
        }
        if (!ports.isEmpty()) {
            p = p.with("allocations", SpecOptions.allocations(ports));
        }
        if (!env.isEmpty() || !unsetEnv.isEmpty()) {
            p = p.with("environment", members(unsetEnv, env));
        }
        if (!labels.isEmpty() || !unsetLabels.isEmpty()) {
            p = p.with("labels", members(unsetLabels, labels));
        }
        StopDocument stop = stopCommand == null && stopSignal == null && stopTimeout != null
                ? new StopDocument(null, null, SpecOptions.timeoutSeconds(stopTimeout), null, null) // keep the kind
                : SpecOptions.stop(stopCommand, stopSignal, stopTimeout);
        if (stop != null) {
            p = p.with("stop", stop);
        }
        if (restart != null) {
            p = p.with("restart", restart.toDocument());
        }
        if (startup != null) {
            p = p.with("startup", startup);
        }
        if (name != null) {
            p = p.with("name", name);
        }
        Map<String, Object> backupsPatch = backups.patch();
        if (backupsPatch != null) {
            p = p.with("backups", backupsPatch);
        }
        return p;
    }

    /** A map's patch: the keys to remove (null), then those to set. */
    private static Map<String, String> members(List<String> unset, List<dev.raptor.cli.spec.KeyValue> set) {
        Map<String, String> m = new LinkedHashMap<>();
        unset.forEach(k -> m.put(k, null));
        set.forEach(kv -> m.put(kv.key(), kv.value()));
        return m;
    }
}
