package dev.raptor.cli.spec;

import dev.raptor.wire.server.AllocationDocument;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code -p} argument, docker's syntax: {@code [ip:]hostPort[:containerPort][/tcp|/udp]}, an
 * IPv6 address in brackets ({@code [::1]:25565:25565}). The ip defaults to {@code 0.0.0.0}, the
 * container port to the host port.
 */
public record PortMapping(String ip, int hostPort, int containerPort, String protocol) {
    private static final Pattern FORM = Pattern.compile(
            "^(?:(\\[[0-9A-Fa-f:.]+]|\\d+(?:\\.\\d+){3}):)?(\\d+)(?::(\\d+))?(?:/(\\w+))?$");

    public static final String ANY_IP = "0.0.0.0";

    public static PortMapping parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a port mapping: use [ip:]hostPort[:containerPort][/udp], e.g. 25565:25565 or 127.0.0.1:19132:19132/udp");
        }
        String ip = m.group(1) == null ? ANY_IP : m.group(1);
        if (ip.startsWith("[")) {
            ip = ip.substring(1, ip.length() - 1);
        } else if (java.util.Arrays.stream(ip.split("\\.")).anyMatch(o -> o.length() > 3 || Integer.parseInt(o) > 255)) {
            throw new IllegalArgumentException("'" + m.group(1) + "' in '" + text + "' is not an IP address");
        }
        int host = port(m.group(2), text);
        int container = m.group(3) == null ? host : port(m.group(3), text);
        String proto = m.group(4) == null ? "tcp" : m.group(4).toLowerCase(Locale.ROOT);
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw new IllegalArgumentException("protocol in '" + text + "' must be tcp or udp (was '" + m.group(4) + "')");
        }
        return new PortMapping(ip, host, container, proto);
    }

    private static int port(String digits, String text) {
        int p;
        try {
            p = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port " + digits + " in '" + text + "' must be between 1 and 65535");
        }
        return p;
    }

    /** The API's allocation. */
    public AllocationDocument toDocument(boolean primary) {
        return new AllocationDocument(ip, hostPort, containerPort, protocol, primary);
    }
}
