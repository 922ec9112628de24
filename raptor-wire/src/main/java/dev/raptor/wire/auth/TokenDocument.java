package dev.raptor.wire.auth;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A server token as {@code POST /servers/{id}/tokens} issues it: a JWT for one server and the
 * permissions it grants, sorted.
 *
 * @param expiresIn its lifetime in whole seconds
 */
public record TokenDocument(String token, UUID serverId, List<String> permissions, Instant issuedAt, Instant expiresAt,
                            long expiresIn) {
}
