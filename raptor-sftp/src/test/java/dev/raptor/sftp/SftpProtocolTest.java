package dev.raptor.sftp;

import dev.raptor.files.FilePolicy;
import dev.raptor.files.ServerFiles;
import dev.raptor.sftp.login.LoginThrottle;
import dev.raptor.sftp.login.TransferProtocol;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What OpenSSH's client cannot show: status codes, channels side by side, the brute-force guard. */
class SftpProtocolTest {
    @TempDir
    Path tmp;

    @Test
    void aWritePastTheQuotaAnswersSshFxQuotaExceeded() throws Exception {
        try (Fixture f = new Fixture(Files.createDirectories(tmp.resolve("data")))) {
            UUID s = f.server("quota");
            f.quota(s, 1 << 20);
            f.volumes.files(s, f.policies.get(s));
            f.volumes.diskUsage().requestScan(s).join();
            String login = f.user(s, "admin").loginName();
            try (MinaClient c = new MinaClient(f.port(), login, Fixture.PASSWORD); SftpClient sftp = c.sftp()) {
                assertThatThrownBy(() -> {
                    try (OutputStream out = sftp.write("/big.bin")) {
                        out.write(new byte[2 << 20]);
                    }
                }).isInstanceOfSatisfying(SftpException.class, e -> {
                    assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_QUOTA_EXCEEDED);
                    assertThat(e.getMessage()).contains("quota");
                });
            }
            assertThat(Files.size(f.root(s).resolve("big.bin"))).isLessThanOrEqualTo(1 << 20);
        }
    }

    @Test
    void oneRequestReadsAndWritesAsMuchAsOpenSshsOwnServerAllows() throws Exception {
        int limit = 256 * 1024 - 1024; // OpenSSH's sftp-server's limits; its client sizes requests by them
        try (Fixture f = new Fixture(Files.createDirectories(tmp.resolve("data")))) {
            UUID s = f.server("limits");
            byte[] content = new byte[limit + 4096];
            new java.util.Random(7).nextBytes(content);
            Files.write(f.root(s).resolve("big.bin"), content);
            String login = f.user(s, "admin").loginName();
            try (MinaClient c = new MinaClient(f.port(), login, Fixture.PASSWORD); SftpClient sftp = c.sftp()) {
                OpenSSHLimitsExtensionInfo limits = sftp.getExtension(OpenSSHLimitsExtension.class).limits();
                assertThat(limits.maxReadLength).isEqualTo(limit);
                assertThat(limits.maxWriteLength).isEqualTo(limit);

                byte[] got = new byte[content.length];
                try (SftpClient.CloseableHandle h = sftp.open("/big.bin", SftpClient.OpenMode.Read)) {
                    assertThat(sftp.read(h, 0, got, 0, got.length)).as("one read request's answer").isEqualTo(limit);
                }
                assertThat(java.util.Arrays.copyOf(got, limit)).isEqualTo(java.util.Arrays.copyOf(content, limit));
                try (SftpClient.CloseableHandle h = sftp.open("/copy.bin", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create)) {
                    sftp.write(h, 0, content, 0, limit);
                }
                assertThat(Files.readAllBytes(f.root(s).resolve("copy.bin"))).isEqualTo(java.util.Arrays.copyOf(content, limit));
            }
        }
    }

    @Test
    void aDownloadThroughTinyPacketsAndAStingyWindowArrivesIntact() throws Exception {
        // The server cuts answers into the client's packets and never sends more than its window allows; a window
        // that is not a multiple of the packet size makes it split packets it has already read the file into.
        try (Fixture f = new Fixture(Files.createDirectories(tmp.resolve("data")))) {
            UUID s = f.server("packets");
            byte[] content = new byte[3 * 256 * 1024 + 12_345];
            new java.util.Random(11).nextBytes(content);
            Files.write(f.root(s).resolve("big.bin"), content);
            String login = f.user(s, "admin").loginName();
            try (MinaClient c = new MinaClient(f.port(), login, Fixture.PASSWORD, client -> {
                CoreModuleProperties.MAX_PACKET_SIZE.set(client, 3_000L);
                CoreModuleProperties.WINDOW_SIZE.set(client, 10_000L);
            }); SftpClient sftp = c.sftpV3()) {
                byte[] got;
                try (java.io.InputStream in = sftp.read("/big.bin")) {
                    got = in.readAllBytes();
                }
                assertThat(got).isEqualTo(content);
                byte[] one = new byte[200_000];
                try (SftpClient.CloseableHandle h = sftp.open("/big.bin", SftpClient.OpenMode.Read)) {
                    assertThat(sftp.read(h, 5, one, 0, one.length)).isEqualTo(one.length);
                }
                assertThat(one).isEqualTo(java.util.Arrays.copyOfRange(content, 5, 5 + one.length));
            }
        }
    }

    @Test
    void aReadThatReachesTheEndOfTheFileReturnsWhatIsLeftAndThenEndOfFile() throws Exception {
        try (Fixture f = new Fixture(Files.createDirectories(tmp.resolve("data")))) {
            UUID s = f.server("eof");
            byte[] content = new byte[100_000];
            new java.util.Random(13).nextBytes(content);
            Files.write(f.root(s).resolve("file.bin"), content);
            Files.write(f.root(s).resolve("empty.bin"), new byte[0]);
            String login = f.user(s, "admin").loginName();
            for (boolean v6 : new boolean[]{true, false}) {
                try (MinaClient c = new MinaClient(f.port(), login, Fixture.PASSWORD); SftpClient sftp = v6 ? c.sftp() : c.sftpV3()) {
                    assertThat(sftp.getVersion()).isEqualTo(v6 ? SftpConstants.SFTP_V6 : SftpConstants.SFTP_V3);
                    byte[] got = new byte[64 * 1024];
                    java.util.concurrent.atomic.AtomicReference<Boolean> eof = new java.util.concurrent.atomic.AtomicReference<>();
                    try (SftpClient.CloseableHandle h = sftp.open("/file.bin", SftpClient.OpenMode.Read)) {
                        assertThat(sftp.read(h, 90_000, got, 0, got.length, eof)).isEqualTo(10_000);
                        assertThat(java.util.Arrays.copyOf(got, 10_000)).isEqualTo(java.util.Arrays.copyOfRange(content, 90_000, 100_000));
                        // SFTP v6 answers a short read with an end-of-file flag; v3 has none
                        assertThat(eof.get()).isEqualTo(v6 ? Boolean.TRUE : null);
                        assertThat(sftp.read(h, 100_000, got, 0, got.length)).as("a read at the end").isEqualTo(-1);
                        assertThat(sftp.read(h, 0, got, 0, 0)).as("an empty read before the end").isZero();
                    }
                    try (SftpClient.CloseableHandle h = sftp.open("/empty.bin", SftpClient.OpenMode.Read)) {
                        assertThat(sftp.read(h, 0, got, 0, got.length)).as("a read of an empty file").isEqualTo(-1);
                    }
                }
            }
        }
    }

    @Test
    void aPathOutsideTheRootAnswersPermissionDeniedWithoutAHostPath() throws Exception {
        try (Fixture f = new Fixture(Files.createDirectories(tmp.resolve("data")))) {
            UUID s = f.server("links");
            Files.createSymbolicLink(f.root(s).resolve("etc"), Path.of("/etc"));
            String login = f.user(s, "admin").loginName();
            try (MinaClient c = new MinaClient(f.port(), login, Fixture.PASSWORD); SftpClient sftp = c.sftpV3()) {
                assertThatThrownBy(() -> sftp.stat("/etc/passwd"))
                        .isInstanceOfSatisfying(SftpException.class, e -> {
                            assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED);
                            assertThat(e.getMessage()).doesNotContain(f.root(s).toString());
                        });
                String before = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/etc")));
                assertThatThrownBy(() -> sftp.setStat("/etc", new SftpClient.Attributes().perms(0777)))
                        .isInstanceOf(SftpException.class);
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/etc"))))
                        .isEqualTo(before);
            }
        }
    }

    @Test
    void channelsOfOneConnectionAreServedSideBySide() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (Fixture f = new Fixture(data)) {
            UUID s = f.server("side-by-side");
            Files.writeString(f.root(s).resolve("a.txt"), "a");
            String login = f.user(s, "admin").loginName();
            // the next file operation blocks (as a slow disk would) until released
            Fixture.Source slow = id -> {
                if (armed.compareAndSet(true, false)) {
                    blocked.countDown();
                    try {
                        release.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return f.volumes.files(id, FilePolicy.UNRESTRICTED);
            };
            f.source(slow);
            try (MinaClient c = new MinaClient(f.port(), login, Fixture.PASSWORD);
                 SftpClient first = c.sftp(); SftpClient second = c.sftp()) {
                armed.set(true);
                CompletableFuture<SftpClient.Attributes> slowStat = CompletableFuture.supplyAsync(() -> {
                    try {
                        return first.stat("/a.txt");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertThat(blocked.await(1, TimeUnit.MINUTES)).isTrue();

                SftpClient.Attributes other = second.stat("/a.txt");

                assertThat(other.getSize()).isEqualTo(1);
                assertThat(slowStat).isNotDone();
                release.countDown();
                assertThat(slowStat.get(1, TimeUnit.MINUTES).getSize()).isEqualTo(1);
            }
        }
    }

    @Test
    void repeatedWrongPasswordsMakeTheLoginBackOffEvenForTheRightOne() throws Exception {
        LoginThrottle.Settings strict = new LoginThrottle.Settings(100, 3, Duration.ofMinutes(15), Duration.ofMinutes(10),
                Duration.ofMinutes(10), 1000);
        try (Fixture f = new Fixture(Files.createDirectories(tmp.resolve("data")), strict)) {
            UUID s = f.server("guarded");
            String login = f.user(s, "admin").loginName();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> new MinaClient(f.port(), login, "wrong password").close()).isInstanceOf(Exception.class);
            }

            assertThatThrownBy(() -> new MinaClient(f.port(), login, Fixture.PASSWORD).close()).isInstanceOf(Exception.class);
            assertThat(f.logins.throttleStats().failedLogins()).isGreaterThanOrEqualTo(3);
            assertThat(f.logins.throttleStats().throttledLogins()).isGreaterThanOrEqualTo(1);
            assertThat(f.logins.throttleStats().blockedUsers(TransferProtocol.SFTP)).isEqualTo(1);
            assertThat(f.logins.throttleStats().blockedUsers(TransferProtocol.FTP)).isZero();
        }
    }

    @Test
    void aDenyRuleHidesAndRefusesAndAReadOnlyRuleRefusesChanges() throws Exception {
        try (Fixture f = new Fixture(Files.createDirectories(tmp.resolve("data")))) {
            UUID s = f.server("ruled");
            Files.writeString(f.root(s).resolve("secret.key"), "k");
            Files.writeString(f.root(s).resolve("server.jar"), "jar");
            f.rules(s, java.util.List.of("/secret.key"), java.util.List.of("/server.jar"));
            String login = f.user(s, "admin").loginName();
            try (MinaClient c = new MinaClient(f.port(), login, Fixture.PASSWORD); SftpClient sftp = c.sftp()) {
                java.util.List<String> names = new java.util.ArrayList<>();
                sftp.readDir("/").forEach(e -> names.add(e.getFilename()));
                assertThat(names).contains("server.jar").doesNotContain("secret.key");
                assertThatThrownBy(() -> sftp.read("/secret.key").readAllBytes()).isInstanceOf(SftpException.class);
                assertThat(new String(sftp.read("/server.jar").readAllBytes())).isEqualTo("jar");
                assertThatThrownBy(() -> sftp.remove("/server.jar")).isInstanceOfSatisfying(SftpException.class,
                        e -> assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
                assertThatThrownBy(() -> {
                    try (OutputStream out = sftp.write("/server.jar", EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Truncate))) {
                        out.write(1);
                    }
                }).isInstanceOf(SftpException.class);
            }
            assertThat(Files.readString(f.root(s).resolve("server.jar"))).isEqualTo("jar");
        }
    }
}
