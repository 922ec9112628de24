package dev.raptor.cli.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to the daemon, independent of the transport that carries it.
 *
 * @param method      GET, POST, PATCH, DELETE...
 * @param target      path and query, e.g. {@code /api/v1/servers?state=running}
 * @param headers     extra request headers (Content-Type, If-Match...)
 * @param body        request body; empty for none
 * @param readTimeout how long to wait for the response head and, between bytes, for the body;
 *                    {@link Duration#ZERO} waits forever (followed log streams)
 */
public record DaemonRequest(String method, String target, Map<String, String> headers, byte[] body, Duration readTimeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public DaemonRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("request target must start with '/': " + target);
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        body = body == null ? new byte[0] : body;
        readTimeout = readTimeout == null ? DEFAULT_TIMEOUT : readTimeout;
    }

    public static DaemonRequest get(String target) {
        return new DaemonRequest("GET", target, Map.of(), null, null);
    }

    public static DaemonRequest json(String method, String target, String json) {
        return new DaemonRequest(method, target, Map.of("Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8), null);
    }

    public DaemonRequest withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new DaemonRequest(method, target, h, body, readTimeout);
    }

    public DaemonRequest withReadTimeout(Duration timeout) {
        return new DaemonRequest(method, target, headers, body, timeout);
    }
}
