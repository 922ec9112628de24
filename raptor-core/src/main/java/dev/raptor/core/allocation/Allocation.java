package dev.raptor.core.allocation;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.Problems;

import java.util.List;
import java.util.Objects;

/**
 * One port a server owns on this node: where players connect ({@code ip}:{@code port}) and where the
 * game listens inside its container ({@code containerPort}).
 *
 * @param ip            an IP literal; {@code 0.0.0.0} binds every IPv4 address
 * @param port          host port, 1–65535
 * @param containerPort port inside the container, 1–65535 (usually equal to {@code port})
 * @param protocol      tcp or udp
 * @param primary       the allocation players are told about; exactly one per server
 */
public record Allocation(String ip, int port, int containerPort, Protocol protocol, boolean primary) {

    public Allocation {
        Objects.requireNonNull(protocol, "protocol");
    }

    /** The primary allocation, with the same port inside the container. */
    public static Allocation primary(String ip, int port, Protocol protocol) {
        return new Allocation(ip, port, port, protocol, true);
    }

    /** An additional allocation (query port, RCON, voice...), same port inside the container. */
    public static Allocation secondary(String ip, int port, Protocol protocol) {
        return new Allocation(ip, port, port, protocol, false);
    }

    public Allocation withContainerPort(int containerPort) {
        return new Allocation(ip, port, containerPort, protocol, primary);
    }

    /** Whether this allocation and {@code other} would bind the same socket on the host. */
    public boolean collidesWith(Allocation other) {
        return port == other.port && protocol == other.protocol && IpLiteral.overlaps(ip, other.ip);
    }

    /** {@code ip:port/proto}, as operators write it. */
    public String hostBinding() {
        String host = ip != null && ip.contains(":") ? "[" + ip + "]" : ip;
        return host + ":" + port + "/" + protocol.wireName();
    }

    /** Field errors of this allocation alone, relative to it ({@code port}, {@code ip}...). */
    public List<FieldError> problems() {
        Problems p = new Problems();
        p.check(IpLiteral.isValid(ip), "ip", "must be an IPv4 or IPv6 literal, e.g. 0.0.0.0 (was '" + ip + "')");
        p.check(port >= 1 && port <= 65535, "port", "must be between 1 and 65535 (was " + port + ")");
        p.check(containerPort >= 1 && containerPort <= 65535, "containerPort",
                "must be between 1 and 65535 (was " + containerPort + ")");
        return p.list();
    }
}
