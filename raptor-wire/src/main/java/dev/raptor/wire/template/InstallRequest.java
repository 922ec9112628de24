package dev.raptor.wire.template;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;

/**
 * {@code POST /servers/{id}/install|reinstall}: every member optional. Without {@code script} the server's recorded
 * script (from its template) runs.
 *
 * @param script     a script of its own, kept for later installs
 * @param entrypoint the shell that runs it (Docker; default {@code ash}... as the egg says)
 * @param image      the install image (Docker)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstallRequest(String script, String entrypoint, String image, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
}
