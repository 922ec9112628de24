package dev.raptor.api.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.WireJson;

/**
 * One Socket.IO (protocol 5, the one of Socket.IO 3 and 4) packet, carried in an Engine.IO message:
 * {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]}, e.g. {@code 2["get_status",{…}]},
 * {@code 213["start_container",{…}]} (ack id 13), {@code 313[{…}]} (its acknowledgement),
 * {@code 0/admin,{"token":"…"}} (a connection to {@code /admin}).
 *
 * @param type      the packet type
 * @param namespace {@code /} unless it names another
 * @param ackId     the acknowledgement id, or -1
 * @param data      the JSON payload, or null
 */
record SocketPacket(Type type, String namespace, long ackId, JsonNode data) {

    enum Type {
        CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

        static Type of(char c) {
            int i = c - '0';
            if (i < 0 || i >= values().length) {
                throw new IllegalArgumentException("unknown Socket.IO packet type '" + c + "'");
            }
            return values()[i];
        }
    }

    static final String ROOT = "/";

    String encode() {
        StringBuilder b = new StringBuilder();
        b.append(type.ordinal());
        if (!ROOT.equals(namespace)) {
            b.append(namespace).append(',');
        }
        if (ackId >= 0) {
            b.append(ackId);
        }
        if (data != null) {
            b.append(WireJson.write(data));
        }
        return b.toString();
    }

    /** @throws IllegalArgumentException when {@code text} is not a packet */
    static SocketPacket decode(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty Socket.IO packet");
        }
        Type type = Type.of(text.charAt(0));
        int i = 1;
        if (type == Type.BINARY_EVENT || type == Type.BINARY_ACK) {
            int dash = text.indexOf('-', i);
            if (dash < 0) {
                throw new IllegalArgumentException("binary packet without attachment count");
            }
            i = dash + 1;
        }
        String namespace = ROOT;
        if (i < text.length() && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? text.length() : comma;
            namespace = text.substring(i, end);
            i = comma < 0 ? end : comma + 1;
        }
        long ackId = -1;
        int digits = i;
        while (digits < text.length() && Character.isDigit(text.charAt(digits)) && digits - i < 18) {
            digits++;
        }
        if (digits > i) {
            ackId = Long.parseLong(text.substring(i, digits));
            i = digits;
        }
        JsonNode data = null;
        if (i < text.length()) {
            try {
                data = WireJson.parse(text.substring(i));
            } catch (InvalidSpecException e) {
                throw new IllegalArgumentException("the packet's payload is not JSON");
            }
        }
        return new SocketPacket(type, namespace, ackId, data);
    }
}
