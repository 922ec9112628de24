package dev.raptor.cli.command;

import dev.raptor.wire.server.AllocationDocument;
import dev.raptor.wire.server.ServerDocument;

import java.util.ArrayList;
import java.util.List;

/** How a server document reads in tables: short ids, port lists. */
final class ServerDocs {
    private ServerDocs() {
    }

    static String id(ServerDocument s) {
        return s.spec().id() == null ? "" : s.spec().id().toString();
    }

    static String shortId(String id) {
        String hex = id.replace("-", "");
        return hex.length() <= 8 ? id : id.substring(0, 8);
    }

    static String name(ServerDocument s) {
        return s.spec().name() == null ? "" : s.spec().name();
    }

    static String state(ServerDocument s) {
        return s.state() == null ? "" : s.state();
    }

    /** {@code 0.0.0.0:25565->25565/tcp, 127.0.0.1:19132->19132/udp}, primary first, like docker's PORTS. */
    static String ports(ServerDocument s) {
        return ports(s.spec().allocations());
    }

    /** {@link #ports(ServerDocument)} of a server's allocations (null: none). */
    static String ports(List<AllocationDocument> allocations) {
        List<String> out = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (AllocationDocument a : allocations == null ? List.<AllocationDocument>of() : allocations) {
            String ip = a.ip() == null ? "0.0.0.0" : a.ip();
            String host = ip.contains(":") ? "[" + ip + "]" : ip;
            int port = a.port() == null ? 0 : a.port();
            int container = a.containerPort() == null ? port : a.containerPort();
            String text = host + ":" + port + "->" + container + "/" + (a.protocol() == null ? "tcp" : a.protocol());
            (Boolean.TRUE.equals(a.primary()) ? out : rest).add(text);
        }
        out.addAll(rest);
        return String.join(", ", out);
    }

    static boolean isActive(ServerDocument s) {
        return isActive(state(s));
    }

    static boolean isActive(String state) {
        return switch (state) {
            case "running", "starting", "stopping" -> true;
            default -> false;
        };
    }
}
