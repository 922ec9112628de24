package dev.raptor.wire.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.raptor.wire.game.GameStatusDocument;

/**
 * A reading in the shape Wings sends as the console socket's {@code stats} event: a JSON document in a
 * string argument, snake_case as the panels' front ends expect it.
 *
 * @param cpuAbsolute percent of one core, three decimals at most
 * @param uptime      milliseconds since the current run started
 * @param game        Raptor's own addition, absent unless the spec names a query: what the game said when last asked
 * @param diskBytes   bytes the server's files use as last measured (0 while unknown)
 * @param diskAgeSeconds how old that measurement is (Raptor's own writes since are counted in), null while unknown;
 *                    not in Wings' shape, which front ends that do not know it ignore
 */
public record WingsStats(@JsonProperty("memory_bytes") long memoryBytes,
                         @JsonProperty("memory_limit_bytes") long memoryLimitBytes,
                         @JsonProperty("cpu_absolute") double cpuAbsolute,
                         Network network, long uptime, String state,
                         @JsonProperty("disk_bytes") long diskBytes,
                         @JsonProperty("disk_age_seconds") @JsonInclude(JsonInclude.Include.ALWAYS) Long diskAgeSeconds,
                         @JsonInclude(JsonInclude.Include.NON_NULL) GameStatusDocument game) {

    /** Bytes received and sent since the run started. */
    public record Network(@JsonProperty("rx_bytes") long rxBytes, @JsonProperty("tx_bytes") long txBytes) {
    }
}
