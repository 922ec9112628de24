package dev.raptor.api.sftp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.testing.TestNode;
import dev.raptor.store.sftp.LoginCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /servers/{id}/sftp-users}: create, list, delete with the node key; a password rotated with a server token. */
class SftpUsersApiTest {
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGwkvWGjF7+EUxwYLzDEumkcTgOxXGDcjy9lpbzeDZnL admin@panel";

    @TempDir
    static Path dir;
    static TestNode node;
    static String server;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        server = node.create(TestNode.gameServer("sftp-users", 0));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String users() {
        return "/api/v1/servers/" + server + "/sftp-users";
    }

    private static String token(String permissions) {
        TestNode.Res r = node.post("/api/v1/servers/" + server + "/tokens", "{\"permissions\": [" + permissions + "]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    @Test
    void aCreatedUserIsListedWithItsLoginNameAndNeverItsPassword() {
        TestNode.Res created = node.post(users(), """
                {"username": "builder", "password": "a long password", "publicKeys": ["%s"],
                 "permissions": ["read", "write"], "expiresAt": "2099-01-01T00:00:00Z"}""".formatted(KEY));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(users() + "/builder");
        JsonNode u = created.json();
        assertThat(u.get("login").asText()).isEqualTo("builder." + server.substring(0, 8));
        assertThat(u.get("hasPassword").asBoolean()).isTrue();
        assertThat(u.get("permissions").toString()).isEqualTo("[\"read\",\"write\"]");
        assertThat(created.body()).doesNotContain("a long password").doesNotContain("argon2");
        TestNode.Res list = node.get(users());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("users").findValuesAsText("username")).contains("builder");
        assertThat(list.body()).doesNotContain("a long password");
    }

    @Test
    void everyBadFieldIsNamedAndNothingIsCreated() {
        TestNode.Res r = node.post(users(), """
                {"username": "has space", "password": "short", "publicKeys": ["not a key"], "permissions": ["admin"], "color": 1}""");

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsText("field"))
                .contains("username", "password", "publicKeys[0]", "permissions[0]", "color");
        assertThat(node.get(users()).body()).doesNotContain("has space");
    }

    @Test
    void aSecondUserOfTheSameNameIsAConflict() {
        assertThat(node.post(users(), "{\"username\": \"twice\", \"password\": \"a long password\"}").status()).isEqualTo(201);

        TestNode.Res again = node.post(users(), "{\"username\": \"twice\", \"password\": \"another password\"}");

        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.json().get("type").asText()).endsWith("sftp-user-exists");
    }

    @Test
    void anUnknownServerOrUserIs404() {
        String ghost = "/api/v1/servers/" + UUID.randomUUID() + "/sftp-users";

        assertThat(node.post(ghost, "{\"username\": \"x\", \"password\": \"a long password\"}").status()).isEqualTo(404);
        assertThat(node.get(ghost).status()).isEqualTo(404);
        TestNode.Res noUser = node.call("DELETE", users() + "/nobody", null);
        assertThat(noUser.status()).as(noUser.toString()).isEqualTo(404);
        assertThat(noUser.json().get("type").asText()).endsWith("sftp-user-not-found");
        assertThat(node.call("PUT", users() + "/nobody/password", "{\"password\": \"a long password\"}").status()).isEqualTo(404);
    }

    @Test
    void deletingAUserRemovesIt() {
        node.post(users(), "{\"username\": \"leaving\", \"password\": \"a long password\"}");

        TestNode.Res r = node.call("DELETE", users() + "/leaving", null);

        assertThat(r.status()).isEqualTo(204);
        assertThat(node.store.sftpUsers().find(UUID.fromString(server), "leaving")).isEmpty();
    }

    @Test
    void aServerTokenWithFilesWriteRotatesAPasswordAndNothingElse() {
        node.post(users(), "{\"username\": \"rotating\", \"password\": \"the first password\"}");
        String write = token("\"files.write\"");
        String read = token("\"files.read\"");

        TestNode.Res rotated = node.send("PUT", users() + "/rotating/password", "{\"password\": \"the second password\"}",
                "Authorization", "Bearer " + write);
        TestNode.Res tooShort = node.send("PUT", users() + "/rotating/password", "{\"password\": \"short\"}",
                "Authorization", "Bearer " + write);
        TestNode.Res lacking = node.send("PUT", users() + "/rotating/password", "{\"password\": \"the third password\"}",
                "Authorization", "Bearer " + read);
        TestNode.Res nodeRoute = node.send("GET", users(), null, "Authorization", "Bearer " + write);
        TestNode.Res create = node.send("POST", users(), "{\"username\": \"x\", \"password\": \"a long password\"}",
                "Authorization", "Bearer " + write);
        TestNode.Res delete = node.send("DELETE", users() + "/rotating", null, "Authorization", "Bearer " + write);

        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(204);
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(lacking.status()).isEqualTo(403);
        assertThat(nodeRoute.status()).isEqualTo(403);
        assertThat(create.status()).isEqualTo(403);
        assertThat(delete.status()).isEqualTo(403);
        UUID id = UUID.fromString(server);
        assertThat(node.store.sftpUsers().checkPassword(id, "rotating", "the second password".toCharArray()))
                .isInstanceOf(LoginCheck.Accepted.class);
        assertThat(node.store.sftpUsers().checkPassword(id, "rotating", "the first password".toCharArray()))
                .isInstanceOf(LoginCheck.Refused.class);
    }

    @Test
    void withoutCredentialsEveryRouteIs401() {
        assertThat(node.send("GET", users(), null).status()).isEqualTo(401);
        assertThat(node.send("POST", users(), "{\"username\": \"x\"}").status()).isEqualTo(401);
        assertThat(node.send("DELETE", users() + "/x", null).status()).isEqualTo(401);
        assertThat(node.send("PUT", users() + "/x/password", "{\"password\": \"a long password\"}").status()).isEqualTo(401);
    }
}
