package dev.raptor.core.stats;

import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.server.ServerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happens when a disk-usage measurement finds a running server over its quota: it is reported once per
 * crossing ({@link DiskOverQuota} on the bus, an entry in its activity log) and, when the node says so
 * ({@code stopOverQuota}), stopped by its stop policy. A server back within its quota is reported again at its next
 * crossing. A server that is not running is not reported: nothing is writing to it but Raptor, whose writes the
 * quota refuses up front. Told by the measuring side (the files module's tracker), never waited for by it.
 */
public final class DiskQuotaWatch {
    private static final Logger log = LoggerFactory.getLogger(DiskQuotaWatch.class);

    private final ServerFleet fleet;
    private final boolean stopOverQuota;
    private final Clock clock;
    private final Set<UUID> over = ConcurrentHashMap.newKeySet();

    public DiskQuotaWatch(ServerFleet fleet, boolean stopOverQuota, Clock clock) {
        this.fleet = fleet;
        this.stopOverQuota = stopOverQuota;
        this.clock = clock;
    }

    /** A measurement found the server above its quota. */
    public void overQuota(UUID serverId, long usedBytes, long limitBytes) {
        ServerState state = fleet.find(serverId).map(ServerFleet.ServerSnapshot::state).orElse(ServerState.OFFLINE);
        if (state != ServerState.RUNNING && state != ServerState.STARTING) {
            return;
        }
        if (!over.add(serverId)) {
            return; // reported at this crossing already
        }
        String used = mib(usedBytes);
        String limit = mib(limitBytes);
        log.atWarn().addKeyValue("server", serverId).addKeyValue("usedBytes", usedBytes).addKeyValue("limitBytes", limitBytes)
                .addKeyValue("stopping", stopOverQuota).log("server over its disk quota");
        fleet.bus().publish(new DiskOverQuota(serverId, clock.instant(), usedBytes, limitBytes, stopOverQuota));
        try {
            fleet.store().appendActivity(serverId, "disk.over-quota", "its files use " + used + " of its " + limit + " disk quota"
                            + (stopOverQuota ? "; stopping it (the node stops servers over their quota)" : ""),
                    Map.of("usedBytes", Long.toString(usedBytes), "limitBytes", Long.toString(limitBytes)));
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("server", serverId).addKeyValue("error", e.toString()).log("could not record the quota crossing");
        }
        if (stopOverQuota) {
            fleet.power(serverId, PowerAction.STOP);
        }
    }

    /** A measurement found the server within its quota (or it has none): the next crossing is reported again. */
    public void withinQuota(UUID serverId) {
        over.remove(serverId);
    }

    /** Whether the server was reported over its quota and has not been measured within it since. */
    public boolean reportedOver(UUID serverId) {
        return over.contains(serverId);
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
