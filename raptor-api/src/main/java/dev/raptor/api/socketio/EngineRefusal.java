package dev.raptor.api.socketio;

import dev.raptor.wire.socketio.EngineError;

/** An Engine.IO request refused with 400: a problem document with the reference server's code and message. */
public final class EngineRefusal extends RuntimeException {
    private final EngineError error;

    private EngineRefusal(int code, String message, String why) {
        super(why, null, false, false);
        this.error = EngineError.of(code, message, why + " (" + message + ")");
    }

    public EngineError error() {
        return error;
    }

    static EngineRefusal unknownTransport(String why) {
        return new EngineRefusal(0, "Transport unknown", why);
    }

    static EngineRefusal unknownSession(String why) {
        return new EngineRefusal(1, "Session ID unknown", why);
    }

    static EngineRefusal badHandshakeMethod(String why) {
        return new EngineRefusal(2, "Bad handshake method", why);
    }

    static EngineRefusal badRequest(String why) {
        return new EngineRefusal(3, "Bad request", why);
    }

    static EngineRefusal forbidden(String why) {
        return new EngineRefusal(4, "Forbidden", why);
    }

    static EngineRefusal unsupportedProtocol(String why) {
        return new EngineRefusal(5, "Unsupported protocol version", why);
    }
}
