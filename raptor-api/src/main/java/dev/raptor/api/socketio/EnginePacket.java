package dev.raptor.api.socketio;

import java.util.ArrayList;
import java.util.List;

/**
 * One Engine.IO (protocol 4) packet in its text form: a type digit and its data. Long-polling bodies
 * carry several, separated by the record separator {@code \u001e}. Binary packets ({@code b<base64>} in
 * a polling body, binary frames on a WebSocket) are read as {@link Type#BINARY}: the gateway speaks JSON only.
 */
record EnginePacket(Type type, String data) {
    static final char SEPARATOR = '\u001e';

    enum Type {
        OPEN('0'), CLOSE('1'), PING('2'), PONG('3'), MESSAGE('4'), UPGRADE('5'), NOOP('6'), BINARY('b');

        final char code;

        Type(char code) {
            this.code = code;
        }
    }

    static final EnginePacket PING = new EnginePacket(Type.PING, "");
    static final EnginePacket NOOP = new EnginePacket(Type.NOOP, "");
    static final EnginePacket CLOSE = new EnginePacket(Type.CLOSE, "");

    EnginePacket {
        data = data == null ? "" : data;
    }

    static EnginePacket message(String data) {
        return new EnginePacket(Type.MESSAGE, data);
    }

    String encode() {
        return type.code + data;
    }

    /** @throws IllegalArgumentException when {@code text} is not a packet */
    static EnginePacket decode(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty packet");
        }
        char c = text.charAt(0);
        for (Type t : Type.values()) {
            if (t.code == c) {
                return new EnginePacket(t, text.substring(1));
            }
        }
        throw new IllegalArgumentException("unknown packet type '" + c + "'");
    }

    /** The packets of a long-polling body. */
    static List<EnginePacket> decodePayload(String body) {
        List<EnginePacket> out = new ArrayList<>();
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf(SEPARATOR, start);
            if (end < 0) {
                end = body.length();
            }
            out.add(decode(body.substring(start, end)));
            start = end + 1;
        }
        return out;
    }

    static String encodePayload(List<String> encodedPackets) {
        return String.join(String.valueOf(SEPARATOR), encodedPackets);
    }
}
