package dev.raptor.api.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.stats.ServerStats;
import dev.raptor.store.json.Json;

/**
 * A reading in the shape Wings sends as the {@code stats} event's argument: a JSON document in a
 * string, {@code {"memory_bytes", "memory_limit_bytes", "cpu_absolute", "network": {"rx_bytes",
 * "tx_bytes"}, "uptime" (milliseconds), "state", "disk_bytes"}}.
 */
final class WingsStats {
    private WingsStats() {
    }

    static String json(ServerStats s) {
        ObjectNode o = Json.object();
        o.put("memory_bytes", s.memoryBytes());
        o.put("memory_limit_bytes", s.memoryLimitBytes());
        o.put("cpu_absolute", Math.round(s.cpuAbsolute() * 1000.0) / 1000.0);
        ObjectNode network = o.putObject("network");
        network.put("rx_bytes", s.rxBytes());
        network.put("tx_bytes", s.txBytes());
        o.put("uptime", s.uptimeMillis());
        o.put("state", s.state().wireName());
        o.put("disk_bytes", s.diskBytes());
        return Json.write(o);
    }
}
