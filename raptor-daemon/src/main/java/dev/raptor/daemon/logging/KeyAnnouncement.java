package dev.raptor.daemon.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** The first boot's API key announcement as one JSON line shaped like the JSON log's lines. */
public final class KeyAnnouncement {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyAnnouncement() {
    }

    public static String json(String message, String key) {
        ObjectNode line = JSON.createObjectNode();
        line.put("timestamp", System.currentTimeMillis());
        line.put("level", "INFO");
        line.put("loggerName", "dev.raptor.daemon.Main");
        line.set("kvpList", JSON.valueToTree(List.of(Map.of("apiKey", key))));
        line.put("formattedMessage", message);
        return line.toString();
    }
}
