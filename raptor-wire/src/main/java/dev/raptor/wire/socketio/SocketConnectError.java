package dev.raptor.wire.socketio;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The payload of a Socket.IO CONNECT_ERROR packet: the client's {@code connect_error} event gets an
 * {@code Error} whose {@code message} is {@link #message} and whose {@code data} is {@link #data}.
 *
 * @param message why the connection was refused
 * @param data    the refusal in the gateway's error format; absent for protocol refusals ("Invalid namespace")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SocketConnectError(String message, GatewayError data) {
}
