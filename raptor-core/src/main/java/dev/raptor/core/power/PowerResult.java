package dev.raptor.core.power;

import dev.raptor.core.server.ServerState;

/** The answer every submitted intent gets, exactly once. Nothing is ever dropped silently. */
public sealed interface PowerResult {
    Intent intent();

    /** The intent's work finished; the server is now {@code state}. */
    record Done(Intent intent, ServerState state) implements PowerResult {
    }

    /** A later intent made this one moot before it finished (e.g. kill during a start). */
    record Superseded(Intent intent, Intent by) implements PowerResult {
    }

    /** The work could not be done; the server was left consistent and {@code reason} says why. */
    record Failed(Intent intent, String reason) implements PowerResult {
    }
}
