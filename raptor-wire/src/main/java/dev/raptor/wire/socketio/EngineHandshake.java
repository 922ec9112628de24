package dev.raptor.wire.socketio;

import java.util.List;

/**
 * The Engine.IO (protocol 4) open packet's payload, the first thing a Socket.IO client hears:
 * {@code 0{"sid":"…","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}}.
 *
 * @param sid          the Engine.IO session id the client repeats on every long-polling request
 * @param upgrades     transports the client may upgrade to ({@code websocket} after long-polling, none after a WebSocket)
 * @param pingInterval milliseconds between the daemon's pings
 * @param pingTimeout  milliseconds the client has to answer a ping before the session ends
 * @param maxPayload   the largest long-polling body, in bytes, the daemon accepts
 */
public record EngineHandshake(String sid, List<String> upgrades, long pingInterval, long pingTimeout, long maxPayload) {
    public EngineHandshake {
        upgrades = List.copyOf(upgrades);
    }
}
