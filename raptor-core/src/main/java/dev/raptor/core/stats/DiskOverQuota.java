package dev.raptor.core.stats;

import dev.raptor.core.event.RaptorEvent;

import java.time.Instant;
import java.util.UUID;

/**
 * A running server's files grew past its quota ({@code limits.diskMiB}): the game itself wrote them (Raptor's own
 * writes are refused before they would). Published once per crossing; console sockets say it as a daemon message.
 *
 * @param stopping whether the node stops servers over their quota, and so stops this one
 */
public record DiskOverQuota(UUID serverId, Instant at, long usedBytes, long limitBytes, boolean stopping) implements RaptorEvent {
    @Override
    public String type() {
        return "server.disk-over-quota";
    }
}
