package dev.raptor.wire.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /servers/{id}/transfer}: {@code {"node": "worker-2", "wait": true, "timeout": 600}}, moving the server
 * with its files to another node (answered like a power action: the operation, 202 when it is not done in time).
 *
 * @param node    the node to move it to, as {@code GET /nodes} names it
 * @param waits   {@code wait}: whether to wait for the answer (default true; else 202 at once)
 * @param timeout seconds to wait at most before answering 202 (default and limit set by the daemon)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferRequest(String node, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    /** The members a transfer request may have; any other is an error. */
    public static final Set<String> FIELDS = Set.of("node", "wait", "timeout");

    public static TransferRequest of(String node) {
        return new TransferRequest(node, null, null);
    }
}
