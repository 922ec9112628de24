package dev.raptor.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.IpLiteral;
import dev.raptor.core.allocation.PortInUse;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.runtime.EngineException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns whatever docker-java or the transport threw into one of the SPI's typed failures.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><td>404</td><td>NotFound</td></tr>
 *   <tr><td>409, 304</td><td>Conflict (callers turn the idempotent cases into no-ops)</td></tr>
 *   <tr><td>500 "port is already allocated", "address already in use"</td><td>Conflict naming the port ({@link EngineException.Conflict#portInUse()})</td></tr>
 *   <tr><td>400 and other 4xx, client-side errors</td><td>Rejected</td></tr>
 *   <tr><td>5xx, connection failures, broken responses</td><td>Unavailable</td></tr>
 *   <tr><td>interrupted I/O (the call was abandoned)</td><td>Timeout</td></tr>
 * </table>
 */
final class EngineErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The binding in a port refusal: its userland proxy's {@code listen tcp4 IP:PORT}, or {@code Bind for IP:PORT failed}. */
    private static final Pattern BINDING = Pattern.compile(
            "(?:listen (tcp|udp)[46]? \\[?([0-9A-Fa-f.:]+?)]?:(\\d+))|(?:Bind for \\[?([0-9A-Fa-f.:]+?)]?:(\\d+) failed)");

    private EngineErrors() {
    }

    static EngineException map(Throwable error, UUID serverId, String operation) {
        Throwable t = unwrap(error);
        return switch (t) {
            case EngineException e -> e;
            case NotFoundException e -> new EngineException.NotFound(serverId, operation, message(e), e);
            case ConflictException e -> new EngineException.Conflict(serverId, operation, message(e), e);
            case NotModifiedException e -> new EngineException.Conflict(serverId, operation, "already in that state", e);
            case BadRequestException e -> new EngineException.Rejected(serverId, operation, message(e), e);
            case DockerException e when isPortConflict(message(e)) ->
                    new EngineException.Conflict(serverId, operation, message(e), e, portInUse(message(e)));
            case DockerException e when e.getHttpStatus() >= 500 ->
                    new EngineException.Unavailable(serverId, operation, "engine error " + e.getHttpStatus() + ": " + message(e), e);
            case DockerException e -> new EngineException.Rejected(serverId, operation,
                    "engine refused (" + e.getHttpStatus() + "): " + message(e), e);
            case DockerClientException e -> new EngineException.Rejected(serverId, operation, e.getMessage(), e);
            case ClosedByInterruptException e -> new EngineException.Timeout(serverId, operation, "call abandoned", e);
            case InterruptedIOException e -> new EngineException.Timeout(serverId, operation, "call abandoned", e);
            case InterruptedException e -> new EngineException.Timeout(serverId, operation, "call abandoned", e);
            case CancellationException e -> new EngineException.Timeout(serverId, operation, "call abandoned", e);
            case IOException e -> new EngineException.Unavailable(serverId, operation,
                    "engine unreachable: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            default -> new EngineException.Unavailable(serverId, operation,
                    "unexpected engine failure: " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()), t);
        };
    }

    /** The first cause that says something: docker-java and httpclient wrap IOExceptions in RuntimeExceptions. */
    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        for (int i = 0; i < 10 && current != null; i++) {
            if (current instanceof EngineException || current instanceof DockerException
                    || current instanceof DockerClientException || current instanceof IOException
                    || current instanceof InterruptedException || current instanceof CancellationException) {
                return current;
            }
            if (current.getCause() == null || current.getCause() == current) {
                return current;
            }
            current = current.getCause();
        }
        return t;
    }

    /** The engine's own words: docker-java's message is {@code Status 404: {"message":"..."}}. */
    static String message(DockerException e) {
        String raw = e.getMessage() == null ? "" : e.getMessage();
        int brace = raw.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode node = JSON.readTree(raw.substring(brace));
                if (node.hasNonNull("message")) {
                    return node.get("message").asText().strip();
                }
            } catch (IOException ignored) {
                // not JSON after all
            }
        }
        return raw.strip();
    }

    static boolean isNotRunning(DockerException e) {
        return message(e).toLowerCase(Locale.ROOT).contains("is not running");
    }

    /**
     * The host port a start could not get, from the engine's words: {@code Bind for 0.0.0.0:25565 failed: port is
     * already allocated} (another container publishes it) or {@code listen tcp4 0.0.0.0:25565: bind: address already
     * in use} (another program holds it; its userland proxy could not bind). Null when the words name none.
     */
    static PortInUse portInUse(String message) {
        Matcher m = BINDING.matcher(message);
        if (!m.find()) {
            return null;
        }
        String ip = m.group(2) != null ? m.group(2) : m.group(4);
        int port = Integer.parseInt(m.group(2) != null ? m.group(3) : m.group(5));
        Protocol protocol = m.group(1) != null && m.group(1).startsWith("udp") ? Protocol.UDP : Protocol.TCP;
        if (!IpLiteral.isValid(ip) || port < 1 || port > 65535) {
            return null;
        }
        return new PortInUse(Allocation.primary(ip, port, protocol), null, null);
    }

    private static boolean isPortConflict(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("port is already allocated") || m.contains("address already in use");
    }
}
