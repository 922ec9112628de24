package dev.raptor.api.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.wire.json.WireJson;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed one-shot links: what a route hands a browser so that it can fetch or send one thing without holding a
 * credential (a file download, an upload into a directory, a backup's archive). A link is bound to a purpose
 * ({@code files.download}...), one server, one resource (a path, a backup id) and a one-time id, and expires
 * within {@link #MAX_TTL}; redeeming it consumes it, so a replayed link is refused, and so is one from before a
 * daemon restart (the signing key is derived per run from the node's token secret, so no link outlives the run
 * whose memory of used ids guards it).
 *
 * <p>A link is {@code base64url(payload JSON) "." base64url(HMAC-SHA256)}: opaque to clients, never a JWT, so it
 * cannot be passed off as a server token or the other way round. Thread-safe.
 */
public final class SignedLinks {
    public static final Duration MAX_TTL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Clock clock;
    /** One-time ids redeemed and not yet expired: a link whose id is here was used. */
    private final Map<String, Instant> used = new ConcurrentHashMap<>();

    /** @param secret the node's secret (the server-token secret); a key of this run's own is derived from it */
    public SignedLinks(byte[] secret, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the link secret needs at least 256 bits");
        }
        byte[] run = new byte[16];
        RANDOM.nextBytes(run);
        byte[] derived = hmac(new SecretKeySpec(secret.clone(), "HmacSHA256"),
                ("raptor signed links " + B64.encodeToString(run)).getBytes(StandardCharsets.US_ASCII));
        this.key = new SecretKeySpec(derived, "HmacSHA256");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a link says. */
    public record Claims(String purpose, UUID serverId, String resource, String linkId, Instant expiresAt) {
    }

    /** A freshly signed link: the token to put in the URL, and what it says. */
    public record Link(String token, Claims claims) {
        /**
         * The URL a browser requests: {@code route} (the path of the route that redeems links of this purpose, such as
         * {@code /api/v1/files/download}) with the token in its {@code ?token=} query.
         */
        public String url(String route) {
            return route + "?token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8);
        }
    }

    /** Why a link was refused; the message is for the person holding it. */
    public static final class InvalidLinkException extends RuntimeException {
        public InvalidLinkException(String message) {
            super(message, null, false, false);
        }
    }

    private record Payload(String p, String s, String r, String i, long e) {
    }

    /**
     * Signs a link for {@code purpose} on {@code resource} of {@code serverId}, valid for {@code ttl} (1 s to
     * {@link #MAX_TTL}).
     */
    public Link issue(String purpose, UUID serverId, String resource, Duration ttl) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(resource, "resource");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a link lives between 1 s and " + MAX_TTL.toSeconds() + " s");
        }
        forgetExpired();
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        Instant exp = clock.instant().plus(ttl);
        Claims claims = new Claims(purpose, serverId, resource, B64.encodeToString(id), exp.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String body = B64.encodeToString(WireJson.writeBytes(new Payload(purpose, serverId.toString(), resource, claims.linkId(),
                claims.expiresAt().getEpochSecond())));
        return new Link(body + "." + B64.encodeToString(hmac(key, body.getBytes(StandardCharsets.US_ASCII))), claims);
    }

    /**
     * Checks a link for {@code purpose} and consumes it: the second redemption of the same link is refused.
     *
     * @throws InvalidLinkException saying why it is refused (malformed, not signed by this run, expired, for another
     *                              purpose, used)
     */
    public Claims redeem(String token, String purpose) {
        Claims c = verify(token);
        if (!c.purpose().equals(purpose)) {
            throw new InvalidLinkException("the link is for " + c.purpose() + ", not " + purpose);
        }
        if (used.putIfAbsent(c.linkId(), c.expiresAt()) != null) {
            throw new InvalidLinkException("the link was already used; ask for a new one");
        }
        return c;
    }

    private Claims verify(String token) {
        if (token == null || token.isEmpty()) {
            throw new InvalidLinkException("the request has no link token (?token=...)");
        }
        if (token.length() > 4096) {
            throw new InvalidLinkException("the link token is malformed");
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1) {
            throw new InvalidLinkException("the link token is malformed");
        }
        String body = token.substring(0, dot);
        byte[] presented;
        try {
            presented = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException("the link token is malformed");
        }
        if (!MessageDigest.isEqual(presented, hmac(key, body.getBytes(StandardCharsets.US_ASCII)))) {
            throw new InvalidLinkException("the link's signature is invalid (links do not outlive a daemon restart)");
        }
        JsonNode p;
        try {
            p = WireJson.mapper().readTree(B64D.decode(body));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidLinkException("the link token is malformed");
        } catch (java.io.IOException e) {
            throw new InvalidLinkException("the link token is unreadable");
        }
        Instant exp = Instant.ofEpochSecond(p.path("e").asLong(0));
        if (!clock.instant().isBefore(exp)) {
            throw new InvalidLinkException("the link expired at " + exp + "; ask for a new one");
        }
        UUID server;
        try {
            server = UUID.fromString(p.path("s").asText(""));
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException("the link names no server");
        }
        return new Claims(p.path("p").asText(""), server, p.path("r").asText(""), p.path("i").asText(""), exp);
    }

    /** How many redeemed links are remembered (until they expire). */
    public int remembered() {
        return used.size();
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        used.values().removeIf(exp -> exp.isBefore(now));
    }

    private static byte[] hmac(SecretKeySpec k, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(k);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
