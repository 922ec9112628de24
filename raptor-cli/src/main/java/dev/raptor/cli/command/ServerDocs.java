package dev.raptor.cli.command;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** How a server document reads in tables: short ids, port lists. */
final class ServerDocs {
    private ServerDocs() {
    }

    static String id(JsonNode s) {
        return s.path("id").asText("");
    }

    static String shortId(String id) {
        String hex = id.replace("-", "");
        return hex.length() <= 8 ? id : id.substring(0, 8);
    }

    static String name(JsonNode s) {
        return s.path("name").asText("");
    }

    static String state(JsonNode s) {
        return s.path("state").asText("");
    }

    /** {@code 0.0.0.0:25565->25565/tcp, 127.0.0.1:19132->19132/udp}, primary first, like docker's PORTS. */
    static String ports(JsonNode s) {
        List<String> out = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (JsonNode a : s.path("allocations")) {
            String ip = a.path("ip").asText("0.0.0.0");
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            int port = a.path("port").asInt();
            int container = a.path("containerPort").asInt(port);
            String text = host + ":" + port + "->" + container + "/" + a.path("protocol").asText("tcp");
            (a.path("primary").asBoolean(false) ? out : rest).add(text);
        }
        out.addAll(rest);
        return String.join(", ", out);
    }

    static boolean isActive(JsonNode s) {
        return switch (state(s)) {
            case "running", "starting", "stopping" -> true;
            default -> false;
        };
    }
}
