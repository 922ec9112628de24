package dev.raptor.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.raptor.api.auth.InvalidTokenException.Reason;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Issues and verifies server tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256 by Nimbus JOSE+JWT under the
 * node's token secret ({@link TokenKeys}: generated on first boot, mode 0600 in the data directory, rotated by
 * {@code raptord key rotate --tokens}). A token names one server ({@code sub}), a set of {@link Permission}s and
 * an expiry of at most {@link #MAX_TTL}; its header names the signing key ({@code kid}).
 *
 * <p>Verification is strict and in this order: the algorithm is pinned to {@code HS256} before anything else is
 * looked at ({@code alg: none}, and RS256/ES256 tokens that would have our HMAC secret used as a public key, are
 * refused), the key is found by its id (the current or, until it retires, the previous secret), the signature is
 * checked in constant time, then the claims: issuer {@code raptor}, a server id, {@code iat} at most {@link #MAX_SKEW}
 * ahead of this clock, a lifetime of at most {@link #MAX_TTL}, not expired. A refusal names its reason
 * ({@link InvalidTokenException#reason()}) for the debug log; clients get the same 401 for all of them.
 */
public final class TokenService {
    public static final String SECRET_FILE = TokenKeys.CURRENT_FILE;
    /** The previous secret after a rotation, with its retirement time. */
    public static final String PREVIOUS_SECRET_FILE = TokenKeys.PREVIOUS_FILE;
    public static final Duration MAX_TTL = Duration.ofMinutes(15);
    /** How long the previous secret is accepted after a rotation unless told otherwise: the longest token lifetime. */
    public static final Duration DEFAULT_ROTATION_GRACE = MAX_TTL;
    public static final String ISSUER = "raptor";
    /** The furthest ahead of this node's clock a token's {@code iat} may be (a clock stepped back a little). */
    public static final Duration MAX_SKEW = Duration.ofSeconds(60);
    /** Longer bearer strings are not parsed at all. */
    static final int MAX_LENGTH = 4096;
    private static final String PERMISSIONS = "permissions";

    private final TokenKeys keys;
    private final Clock clock;

    /** A service signing with one fixed secret (at least 256 bits). */
    public TokenService(byte[] secret, Clock clock) {
        this(TokenKeys.fixed(secret), clock);
    }

    private TokenService(TokenKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The service for {@code dataDir}: its secret file is created on first use and followed from then on. */
    public static TokenService loadOrGenerate(Path dataDir, Clock clock) {
        return new TokenService(TokenKeys.followed(dataDir), clock);
    }

    /** What {@link #rotate} did: the new key's id, and until when the previous one is accepted. */
    public record Rotation(String newKeyId, String previousKeyId, Instant previousRetiresAt, Path secretFile, Path previousFile) {
    }

    /**
     * Rotates the token secret of {@code dataDir}: new tokens are signed with a new secret at once (a running daemon
     * notices the file change), and tokens signed with the old one are accepted until {@code now + grace}.
     *
     * @param grace 0 to {@link #MAX_TTL}; 0 refuses the old secret's tokens at once (it leaked)
     * @throws IllegalArgumentException for a grace out of range
     * @throws IllegalStateException    when {@code dataDir} has no secret yet
     */
    public static Rotation rotate(Path dataDir, Duration grace, Instant now) {
        if (grace.isNegative() || grace.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("the grace period is 0 to " + MAX_TTL.toSeconds() + " seconds (the longest token lifetime)");
        }
        TokenKeys.Rotation r = TokenKeys.rotate(dataDir, grace, now);
        return new Rotation(r.newKeyId(), r.previousKeyId(), r.previousRetiresAt(), r.currentFile(), r.previousFile());
    }

    /** The id of the key new tokens are signed with (their header's {@code kid}). */
    public String currentKeyId() {
        return keys.current().id();
    }

    /** A signed token for {@code server}, valid for {@code ttl} (1 s to {@link #MAX_TTL}). */
    public Issued issue(UUID server, Set<Permission> permissions, Duration ttl) {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a token lives between 1 s and " + MAX_TTL.toSeconds() + " s");
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant exp = now.plus(ttl);
        TokenClaims claims = new TokenClaims(UUID.randomUUID().toString(), server,
                permissions.isEmpty() ? Set.of() : EnumSet.copyOf(permissions), now, exp);
        List<String> granted = new ArrayList<>();
        for (Permission p : Permission.values()) {
            if (permissions.contains(p)) {
                granted.add(p.wireName());
            }
        }
        TokenKeys.Key key = keys.current();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(key.id()).build();
        JWTClaimsSet body = new JWTClaimsSet.Builder().issuer(ISSUER).subject(server.toString()).jwtID(claims.tokenId())
                .issueTime(Date.from(now)).expirationTime(Date.from(exp)).claim(PERMISSIONS, granted).build();
        SignedJWT jwt = new SignedJWT(header, body);
        try {
            jwt.sign(new MACSigner(key.secret()));
        } catch (JOSEException e) {
            throw new IllegalStateException("HS256 signing failed: " + e.getMessage(), e);
        }
        return new Issued(jwt.serialize(), claims);
    }

    /**
     * The claims of a token this node signed that has not expired.
     *
     * @throws InvalidTokenException with the reason (for the debug log; never for the client)
     */
    public TokenClaims verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            throw new InvalidTokenException(Reason.MALFORMED, "the token is empty or longer than " + MAX_LENGTH + " characters");
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "not a JWT: " + e.getMessage());
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            throw new InvalidTokenException(Reason.ALGORITHM, "the token is " + (parsed instanceof PlainJWT ? "unsecured (alg none)" : "encrypted")
                    + ", not signed with HS256");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new InvalidTokenException(Reason.ALGORITHM, "the token's algorithm is " + header.getAlgorithm() + ", only HS256 is accepted");
        }
        if (header.getType() != null && !JOSEObjectType.JWT.equals(header.getType())) {
            throw new InvalidTokenException(Reason.ALGORITHM, "the token's type is " + header.getType() + ", not JWT");
        }
        TokenKeys.Key key;
        if (header.getKeyID() == null) {
            key = keys.current(); // issued before tokens named their key
        } else {
            key = keys.byId(header.getKeyID()).orElseThrow(() -> new InvalidTokenException(Reason.UNKNOWN_KEY,
                    "the token names key " + header.getKeyID() + ", which this node does not have"));
        }
        try {
            // Nimbus refuses critical header parameters it does not process and compares MACs in constant time.
            if (!jwt.verify(new MACVerifier(key.secret()))) {
                throw new InvalidTokenException(Reason.SIGNATURE, "the token's signature does not verify under key " + key.id());
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException(Reason.SIGNATURE, "the token's signature cannot be checked: " + e.getMessage());
        }
        Instant now = clock.instant();
        if (key.retiredAt(now)) {
            throw new InvalidTokenException(Reason.RETIRED_KEY, "the token is signed with key " + key.id() + ", retired at " + key.retiresAt());
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException(Reason.CLAIMS, "the token's claims are not a JSON object: " + e.getMessage());
        }
        return claims(claims, now);
    }

    private static TokenClaims claims(JWTClaimsSet c, Instant now) {
        if (!ISSUER.equals(c.getIssuer())) {
            throw new InvalidTokenException(Reason.CLAIMS, "the token's issuer is " + c.getIssuer() + ", not " + ISSUER);
        }
        UUID server;
        try {
            server = UUID.fromString(String.valueOf(c.getSubject()));
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(Reason.CLAIMS, "the token's subject is not a server id");
        }
        if (c.getIssueTime() == null || c.getExpirationTime() == null) {
            throw new InvalidTokenException(Reason.CLAIMS, "the token has no iat or exp");
        }
        Instant iat = c.getIssueTime().toInstant();
        Instant exp = c.getExpirationTime().toInstant();
        if (iat.isAfter(now.plus(MAX_SKEW)) || Duration.between(iat, exp).compareTo(MAX_TTL) > 0 || !exp.isAfter(iat)) {
            throw new InvalidTokenException(Reason.LIFETIME, "the token's lifetime " + iat + " to " + exp + " is not allowed at " + now);
        }
        if (c.getNotBeforeTime() != null && c.getNotBeforeTime().toInstant().isAfter(now.plus(MAX_SKEW))) {
            throw new InvalidTokenException(Reason.LIFETIME, "the token is not valid before " + c.getNotBeforeTime().toInstant());
        }
        if (!now.isBefore(exp)) {
            throw new InvalidTokenException(Reason.EXPIRED, "the token expired at " + exp);
        }
        List<String> names;
        try {
            names = c.getStringListClaim(PERMISSIONS);
        } catch (ParseException e) {
            throw new InvalidTokenException(Reason.CLAIMS, "the token's permissions are not a list of strings");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        if (names != null) {
            for (String p : names) {
                Permission.parse(p).ifPresent(permissions::add);
            }
        }
        return new TokenClaims(c.getJWTID() == null ? "" : c.getJWTID(), server, permissions, iat, exp);
    }

    /** A freshly issued token and what it says. */
    public record Issued(String token, TokenClaims claims) {
    }
}
