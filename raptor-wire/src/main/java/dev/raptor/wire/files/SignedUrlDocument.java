package dev.raptor.wire.files;

import java.time.Instant;

/**
 * A one-shot URL for a browser: bound to one server, one path and one use, valid until {@code expiresAt}. It needs
 * no other credential: whoever holds it may use it once.
 *
 * @param url       the path and query to request on this node ({@code /api/v1/files/upload?token=...})
 * @param path      the path it is bound to, normalised
 * @param expiresAt when it stops working
 */
public record SignedUrlDocument(String url, String path, Instant expiresAt) {
}
