package dev.raptor.wire.node;

import java.util.Map;

/**
 * {@code GET /health}: {@code ok} when every check is (then 200, else 503 with {@code unhealthy}).
 *
 * @param checks {@code engine}, {@code store}, {@code disk}, in that order
 */
public record NodeHealth(String status, Map<String, Check> checks) {

    /** One check's outcome and what it found. */
    public record Check(boolean ok, String detail) {
    }
}
