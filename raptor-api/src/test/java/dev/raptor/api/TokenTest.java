package dev.raptor.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.api.auth.Authenticator;
import dev.raptor.api.auth.Permission;
import dev.raptor.api.testing.TestNode;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Server tokens: issued with the key for one server and some permissions, refused when expired or tampered with. */
class TokenTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static String server;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        server = node.create(TestNode.gameServer("token-target", 0));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String issue(String permissions, int expiresIn) {
        TestNode.Res r = node.post("/api/v1/servers/" + server + "/tokens",
                "{\"permissions\": [" + permissions + "], \"expiresIn\": " + expiresIn + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    static TestNode.Res with(String token, String method, String path, String body) {
        return node.send(method, path, body, "Authorization", "Bearer " + token);
    }

    @Test
    void aTokenIsAJwtForOneServerWithItsPermissionsAndExpiry() {
        TestNode.Res r = node.post("/api/v1/servers/" + server + "/tokens", "{\"permissions\": [\"console.read\", \"power\"], \"expiresIn\": 300}");
        assertThat(r.status()).isEqualTo(201);
        JsonNode body = r.json();
        assertThat(body.get("serverId").asText()).isEqualTo(server);
        assertThat(body.get("permissions").toString()).isEqualTo("[\"console.read\",\"power\"]");
        Instant expires = Instant.parse(body.get("expiresAt").asText());
        assertThat(Duration.between(Instant.now(), expires)).isBetween(Duration.ofSeconds(250), Duration.ofSeconds(301));
        String[] parts = body.get("token").asText().split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = WireJson.parse(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        JsonNode claims = WireJson.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        assertThat(claims.get("sub").asText()).isEqualTo(server);
    }

    @Test
    void aTokenWithThePermissionReachesItsServer() {
        String token = issue("\"console.read\"", 60);
        TestNode.Res logs = with(token, "GET", "/api/v1/servers/" + server + "/logs", null);
        assertThat(logs.status()).as(logs.toString()).isEqualTo(200);
        assertThat(with(token, "GET", "/api/v1/servers/" + server + "/activity", null).status()).isEqualTo(200);
    }

    @Test
    void aTokenLackingThePermissionIs403() {
        String token = issue("\"console.read\"", 60);
        TestNode.Res r = with(token, "POST", "/api/v1/servers/" + server + "/commands", "{\"command\": \"say hi\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().get("detail").asText()).contains("console.write");
    }

    @Test
    void aTokenDoesNotReachNodeRoutes() {
        String token = issue("\"console.read\", \"console.write\", \"power\", \"files.read\", \"files.write\"", 60);
        assertThat(with(token, "GET", "/api/v1/servers", null).status()).isEqualTo(403);
        assertThat(with(token, "GET", "/api/v1/servers/" + server, null).status()).isEqualTo(403);
        assertThat(with(token, "POST", "/api/v1/servers/" + server + "/tokens", "{\"permissions\": [\"power\"]}").status()).isEqualTo(403);
    }

    @Test
    void anExpiredTokenIs401() {
        Clock past = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));
        String token = node.tokens(past).issue(UUID.fromString(server), Set.of(Permission.CONSOLE_READ), Duration.ofMinutes(5)).token();
        TestNode.Res r = with(token, "GET", "/api/v1/servers/" + server + "/logs", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().get("detail").asText()).as("the same answer as a forgery").isEqualTo(Authenticator.REFUSED);
    }

    @Test
    void aTokenWithChangedClaimsIs401() {
        String token = issue("\"console.read\"", 60);
        String[] parts = token.split("\\.");
        ObjectNode claims = (ObjectNode) WireJson.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        claims.putArray("permissions").add("console.read").add("console.write").add("power");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(WireJson.write(claims).getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        TestNode.Res r = with(forged, "POST", "/api/v1/servers/" + server + "/power", "{\"action\": \"kill\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.json().get("detail").asText()).as("nothing that tells a forger which check failed").isEqualTo(Authenticator.REFUSED);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_token");
    }

    @Test
    void aTokenWithAnAlteredSignatureIs401() {
        String token = issue("\"console.read\"", 60);
        char last = token.charAt(token.length() - 2);
        String tampered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertThat(with(tampered, "GET", "/api/v1/servers/" + server + "/logs", null).status()).isEqualTo(401);
    }

    @Test
    void anUnsignedTokenIs401() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"iss\":\"raptor\",\"sub\":\"" + server
                + "\",\"iat\":" + Instant.now().getEpochSecond() + ",\"exp\":" + (Instant.now().getEpochSecond() + 60)
                + ",\"permissions\":[\"power\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(with(header + "." + claims + ".", "POST", "/api/v1/servers/" + server + "/power", "{\"action\": \"kill\"}").status()).isEqualTo(401);
        assertThat(with(header + "." + claims + ".x", "POST", "/api/v1/servers/" + server + "/power", "{\"action\": \"kill\"}").status()).isEqualTo(401);
    }

    @Test
    void aTokenIssuedForAnotherServerDoesNotReachThisOne() {
        String other = node.create(TestNode.gameServer("token-other", 0));
        String token = issue("\"console.read\"", 60);
        TestNode.Res r = with(token, "GET", "/api/v1/servers/" + other + "/logs", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
    }

    @Test
    void tokensLiveAtMostFifteenMinutesAndNameKnownPermissions() {
        TestNode.Res tooLong = node.post("/api/v1/servers/" + server + "/tokens", "{\"permissions\": [\"power\"], \"expiresIn\": 901}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("errors").findValuesAsText("field")).containsExactly("expiresIn");
        TestNode.Res unknown = node.post("/api/v1/servers/" + server + "/tokens", "{\"permissions\": [\"root\"]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("errors").findValuesAsText("field")).containsExactly("permissions[0]");
        TestNode.Res byDefault = node.post("/api/v1/servers/" + server + "/tokens", "{\"permissions\": [\"power\"]}");
        assertThat(byDefault.json().get("expiresIn").asInt()).isEqualTo(900);
    }
}
