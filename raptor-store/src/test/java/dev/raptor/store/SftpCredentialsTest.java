package dev.raptor.store;

import dev.raptor.core.server.Specs;
import dev.raptor.core.server.ServerNotFoundException;
import dev.raptor.store.sftp.PasswordHasher;
import dev.raptor.store.sftp.SftpCredentials;
import dev.raptor.store.sftp.SftpLogin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SftpCredentialsTest {
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dataDir;

    private SqliteStore store;
    private SftpCredentials sftp;
    private UUID server;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordIterations(1_000));
        sftp = store.sftpCredentials();
        server = store.create(Specs.minecraft("lobby")).id();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aLoginWithItsPasswordOpensItsServer() {
        sftp.set("lobby.3f1c2a9e", server, PASSWORD.toCharArray());

        assertThat(sftp.verify("lobby.3f1c2a9e", PASSWORD.toCharArray())).contains(server);
    }

    @Test
    void aWrongPasswordIsRefused() {
        sftp.set("lobby.3f1c2a9e", server, PASSWORD.toCharArray());

        assertThat(sftp.verify("lobby.3f1c2a9e", "correct horse battery stapler".toCharArray())).isEmpty();
    }

    @Test
    void anUnknownUsernameIsRefused() {
        assertThat(sftp.verify("nobody", PASSWORD.toCharArray())).isEmpty();
    }

    @Test
    void settingALoginAgainReplacesItsPassword() {
        sftp.set("lobby.3f1c2a9e", server, "old-password".toCharArray());
        sftp.set("lobby.3f1c2a9e", server, "new-password".toCharArray());

        assertThat(sftp.verify("lobby.3f1c2a9e", "old-password".toCharArray())).isEmpty();
        assertThat(sftp.verify("lobby.3f1c2a9e", "new-password".toCharArray())).contains(server);
        assertThat(sftp.logins(server)).extracting(SftpLogin::username).containsExactly("lobby.3f1c2a9e");
    }

    @Test
    void aRemovedLoginNoLongerVerifies() {
        sftp.set("lobby.3f1c2a9e", server, PASSWORD.toCharArray());

        assertThat(sftp.remove("lobby.3f1c2a9e")).isTrue();
        assertThat(sftp.remove("lobby.3f1c2a9e")).isFalse();
        assertThat(sftp.verify("lobby.3f1c2a9e", PASSWORD.toCharArray())).isEmpty();
    }

    @Test
    void aLoginForAnUnknownServerIsRefused() {
        assertThatThrownBy(() -> sftp.set("ghost", UUID.randomUUID(), PASSWORD.toCharArray()))
                .isInstanceOf(ServerNotFoundException.class);
    }

    @Test
    void deletingTheServerRemovesItsLogins() {
        sftp.set("lobby.3f1c2a9e", server, PASSWORD.toCharArray());

        store.delete(server);

        assertThat(sftp.verify("lobby.3f1c2a9e", PASSWORD.toCharArray())).isEmpty();
    }

    @Test
    void aMalformedUsernameIsRefused() {
        assertThatThrownBy(() -> sftp.set("has space", server, PASSWORD.toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sftp.set("x".repeat(65), server, PASSWORD.toCharArray()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDatabaseNeverHoldsThePlaintextPassword() throws IOException {
        sftp.set("lobby.3f1c2a9e", server, PASSWORD.toCharArray());
        store.close();

        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as("contents of %s", f).doesNotContain(PASSWORD).doesNotContain("battery");
            }
        }
    }

    @Test
    void hashesAreSaltedPbkdf2WithTheirIterationCount() {
        PasswordHasher hasher = new PasswordHasher(1_000);

        String first = hasher.hash(PASSWORD.toCharArray());
        String second = hasher.hash(PASSWORD.toCharArray());

        assertThat(first).startsWith("pbkdf2-sha256$1000$").isNotEqualTo(second);
        assertThat(hasher.verify(PASSWORD.toCharArray(), second)).isTrue();
    }

    @Test
    void aHashMadeWithAnotherIterationCountStillVerifies() {
        String old = new PasswordHasher(500).hash(PASSWORD.toCharArray());
        PasswordHasher current = new PasswordHasher(2_000);

        assertThat(current.verify(PASSWORD.toCharArray(), old)).isTrue();
        assertThat(current.needsRehash(old)).isTrue();
    }

    @Test
    void aMalformedHashNeverMatches() {
        PasswordHasher hasher = new PasswordHasher(1_000);

        assertThat(hasher.verify(PASSWORD.toCharArray(), "plaintext")).isFalse();
        assertThat(hasher.verify(PASSWORD.toCharArray(), "pbkdf2-sha256$x$y$z")).isFalse();
    }

    @Test
    void productionHashingUsesAtLeast210000Iterations() {
        assertThat(StoreOptions.defaults().passwordIterations()).isGreaterThanOrEqualTo(210_000);
        assertThat(new PasswordHasher(StoreOptions.defaults().passwordIterations()).hash("pw".toCharArray()))
                .startsWith("pbkdf2-sha256$210000$");
    }
}
