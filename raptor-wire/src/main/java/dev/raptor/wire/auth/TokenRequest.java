package dev.raptor.wire.auth;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /servers/{id}/tokens}: {@code {"permissions": ["console.read", ...], "expiresIn": 600}}.
 *
 * @param permissions some of {@code console.read}, {@code console.write}, {@code power}, {@code files.read}, {@code files.write},
 *                    {@code install.read}
 * @param expiresIn   seconds the token lives (default and at most 900)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenRequest(List<String> permissions, BigDecimal expiresIn) {
    /** The members a token request may have; any other is an error. */
    public static final Set<String> FIELDS = Set.of("permissions", "expiresIn");
}
