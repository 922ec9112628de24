package dev.raptor.store;

import dev.raptor.core.server.Specs;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.store.sftp.LoginCheck;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.store.sftp.PasswordCost;
import dev.raptor.core.sftp.SftpUser;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The earlier daemon's ftp_credentials.json becomes SFTP/FTP users, all or nothing. */
class LegacyFtpImportTest {
    /** The server the legacy containers.json import made of the container named "survival". */
    private static final UUID SURVIVAL = UUID.fromString("5d1f7a3e-0b9c-4e5a-8f6d-2c3b4a596877");
    private static final java.util.Map<String, UUID> NAMES = java.util.Map.of("survival", SURVIVAL);

    @TempDir
    Path dataDir;

    private static com.fasterxml.jackson.databind.JsonNode json(String text) throws Exception {
        return dev.raptor.store.row.RowJson.mapper().readTree(text);
    }

    private SqliteStore store;
    private UUID byUuid;
    private UUID byName;

    @BeforeEach
    void open() throws Exception {
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(PasswordCost.TESTING));
        byUuid = store.create(Specs.minecraft("lobby")).id();
        // a server the legacy containers.json import created from the container named "survival"
        byName = store.create(Specs.minecraft("survival").toBuilder().id(SURVIVAL).allocations(java.util.List.of(dev.raptor.core.allocation.Allocation.primary("0.0.0.0", 25566, dev.raptor.core.allocation.Protocol.TCP))).build()).id();
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    private static String bcrypt(String password) {
        return OpenBSDBCrypt.generate("2b", password.toCharArray(), new byte[16], 4);
    }

    @Test
    void everyEntryBecomesAUserWhoseOldPasswordWorks() throws Exception {
        String doc = """
                {"credentials": {
                  "%s": {"username": "lobby_admin", "password_hash": "%s"},
                  "survival": {"username": "owner.%s", "password_hash": "%s"}}}"""
                .formatted(byUuid, bcrypt("lobby password"), byName.toString().substring(0, 8), bcrypt("survival password"));

        var imported = store.importLegacyFtpCredentials(json(doc), NAMES::get);

        assertThat(imported).extracting(SftpUser::loginName).containsExactlyInAnyOrder(
                "lobby_admin." + byUuid.toString().substring(0, 8), "owner." + byName.toString().substring(0, 8));
        assertThat(store.sftpUsers().checkPassword(byUuid, "lobby_admin", "lobby password".toCharArray()))
                .isInstanceOf(LoginCheck.Accepted.class);
        assertThat(store.sftpUsers().checkPassword(byName, "owner", "survival password".toCharArray()))
                .isInstanceOf(LoginCheck.Accepted.class);
        assertThat(store.activity(byUuid, Long.MAX_VALUE, 10)).extracting(a -> a.type()).contains("sftp.user-imported");
    }

    @Test
    void theOlderListFormIsReadToo() throws Exception {
        String doc = """
                {"credentials": [{"username": "u1", "password_hash": "%s", "container_id": "%s"}]}"""
                .formatted(bcrypt("list password"), byUuid);

        store.importLegacyFtpCredentials(json(doc), NAMES::get);

        assertThat(store.sftpUsers().checkPassword(byUuid, "u1", "list password".toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
    }

    @Test
    void oneBadEntryImportsNoneAndIsNamed() throws Exception {
        String doc = """
                {"credentials": {
                  "%s": {"username": "fine", "password_hash": "%s"},
                  "ghost-container": {"username": "x", "password_hash": "%s"},
                  "survival": {"username": "has space", "password_hash": "plaintext"}}}"""
                .formatted(byUuid, bcrypt("pw"), bcrypt("pw"));

        assertThatThrownBy(() -> store.importLegacyFtpCredentials(json(doc), NAMES::get))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(f -> f.field())
                        .containsExactlyInAnyOrder("credentials.ghost-container", "credentials.survival.username",
                                "credentials.survival.password_hash"));
        assertThat(store.sftpUsers().all()).isEmpty();
    }

    @Test
    void aUserThatAlreadyExistsImportsNone() throws Exception {
        store.sftpUsers().create(byUuid, new NewSftpUser("taken", "a password!".toCharArray(), null, null, null));
        String doc = """
                {"credentials": {
                  "survival": {"username": "new", "password_hash": "%s"},
                  "%s": {"username": "taken", "password_hash": "%s"}}}"""
                .formatted(bcrypt("pw"), byUuid, bcrypt("pw"));

        assertThatThrownBy(() -> store.importLegacyFtpCredentials(json(doc), NAMES::get))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(f -> f.field())
                        .containsExactly("credentials." + byUuid));
        assertThat(store.sftpUsers().list(byName)).isEmpty();
    }
}
