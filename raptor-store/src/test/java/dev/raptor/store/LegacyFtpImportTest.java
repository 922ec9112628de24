package dev.raptor.store;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.archive.ImportFormat;
import dev.raptor.core.archive.ImportMode;
import dev.raptor.core.archive.ImportPlan;
import dev.raptor.core.archive.ImportReport;
import dev.raptor.core.archive.LegacyFtpLogin;
import dev.raptor.core.server.DesiredState;
import dev.raptor.core.server.Specs;
import dev.raptor.core.server.StoredServer;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.store.sftp.LoginCheck;
import dev.raptor.store.sftp.PasswordCost;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The earlier daemon's FTP logins (a plan read from its ftp_credentials.json) become SFTP/FTP users, all or nothing,
 * in the import's transaction.
 */
class LegacyFtpImportTest {
    /** The server the legacy containers.json import made of the container named "survival". */
    private static final UUID SURVIVAL = UUID.fromString("5d1f7a3e-0b9c-4e5a-8f6d-2c3b4a596877");

    @TempDir
    Path dataDir;

    private SqliteStore store;
    private UUID lobby;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(PasswordCost.TESTING));
        lobby = store.create(Specs.minecraft("lobby")).id();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static String bcrypt(String password) {
        return OpenBSDBCrypt.generate("2b", password.toCharArray(), new byte[16], 4);
    }

    /** An entry keyed by a container name: its candidate is the server the legacy import derived (here SURVIVAL). */
    private static LegacyFtpLogin byName(String field, String username, String hash) {
        return new LegacyFtpLogin(field, "survival", List.of(SURVIVAL), username, hash);
    }

    private LegacyFtpLogin byId(UUID id, String username, String hash) {
        return new LegacyFtpLogin("credentials." + id, id.toString(), List.of(id, UUID.randomUUID()), username, hash);
    }

    private static ImportPlan logins(LegacyFtpLogin... logins) {
        return new ImportPlan(ImportFormat.LEGACY_FTP_CREDENTIALS, List.of(), Map.of(), List.of(), List.of(logins));
    }

    private void createSurvival() {
        store.create(Specs.minecraft("survival").toBuilder().id(SURVIVAL)
                .allocations(List.of(Allocation.primary("0.0.0.0", 25566, Protocol.TCP))).build());
    }

    @Test
    void everyEntryBecomesAUserWhoseOldPasswordWorks() {
        createSurvival();

        ImportReport report = store.importPlan(logins(byId(lobby, "lobby_admin", bcrypt("lobby password")),
                byName("credentials.survival", "owner." + SURVIVAL.toString().substring(0, 8), bcrypt("survival password"))),
                ImportMode.FAIL_ON_EXISTING);

        assertThat(report.sftpLogins()).containsExactly("lobby_admin." + lobby.toString().substring(0, 8),
                "owner." + SURVIVAL.toString().substring(0, 8));
        assertThat(report.imported()).isEmpty();
        assertThat(store.sftpUsers().checkPassword(lobby, "lobby_admin", "lobby password".toCharArray()))
                .isInstanceOf(LoginCheck.Accepted.class);
        assertThat(store.sftpUsers().checkPassword(SURVIVAL, "owner", "survival password".toCharArray()))
                .isInstanceOf(LoginCheck.Accepted.class);
        assertThat(store.sftpUsers().find(SURVIVAL, "owner").orElseThrow().permissions())
                .containsExactlyInAnyOrder(dev.raptor.core.sftp.SftpPermission.values());
        assertThat(store.activity(lobby, Long.MAX_VALUE, 10)).extracting(a -> a.type()).contains("sftp.user-imported");
    }

    @Test
    void loginsMayBelongToServersOfTheSamePlan() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        StoredServer survival = new StoredServer(Specs.minecraft("survival").toBuilder().id(SURVIVAL)
                .allocations(List.of(Allocation.primary("0.0.0.0", 25566, Protocol.TCP))).build(), 1, DesiredState.STOPPED, now, now);
        ImportPlan both = new ImportPlan(ImportFormat.LEGACY_CONTAINERS, List.of(survival), Map.of(), List.of(),
                List.of(byName("credentials.survival", "owner", bcrypt("pw"))));

        ImportReport report = store.importPlan(both, ImportMode.FAIL_ON_EXISTING);

        assertThat(report.imported()).containsExactly(SURVIVAL);
        assertThat(store.sftpUsers().checkPassword(SURVIVAL, "owner", "pw".toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
    }

    @Test
    void oneBadEntryImportsNoneAndIsNamed() {
        LegacyFtpLogin ghost = new LegacyFtpLogin("credentials.ghost-container", "ghost-container", List.of(UUID.randomUUID()),
                "x", bcrypt("pw"));

        assertThatThrownBy(() -> store.importPlan(logins(byId(lobby, "fine", bcrypt("pw")), ghost,
                new LegacyFtpLogin("credentials." + lobby + "b", lobby.toString(), List.of(lobby), "has space", "plaintext")),
                ImportMode.FAIL_ON_EXISTING))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(f -> f.field())
                        .containsExactlyInAnyOrder("credentials.ghost-container", "credentials." + lobby + "b.username",
                                "credentials." + lobby + "b.password_hash"));
        assertThat(store.sftpUsers().all()).isEmpty();
    }

    @Test
    void aUserThatAlreadyExistsImportsNoneEvenWhenReplacing() {
        createSurvival();
        store.sftpUsers().create(lobby, new NewSftpUser("taken", "a password!".toCharArray(), null, null, null));

        assertThatThrownBy(() -> store.importPlan(logins(byName("credentials.survival", "new", bcrypt("pw")),
                byId(lobby, "taken", bcrypt("pw"))), ImportMode.REPLACE_EXISTING))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(f -> f.field())
                        .containsExactly("credentials." + lobby));
        assertThat(store.sftpUsers().list(SURVIVAL)).isEmpty();
        assertThat(store.sftpUsers().checkPassword(lobby, "taken", "a password!".toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
    }

    @Test
    void aFailedLoginImportWritesNoneOfThePlansServersEither() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        StoredServer survival = new StoredServer(Specs.minecraft("survival").toBuilder().id(SURVIVAL)
                .allocations(List.of(Allocation.primary("0.0.0.0", 25566, Protocol.TCP))).build(), 1, DesiredState.STOPPED, now, now);
        ImportPlan both = new ImportPlan(ImportFormat.LEGACY_CONTAINERS, List.of(survival), Map.of(), List.of(),
                List.of(byName("credentials.survival", "owner", "not a hash")));

        assertThatThrownBy(() -> store.importPlan(both, ImportMode.FAIL_ON_EXISTING)).isInstanceOf(InvalidSpecException.class);

        assertThat(store.find(SURVIVAL)).isEmpty();
    }
}
