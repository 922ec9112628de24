package dev.raptor.api.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.http.Transport;

/**
 * What a client said when it connected to a namespace.
 *
 * @param auth      the {@code auth} payload of the connection ({@code {"token": "…"}}), or null when it sent none
 * @param transport whether its Engine.IO session began over TCP or the daemon's Unix socket
 * @param client    the address its session's first request came from, as the failed-auth limit counts it; null
 *                  over the Unix socket
 */
public record Handshake(JsonNode auth, Transport transport, String client) {
}
