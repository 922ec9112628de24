package dev.raptor.wire.files;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /servers/{id}/files/pull}: {@code {"url": "https://example.org/plugin.jar", "path": "/plugins/plugin.jar"}}
 * downloads into the server. Without {@code path} the file goes to the root under the URL's last segment. Loopback,
 * private and link-local targets are refused unless the node allows them. An operation, cancellable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PullRequest(String url, String path, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("url", "path", "wait", "timeout");
}
