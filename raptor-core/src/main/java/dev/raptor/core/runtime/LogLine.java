package dev.raptor.core.runtime;

import java.time.Instant;
import java.util.UUID;

/**
 * One line of console output.
 *
 * @param serverId whose output
 * @param at       when the engine saw it (or when Raptor read it, if the engine gave no time), in this machine's
 *                 time (an engine on another clock has its stamp translated, to the latest instant it can stand for)
 * @param stream   stdout or stderr
 * @param text     the line, without its newline
 */
public record LogLine(UUID serverId, Instant at, Stream stream, String text) {
    public enum Stream { STDOUT, STDERR }
}
