package dev.raptor.wire.state;

import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.archive.LegacyFtpLogin;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The earlier daemon's {@code ftp_credentials.json}, told apart by its shape and read into logins to import. */
class LegacyFtpCredentialsTest {
    private static final String HASH = "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
    private static final UUID ID = UUID.fromString("3f9c2d1e-1111-4000-8000-000000000001");

    private static ImportPlan read(String json) {
        return StateDocuments.read(WireJson.parse(json), Clock.systemUTC());
    }

    @Test
    void anObjectKeyedByContainerIdIsReadAsLoginsOfThoseContainers() {
        ImportPlan plan = read("""
                {"credentials": {
                  "%s": {"username": "lobby_admin", "password_hash": "%s"},
                  "survival": {"username": "owner", "passwordHash": "%s"}}}""".formatted(ID, HASH, HASH));

        assertThat(plan.format()).isEqualTo(ImportFormat.LEGACY_FTP_CREDENTIALS);
        assertThat(plan.servers()).isEmpty();
        assertThat(plan.ftpLogins()).containsExactly(
                new LegacyFtpLogin("credentials." + ID, ID.toString(), List.of(ID, LegacyContainers.idFor(ID.toString())),
                        "lobby_admin", HASH),
                new LegacyFtpLogin("credentials.survival", "survival", List.of(LegacyContainers.idFor("survival")), "owner", HASH));
    }

    @Test
    void theOlderListFormIsReadToo() {
        ImportPlan plan = read("""
                {"credentials": [{"username": "u1", "password_hash": "%s", "container_id": "survival"}]}""".formatted(HASH));

        assertThat(plan.ftpLogins()).extracting(LegacyFtpLogin::field, LegacyFtpLogin::containerKey, LegacyFtpLogin::username)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("credentials[0]", "survival", "u1"));
    }

    @Test
    void everyMissingFieldIsNamedByItsEntry() {
        assertThatThrownBy(() -> read("""
                {"credentials": {
                  "fine": {"username": "a", "password_hash": "%s"},
                  "nouser": {"password_hash": "%s"},
                  "nohash": {"username": "b"},
                  "notanobject": 3}}""".formatted(HASH, HASH)))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("credentials.nouser.username", "credentials.nohash.password_hash",
                                "credentials.notanobject"));
        assertThatThrownBy(() -> read("{\"credentials\": [{\"username\": \"a\", \"password_hash\": \"" + HASH + "\"}]}"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("credentials[0].container_id"));
        assertThatThrownBy(() -> read("{\"credentials\": \"x\"}"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("credentials"));
    }

    @Test
    void theHashNeverShowsInALoginsText() {
        ImportPlan plan = read("{\"credentials\": {\"s\": {\"username\": \"a\", \"password_hash\": \"" + HASH + "\"}}}");

        assertThat(plan.ftpLogins().getFirst().toString()).doesNotContain(HASH);
    }
}
