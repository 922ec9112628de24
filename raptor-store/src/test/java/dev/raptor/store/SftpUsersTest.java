package dev.raptor.store;

import dev.raptor.core.server.Specs;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.store.migration.Migrations;
import dev.raptor.store.sftp.LoginCheck;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.store.sftp.PasswordCost;
import dev.raptor.store.sftp.PasswordHasher;
import dev.raptor.core.sftp.SftpPermission;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.core.sftp.SftpUserExistsException;
import dev.raptor.core.sftp.SftpUserNotFoundException;
import dev.raptor.store.sftp.SftpUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SftpUsersTest {
    private static final String PASSWORD = "correct horse battery staple";
    /** A real ed25519 public key (ssh-keygen output). */
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGwkvWGjF7+EUxwYLzDEumkcTgOxXGDcjy9lpbzeDZnL admin@panel";

    @TempDir
    Path dataDir;

    private TestClock clock;
    private SqliteStore store;
    private SftpUsers users;
    private UUID server;

    @BeforeEach
    void open() {
        clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(PasswordCost.TESTING).withClock(clock));
        users = store.sftpUsers();
        server = store.create(Specs.minecraft("lobby")).id();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static NewSftpUser withPassword(String name) {
        return new NewSftpUser(name, PASSWORD.toCharArray(), null, null, null);
    }

    @Test
    void aUserWithItsPasswordLogsIntoItsServer() {
        users.create(server, withPassword("admin"));

        assertThat(users.checkPassword(server, "admin", PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(LoginCheck.Accepted.class, a -> assertThat(a.user().username()).isEqualTo("admin"));
    }

    @Test
    void theLoginNameIsTheUsernameAndTheServersShortId() {
        SftpUser u = users.create(server, withPassword("admin"));

        assertThat(u.loginName()).isEqualTo("admin." + server.toString().substring(0, 8));
    }

    @Test
    void aWrongPasswordAnUnknownUserAndAnotherServerAreRefused() {
        users.create(server, withPassword("admin"));
        UUID other = store.create(Specs.minecraft("other")).id();

        assertThat(users.checkPassword(server, "admin", "wrong password!".toCharArray()))
                .isEqualTo(new LoginCheck.Refused(LoginCheck.Reason.WRONG_PASSWORD));
        assertThat(users.checkPassword(server, "nobody", PASSWORD.toCharArray()))
                .isEqualTo(new LoginCheck.Refused(LoginCheck.Reason.UNKNOWN_USER));
        assertThat(users.checkPassword(other, "admin", PASSWORD.toCharArray()))
                .isEqualTo(new LoginCheck.Refused(LoginCheck.Reason.UNKNOWN_USER));
    }

    @Test
    void anExpiredUserIsRefusedEvenWithTheRightPassword() {
        users.create(server, new NewSftpUser("temp", PASSWORD.toCharArray(), null, null, clock.instant().plus(Duration.ofHours(1))));

        assertThat(users.checkPassword(server, "temp", PASSWORD.toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
        clock.advance(Duration.ofHours(1));
        assertThat(users.checkPassword(server, "temp", PASSWORD.toCharArray()))
                .isEqualTo(new LoginCheck.Refused(LoginCheck.Reason.EXPIRED));
    }

    @Test
    void oneUsernameMayExistOnSeveralServersWithTheirOwnPasswords() {
        UUID other = store.create(Specs.minecraft("other")).id();
        users.create(server, withPassword("admin"));
        users.create(other, new NewSftpUser("admin", "another password".toCharArray(), null, null, null));

        assertThat(users.checkPassword(other, "admin", PASSWORD.toCharArray())).isInstanceOf(LoginCheck.Refused.class);
        assertThat(users.checkPassword(other, "admin", "another password".toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
        assertThatThrownBy(() -> users.create(server, withPassword("admin"))).isInstanceOf(SftpUserExistsException.class);
    }

    @Test
    void aKeyOnlyUserHasNoPasswordToGuess() {
        SftpUser u = users.create(server, new NewSftpUser("deploy", null, List.of(KEY), Set.of(SftpPermission.READ), null));

        assertThat(u.hasPassword()).isFalse();
        assertThat(users.find(server, "deploy").orElseThrow().publicKeys()).containsExactly(KEY);
        assertThat(users.find(server, "deploy").orElseThrow().permissions()).containsExactly(SftpPermission.READ);
        assertThat(users.checkPassword(server, "deploy", "anything at all".toCharArray()))
                .isEqualTo(new LoginCheck.Refused(LoginCheck.Reason.NO_PASSWORD));
    }

    @Test
    void everyBadFieldIsNamed() {
        assertThatThrownBy(() -> users.create(server, new NewSftpUser(".bad name", "short".toCharArray(),
                List.of("ssh-ed25519 not-base64!", "from=\"10.0.0.1\" " + KEY), null, null)))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
                        .extracting(f -> f.field())
                        .containsExactlyInAnyOrder("username", "password", "publicKeys[0]", "publicKeys[1]"));
        assertThatThrownBy(() -> users.create(server, new NewSftpUser("nokeys", null, null, null, null)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("password or at least one public key");
        assertThat(users.list(server)).isEmpty();
    }

    @Test
    void aKeyWhoseBlobNamesAnotherTypeIsRefused() {
        String rsaClaimingEd25519 = KEY.replace("ssh-ed25519 ", "ssh-rsa ");

        assertThatThrownBy(() -> users.create(server, new NewSftpUser("x", null, List.of(rsaClaimingEd25519), null, null)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is a ssh-ed25519 key, not ssh-rsa");
    }

    @Test
    void aUserForAnUnknownServerIsRefused() {
        assertThatThrownBy(() -> users.create(UUID.randomUUID(), withPassword("ghost")))
                .isInstanceOf(ServerNotFoundException.class);
    }

    @Test
    void thePasswordArrayIsWipedOnceHashed() {
        char[] password = PASSWORD.toCharArray();
        users.create(server, new NewSftpUser("admin", password, null, null, null));

        assertThat(new String(password)).isEqualTo("\0".repeat(PASSWORD.length()));
    }

    @Test
    void aRotatedPasswordReplacesTheOldOne() {
        users.create(server, withPassword("admin"));

        users.setPassword(server, "admin", "a brand new password".toCharArray());

        assertThat(users.checkPassword(server, "admin", PASSWORD.toCharArray())).isInstanceOf(LoginCheck.Refused.class);
        assertThat(users.checkPassword(server, "admin", "a brand new password".toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
        assertThatThrownBy(() -> users.setPassword(server, "nobody", "a brand new password".toCharArray()))
                .isInstanceOf(SftpUserNotFoundException.class);
    }

    @Test
    void removingAUserOrItsServerTellsListenersAndEndsItsLogins() {
        AtomicInteger changes = new AtomicInteger();
        users.onChange(changes::incrementAndGet);
        users.create(server, withPassword("a"));
        users.create(server, withPassword("b"));

        assertThat(users.remove(server, "a")).isTrue();
        assertThat(users.remove(server, "a")).isFalse();
        assertThat(users.find(server, "a")).isEmpty();
        store.delete(server);

        assertThat(users.all()).isEmpty();
        assertThat(users.checkPassword(server, "b", PASSWORD.toCharArray())).isInstanceOf(LoginCheck.Refused.class);
        assertThat(changes.get()).isEqualTo(4);
    }

    @Test
    void theDatabaseNeverHoldsThePlaintextPassword() throws IOException {
        users.create(server, withPassword("admin"));
        store.close();

        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as("contents of %s", f).doesNotContain(PASSWORD).doesNotContain("battery");
            }
        }
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(PasswordCost.TESTING));
    }

    @Test
    void newHashesAreSaltedArgon2idInThePhcFormat() {
        PasswordHasher hasher = new PasswordHasher(PasswordCost.TESTING);

        String first = hasher.hash(PASSWORD.toCharArray());
        String second = hasher.hash(PASSWORD.toCharArray());

        assertThat(first).startsWith("$argon2id$v=19$m=64,t=1,p=1$").isNotEqualTo(second);
        assertThat(hasher.verify(PASSWORD.toCharArray(), second)).isTrue();
        assertThat(hasher.verify("wrong".toCharArray(), second)).isFalse();
        assertThat(hasher.needsRehash(first)).isFalse();
        assertThat(new PasswordHasher(PasswordCost.DEFAULT).needsRehash(first)).isTrue();
    }

    @Test
    void productionHashesUseOwaspsArgon2idCost() {
        assertThat(StoreOptions.defaults().passwordCost()).isEqualTo(new PasswordCost(19_456, 2, 1));
    }

    @Test
    void olderHashFormsStillVerifyAndNeedARehash() {
        PasswordHasher hasher = new PasswordHasher(PasswordCost.TESTING);
        String pbkdf2 = Pbkdf2.hash(PASSWORD, 1000);
        String bcrypt = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2b", PASSWORD.toCharArray(), new byte[16], 4);

        assertThat(hasher.verify(PASSWORD.toCharArray(), pbkdf2)).isTrue();
        assertThat(hasher.verify(PASSWORD.toCharArray(), bcrypt)).isTrue();
        assertThat(hasher.verify("wrong".toCharArray(), bcrypt)).isFalse();
        assertThat(hasher.needsRehash(pbkdf2)).isTrue();
        assertThat(hasher.needsRehash(bcrypt)).isTrue();
        assertThat(hasher.verify(PASSWORD.toCharArray(), "plaintext")).isFalse();
        assertThat(hasher.verify(PASSWORD.toCharArray(), "$argon2id$v=19$m=x")).isFalse();
    }

    @Test
    void schemaTwoLoginsBecomeUsersAndTheirPbkdf2HashIsUpgradedAtTheFirstLogin() throws Exception {
        store.close();
        Path old = dataDir.resolve("old");
        Files.createDirectories(old);
        UUID id = UUID.fromString("0b7e4f38-2d57-4f8e-9a43-6f1d2c3b4a59");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old.resolve("raptor.db"))) {
            Migrations.migrateTo(c, old.resolve("raptor.db"), 3);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO servers (id, name, spec, version, desired, created_at, updated_at) VALUES ('" + id
                        + "', 'old', '{\"id\":\"" + id + "\",\"name\":\"old\",\"image\":\"img:1\"}', 1, 'stopped', 1, 1)");
                s.executeUpdate("INSERT INTO sftp_credentials VALUES ('old.0b7e4f38', '" + id + "', '" + Pbkdf2.hash(PASSWORD, 1000) + "', 5, 6)");
                s.executeUpdate("INSERT INTO sftp_credentials VALUES ('plain', '" + id + "', '" + Pbkdf2.hash("other password", 1000) + "', 5, 6)");
            }
        }

        store = SqliteStore.open(old, StoreOptions.defaults().withPasswordCost(PasswordCost.TESTING));
        users = store.sftpUsers();

        assertThat(users.list(id)).extracting(SftpUser::loginName).containsExactly("old.0b7e4f38", "plain.0b7e4f38");
        assertThat(users.find(id, "old").orElseThrow().permissions()).containsExactlyInAnyOrder(SftpPermission.values());
        assertThat(storedHash(old, "old")).startsWith("pbkdf2-sha256$");
        assertThat(users.checkPassword(id, "old", PASSWORD.toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
        assertThat(storedHash(old, "old")).startsWith("$argon2id$");
        assertThat(users.checkPassword(id, "old", PASSWORD.toCharArray())).isInstanceOf(LoginCheck.Accepted.class);
    }

    private static String storedHash(Path dir, String username) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raptor.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT password_hash FROM sftp_users WHERE username = '" + username + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Schema 2's hash form, made the way its PasswordHasher made it. */
    static final class Pbkdf2 {
        static String hash(String password, int iterations) {
            byte[] salt = new byte[16];
            Arrays.fill(salt, (byte) 7);
            try {
                var spec = new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256);
                byte[] h = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
                var b64 = java.util.Base64.getEncoder().withoutPadding();
                return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(h);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
