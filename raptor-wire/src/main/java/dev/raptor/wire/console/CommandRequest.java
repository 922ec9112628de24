package dev.raptor.wire.console;

import java.util.Set;

/** {@code POST /servers/{id}/commands}: one console line, {@code {"command": "say hi"}}. */
public record CommandRequest(String command) {
    /** The members a command request may have; any other is an error. */
    public static final Set<String> FIELDS = Set.of("command");
}
