package dev.raptor.api.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.raptor.api.auth.InvalidTokenException.Reason;
import dev.raptor.core.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server tokens on Nimbus: HS256 pinned, key ids, rotation with a window, bounded clock skew, every refusal named. */
class TokenServiceTest {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final UUID SERVER = UUID.fromString("3f1c2a9e-0000-4000-8000-000000000001");
    private static final UUID OTHER = UUID.fromString("3f1c2a9e-0000-4000-8000-000000000002");

    @TempDir
    Path dataDir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));

    private TokenService service() {
        return TokenService.loadOrGenerate(dataDir, clock);
    }

    private byte[] secret() throws Exception {
        return Base64.getDecoder().decode(Files.readString(dataDir.resolve(TokenService.SECRET_FILE)).strip());
    }

    private static Reason refusal(TokenService s, String token) {
        try {
            s.verify(token);
        } catch (InvalidTokenException e) {
            return e.reason();
        }
        throw new AssertionError("the token was accepted: " + token);
    }

    private static String json(String s) {
        return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(byte[] key, String algorithm, String input) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        return B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private String claims(UUID server) {
        long now = clock.instant().getEpochSecond();
        return json("{\"iss\":\"raptor\",\"sub\":\"" + server + "\",\"jti\":\"x\",\"iat\":" + now + ",\"exp\":" + (now + 300)
                + ",\"permissions\":[\"console.read\",\"power\"]}");
    }

    @Test
    void anIssuedTokenIsAnHs256JwtNamingItsKeyAndVerifiesToItsClaims() throws Exception {
        TokenService s = service();
        TokenService.Issued issued = s.issue(SERVER, Set.of(Permission.CONSOLE_READ, Permission.POWER), Duration.ofMinutes(5));

        SignedJWT jwt = SignedJWT.parse(issued.token());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(s.currentKeyId()).hasSize(8);
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("permissions")).containsExactly("console.read", "power");
        TokenClaims c = s.verify(issued.token());
        assertThat(c.serverId()).isEqualTo(SERVER);
        assertThat(c.permissions()).containsExactlyInAnyOrder(Permission.CONSOLE_READ, Permission.POWER);
        assertThat(c.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(Files.getPosixFilePermissions(dataDir.resolve(TokenService.SECRET_FILE))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anUnsignedTokenIsRefusedForItsAlgorithm() {
        TokenService s = service();
        String header = json("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        assertThat(refusal(s, header + "." + claims(SERVER) + ".")).isEqualTo(Reason.ALGORITHM);
        assertThat(refusal(s, header + "." + claims(SERVER) + ".eA")).isIn(Reason.ALGORITHM, Reason.MALFORMED);
    }

    @Test
    void anRsaOrEcTokenMacedWithOurSecretIsRefusedBeforeItsSignatureIsLookedAt() throws Exception {
        TokenService s = service();
        for (String alg : List.of("RS256", "ES256", "PS256")) {
            String input = json("{\"alg\":\"" + alg + "\",\"kid\":\"" + s.currentKeyId() + "\"}") + "." + claims(SERVER);
            assertThat(refusal(s, input + "." + hmac(secret(), "HmacSHA256", input))).as(alg).isEqualTo(Reason.ALGORITHM);
        }
    }

    @Test
    void anotherHmacAlgorithmWithTheRightSecretIsRefused() throws Exception {
        TokenService s = service();
        String input = json("{\"alg\":\"HS512\",\"kid\":\"" + s.currentKeyId() + "\"}") + "." + claims(SERVER);
        assertThat(refusal(s, input + "." + hmac(secret(), "HmacSHA512", input))).isEqualTo(Reason.ALGORITHM);
    }

    @Test
    void aForgedSignatureIsRefused() throws Exception {
        TokenService s = service();
        byte[] guessed = new byte[32];
        String input = json("{\"alg\":\"HS256\",\"kid\":\"" + s.currentKeyId() + "\"}") + "." + claims(SERVER);
        assertThat(refusal(s, input + "." + hmac(guessed, "HmacSHA256", input))).isEqualTo(Reason.SIGNATURE);
    }

    @Test
    void aTokenWhoseSubjectWasSwappedForAnotherServerIsRefused() {
        TokenService s = service();
        String[] parts = s.issue(SERVER, Set.of(Permission.POWER), Duration.ofMinutes(5)).token().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace(SERVER.toString(), OTHER.toString());
        assertThat(refusal(s, parts[0] + "." + json(payload) + "." + parts[2])).isEqualTo(Reason.SIGNATURE);
    }

    @Test
    void aKeyIdThisNodeNeverHadIsRefused() throws Exception {
        TokenService s = service();
        String input = json("{\"alg\":\"HS256\",\"kid\":\"nosuchk\"}") + "." + claims(SERVER);
        assertThat(refusal(s, input + "." + hmac(secret(), "HmacSHA256", input))).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void aTokenFromBeforeKeyIdsIsCheckedAgainstTheCurrentSecret() throws Exception {
        TokenService s = service();
        String input = json("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + claims(SERVER);
        TokenClaims c = s.verify(input + "." + hmac(secret(), "HmacSHA256", input));
        assertThat(c.serverId()).isEqualTo(SERVER);
        assertThat(c.permissions()).containsExactlyInAnyOrder(Permission.CONSOLE_READ, Permission.POWER);
    }

    @Test
    void theClockMayBeBehindByTheBoundedSkewAndNoMore() throws Exception {
        TokenService s = service();
        byte[] key = secret();
        for (long ahead : new long[]{MAX_SKEW_SECONDS, MAX_SKEW_SECONDS + 1}) {
            long iat = clock.instant().getEpochSecond() + ahead;
            String input = json("{\"alg\":\"HS256\",\"kid\":\"" + s.currentKeyId() + "\"}") + "." + json("{\"iss\":\"raptor\",\"sub\":\""
                    + SERVER + "\",\"iat\":" + iat + ",\"exp\":" + (iat + 60) + ",\"permissions\":[]}");
            String token = input + "." + hmac(key, "HmacSHA256", input);
            if (ahead <= MAX_SKEW_SECONDS) {
                assertThat(s.verify(token).serverId()).isEqualTo(SERVER);
            } else {
                assertThat(refusal(s, token)).isEqualTo(Reason.LIFETIME);
            }
        }
    }

    private static final long MAX_SKEW_SECONDS = TokenService.MAX_SKEW.toSeconds();

    @Test
    void aTokenLivingLongerThanTheLongestLifetimeIsRefusedEvenWhenSigned() throws Exception {
        TokenService s = service();
        long iat = clock.instant().getEpochSecond();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("raptor").subject(SERVER.toString()).issueTime(new Date(iat * 1000))
                .expirationTime(new Date((iat + TokenService.MAX_TTL.toSeconds() + 1) * 1000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(s.currentKeyId()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(secret()));
        assertThat(refusal(s, jwt.serialize())).isEqualTo(Reason.LIFETIME);
    }

    @Test
    void anExpiredTokenIsRefusedAndDoesNotCountAsAGuess() {
        TokenService s = service();
        String token = s.issue(SERVER, Set.of(Permission.POWER), Duration.ofSeconds(30)).token();
        clock.advance(Duration.ofSeconds(30));
        Reason r = refusal(s, token);
        assertThat(r).isEqualTo(Reason.EXPIRED);
        assertThat(r.guess()).isFalse();
        assertThat(Reason.SIGNATURE.guess()).isTrue();
    }

    @Test
    void afterARotationTheOldSecretsTokensWorkUntilTheGraceEndsAndNotAfter() {
        TokenService s = service();
        String oldKey = s.currentKeyId();
        String old = s.issue(SERVER, Set.of(Permission.POWER), Duration.ofMinutes(15)).token();

        TokenService.Rotation r = TokenService.rotate(dataDir, Duration.ofMinutes(10), clock.instant());

        assertThat(r.previousKeyId()).isEqualTo(oldKey);
        assertThat(s.currentKeyId()).as("the running service follows the files").isEqualTo(r.newKeyId()).isNotEqualTo(oldKey);
        String fresh = s.issue(SERVER, Set.of(Permission.POWER), Duration.ofMinutes(15)).token();
        assertThat(s.verify(old).serverId()).isEqualTo(SERVER);
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(s.verify(old).serverId()).isEqualTo(SERVER);
        clock.advance(Duration.ofSeconds(1));
        assertThat(refusal(s, old)).isEqualTo(Reason.RETIRED_KEY);
        assertThat(s.verify(fresh).serverId()).isEqualTo(SERVER);
        assertThat(Files.exists(dataDir.resolve(TokenService.PREVIOUS_SECRET_FILE))).isTrue();
    }

    @Test
    void aRotationWithoutGraceRefusesTheOldSecretsTokensAtOnce() {
        TokenService s = service();
        String old = s.issue(SERVER, Set.of(Permission.POWER), Duration.ofMinutes(15)).token();
        TokenService.rotate(dataDir, Duration.ZERO, clock.instant());
        assertThat(refusal(s, old)).isEqualTo(Reason.RETIRED_KEY);
    }

    @Test
    void theSecondRotationDropsTheFirstSecret() {
        TokenService s = service();
        String first = s.issue(SERVER, Set.of(Permission.POWER), Duration.ofMinutes(15)).token();
        TokenService.rotate(dataDir, Duration.ofMinutes(15), clock.instant());
        String second = s.issue(SERVER, Set.of(Permission.POWER), Duration.ofMinutes(15)).token();
        TokenService.rotate(dataDir, Duration.ofMinutes(15), clock.instant());
        assertThat(refusal(s, first)).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(s.verify(second).serverId()).isEqualTo(SERVER);
    }

    @Test
    void theGraceIsAtMostTheLongestTokenLifetime() {
        service();
        assertThatThrownBy(() -> TokenService.rotate(dataDir, TokenService.MAX_TTL.plusSeconds(1), clock.instant()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void garbageIsMalformed() {
        TokenService s = service();
        assertThat(refusal(s, "rpt_not-a-token")).isEqualTo(Reason.MALFORMED);
        assertThat(refusal(s, "a.b.c")).isEqualTo(Reason.MALFORMED);
        assertThat(refusal(s, "x".repeat(5000))).isEqualTo(Reason.MALFORMED);
    }
}
