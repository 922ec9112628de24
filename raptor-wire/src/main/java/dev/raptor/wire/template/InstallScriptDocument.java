package dev.raptor.wire.template;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An install script: {@code image} the helper container runs (Docker; absent = the server's own image),
 * {@code entrypoint} the shell that runs {@code script}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstallScriptDocument(String image, String entrypoint, String script) {
}
