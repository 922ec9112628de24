package dev.raptor.wire.socketio;

/**
 * The payload of a Socket.IO CONNECT packet the daemon answers a namespace connection with.
 *
 * @param sid the socket's id in its namespace (not the Engine.IO session id)
 */
public record SocketConnected(String sid) {
}
