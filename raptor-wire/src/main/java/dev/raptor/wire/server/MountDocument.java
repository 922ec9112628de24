package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A host path visible inside the server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MountDocument(String source, String target, Boolean readOnly) {
}
