package dev.raptor.daemon;

import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.RuntimeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few lines a booted daemon logs for its operator: what it is, where its state is, which runtime it chose
 * and why, what it does to the host (the account servers run as, the cgroup tree), where the API is, where the
 * API key comes from, and what it found of the servers it already had.
 *
 * @param version   the daemon's version
 * @param config    its configuration
 * @param runtime   the runtime it chose, and why
 * @param blocked   why the server user cannot reach the volumes, or null
 * @param httpPort  the TCP port the API got (the configured one, or the free one for port 0)
 * @param keyOrigin where the node API key comes from, in words ("from RAPTOR_API_KEY", "generated now into FILE"...)
 * @param adopted   what boot reconciliation did
 * @param transfers where SFTP and FTP listen (or that they are off), and the SFTP host key
 */
record BootSummary(String version, DaemonConfig config, RuntimeSelector.Selected runtime, String blocked, int httpPort,
                   String keyOrigin, ServerFleet.ReconcileReport adopted, String transfers) {

    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("raptord " + version + " ready");
        out.add("  data dir: " + config.dataDir() + " (" + config.dataDirSource() + ")");
        RuntimeInfo info = runtime.info();
        out.add("  runtime:  " + info.runtime() + " " + info.engineVersion() + ", because " + runtime.why());
        if (info.runtime().equals("process")) {
            out.add("  host:     " + hostFootprint(info.details()));
        }
        if (blocked != null) {
            out.add("  WARNING:  " + blocked);
        }
        String host = config.httpHost().contains(":") ? "[" + config.httpHost() + "]" : config.httpHost();
        out.add("  API:      " + config.apiScheme() + "://" + host + ":" + httpPort + "/api/v1 and the unix socket " + config.socket()
                + (config.security().tls() == null ? "" : " (certificate " + config.security().tls().certificate()
                + ", reloaded when it changes)"));
        out.add("  API key:  " + keyOrigin);
        out.add("  files:    " + transfers);
        out.add("  servers:  " + adopted.servers() + " known, " + adopted.adopted() + " adopted, " + adopted.started() + " started, "
                + adopted.stopped() + " stopped" + (adopted.problems().isEmpty() ? "" : ", " + adopted.problems().size()
                + " problems (logged above)"));
        return out;
    }

    /** What the process runtime does to the host: the account servers run as and the cgroup tree, and how to choose another account. */
    private static String hostFootprint(Map<String, String> details) {
        String user = details.getOrDefault("user", "?");
        String origin = details.getOrDefault("userOrigin", "");
        String cgroups = details.getOrDefault("cgroups", "?");
        StringBuilder b = new StringBuilder("servers run as the host account ").append(user);
        if (origin.startsWith("the daemon's own")) {
            b.append(", raptord's own (it is not root, so serverUser / RAPTOR_SERVER_USER does not apply)");
        } else {
            b.append(origin.isEmpty() ? "" : ", " + origin).append(" (choose another with serverUser / RAPTOR_SERVER_USER)");
        }
        b.append("; cgroups: ").append(cgroups);
        if (!cgroups.startsWith("none")) {
            b.append(", a tree raptord makes and keeps");
        }
        return b.toString();
    }
}
