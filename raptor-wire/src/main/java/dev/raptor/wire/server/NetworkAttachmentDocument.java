package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** A network a server joins ({@code name}) and the extra names it answers to there ({@code aliases}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkAttachmentDocument(String name, List<String> aliases) {
}
