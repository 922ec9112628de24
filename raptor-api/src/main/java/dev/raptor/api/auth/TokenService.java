package dev.raptor.api.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.wire.json.WireJson;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Issues and verifies server tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256 under a secret
 * generated on first boot and kept (mode 0600) in the data directory. A token names one server
 * ({@code sub}), a set of {@link Permission}s and an expiry of at most {@link #MAX_TTL}. Only
 * {@code HS256} is accepted; {@code alg: none} and every other algorithm are refused.
 */
public final class TokenService {
    public static final String SECRET_FILE = "token-secret";
    public static final Duration MAX_TTL = Duration.ofMinutes(15);
    public static final String ISSUER = "raptor";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    /** Tolerated difference between our clock at issue and at verification (only for {@code iat}). */
    private static final Duration SKEW = Duration.ofSeconds(60);

    private final SecretKeySpec key;
    private final Clock clock;

    public TokenService(byte[] secret, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the token secret needs at least 256 bits");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.clock = clock;
    }

    /** The service for {@code dataDir}, whose secret file is created on first use. */
    public static TokenService loadOrGenerate(Path dataDir, Clock clock) {
        SecretFile.Loaded loaded = SecretFile.readOrCreate(dataDir.resolve(SECRET_FILE), () -> {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        });
        return new TokenService(Base64.getDecoder().decode(loaded.secret()), clock);
    }

    /** Signed one-shot links under this node's secret (a key of the run's own is derived from it). */
    public SignedLinks signedLinks() {
        return new SignedLinks(key.getEncoded(), clock);
    }

    /** A signed token for {@code server}, valid for {@code ttl} (1 s to {@link #MAX_TTL}). */
    public Issued issue(UUID server, Set<Permission> permissions, Duration ttl) {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a token lives between 1 s and " + MAX_TTL.toSeconds() + " s");
        }
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        TokenClaims claims = new TokenClaims(UUID.randomUUID().toString(), server,
                permissions.isEmpty() ? Set.of() : EnumSet.copyOf(permissions), now, exp);
        List<String> granted = new ArrayList<>();
        for (Permission p : Permission.values()) {
            if (permissions.contains(p)) {
                granted.add(p.wireName());
            }
        }
        Payload payload = new Payload(ISSUER, server.toString(), claims.tokenId(), now.getEpochSecond(), exp.getEpochSecond(),
                granted);
        String body = HEADER + "." + B64.encodeToString(WireJson.writeBytes(payload));
        return new Issued(body + "." + B64.encodeToString(sign(body)), claims);
    }

    /**
     * The claims of a token this node signed that has not expired.
     *
     * @throws InvalidTokenException saying what is wrong (malformed, bad signature, expired...)
     */
    public TokenClaims verify(String token) {
        if (token == null || token.length() > 4096) {
            throw new InvalidTokenException("the token is malformed");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new InvalidTokenException("the token is malformed (a JWT has three dot-separated parts)");
        }
        JsonNode header = decodeJson(parts[0], "header");
        if (!"HS256".equals(header.path("alg").asText(null))) {
            throw new InvalidTokenException("the token's algorithm must be HS256");
        }
        byte[] presented = decode(parts[2], "signature");
        byte[] expected = sign(parts[0] + "." + parts[1]);
        if (!MessageDigest.isEqual(presented, expected)) {
            throw new InvalidTokenException("the token's signature is invalid");
        }
        JsonNode payload = decodeJson(parts[1], "payload");
        if (!ISSUER.equals(payload.path("iss").asText(null))) {
            throw new InvalidTokenException("the token was not issued by Raptor");
        }
        UUID server;
        try {
            server = UUID.fromString(payload.path("sub").asText(""));
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the token names no server");
        }
        if (!payload.path("exp").canConvertToLong() || !payload.path("iat").canConvertToLong()) {
            throw new InvalidTokenException("the token has no valid iat/exp");
        }
        Instant iat = Instant.ofEpochSecond(payload.get("iat").asLong());
        Instant exp = Instant.ofEpochSecond(payload.get("exp").asLong());
        Instant now = clock.instant();
        if (!now.isBefore(exp)) {
            throw new InvalidTokenException("the token expired at " + exp);
        }
        if (iat.isAfter(now.plus(SKEW)) || Duration.between(iat, exp).compareTo(MAX_TTL) > 0) {
            throw new InvalidTokenException("the token's lifetime is invalid");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (JsonNode p : payload.path("permissions")) {
            Permission.parse(p.asText()).ifPresent(permissions::add);
        }
        return new TokenClaims(payload.path("jti").asText(""), server, permissions, iat, exp);
    }

    private byte[] sign(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] decode(String part, String what) {
        try {
            return B64D.decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the token's " + what + " is not base64url");
        }
    }

    private static JsonNode decodeJson(String part, String what) {
        try {
            JsonNode node = WireJson.mapper().readTree(decode(part, what));
            if (node == null || !node.isObject()) {
                throw new InvalidTokenException("the token's " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidTokenException("the token's " + what + " is not JSON");
        } catch (java.io.IOException e) {
            throw new InvalidTokenException("the token's " + what + " is unreadable");
        }
    }

    /**
     * A token's claims as its JWT payload carries them (RFC 7519 names). Private to the daemon, which
     * alone reads its tokens: clients hold them as opaque strings.
     */
    private record Payload(String iss, String sub, String jti, long iat, long exp, List<String> permissions) {
    }

    /** A freshly issued token and what it says. */
    public record Issued(String token, TokenClaims claims) {
    }
}
