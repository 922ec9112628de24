package dev.raptor.wire.server;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What happens when a server exits on its own: {@code policy} {@code no}, {@code on-failure}, {@code unless-stopped} or
 * {@code always}; and whether a running server whose health check turns unhealthy is restarted ({@code onUnhealthy},
 * default false).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestartDocument(String policy, Integer maxRetries, Boolean onUnhealthy) {
    public RestartDocument(String policy, Integer maxRetries) {
        this(policy, maxRetries, null);
    }
}
