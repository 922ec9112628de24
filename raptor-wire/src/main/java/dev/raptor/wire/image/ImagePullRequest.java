package dev.raptor.wire.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.util.Set;

/**
 * {@code POST /images/pull}: {@code {"image": "ghcr.io/org/game:1.2", "wait": true, "timeout": 60}}. Credentials come
 * from the node's configuration (per registry host), never from the request.
 *
 * @param image   the reference to pull ({@code :latest} when it names no tag)
 * @param waits   {@code wait}: whether to wait for the answer (default true; else 202 at once)
 * @param timeout seconds to wait at most before answering 202
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImagePullRequest(String image, @JsonProperty("wait") Boolean waits, BigDecimal timeout) {
    public static final Set<String> FIELDS = Set.of("image", "wait", "timeout");
}
