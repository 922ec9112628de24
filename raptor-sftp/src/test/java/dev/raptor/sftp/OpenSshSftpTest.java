package dev.raptor.sftp;

import dev.raptor.core.sftp.SftpPermission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acceptance tests of issue 14 with OpenSSH's own {@code sftp} client in batch mode against Raptor's SFTP
 * server: logins, a 1 GiB round trip, the everyday commands, a 10,000-entry listing, a resumed upload, the jail
 * against a link to {@code /etc}, the quota, and a deleted user's session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenSshSftpTest {
    private Path tmp;
    private Fixture f;
    private Path work;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        f = new Fixture(Files.createDirectories(tmp.resolve("data")));
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @AfterAll
    void stop() throws IOException {
        f.close();
    }

    private OpenSsh.Result sftp(String login, String batch) throws Exception {
        return OpenSsh.sftpWithPassword(f.port(), login, Fixture.PASSWORD, batch, work);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Random (incompressible) bytes, made with head -c from /dev/urandom. */
    private Path randomFile(String name, String size) throws Exception {
        Path p = work.resolve(name);
        OpenSsh.Result r = OpenSsh.run(List.of("sh", "-c", "head -c " + size + " /dev/urandom > '" + p + "'"), null, null, work);
        assertThat(r.exit()).as(r.output()).isZero();
        return p;
    }

    @Test
    void aUserLogsInWithItsPasswordAndSeesItsServersFiles() throws Exception {
        UUID s = f.server("lobby");
        Files.writeString(f.root(s).resolve("server.properties"), "motd=hi");
        String login = f.user(s, "admin").loginName();

        OpenSsh.Result r = sftp(login, "ls -1\n");

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.lines()).containsExactly("server.properties");
    }

    @Test
    void aUserLogsInWithItsKey() throws Exception {
        UUID s = f.server("keyed");
        Files.writeString(f.root(s).resolve("world.dat"), "w");
        Path key = OpenSsh.keygen(work, "id-keyed");
        String login = f.user(s, "deploy", List.of(OpenSsh.publicKey(key)), null, null, false).loginName();

        OpenSsh.Result r = OpenSsh.sftpWithKey(f.port(), login, key, "ls -1\n", work);

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.lines()).containsExactly("world.dat");
    }

    @Test
    void anotherKeyIsRefused() throws Exception {
        UUID s = f.server("keyed2");
        Path key = OpenSsh.keygen(work, "id-right");
        Path other = OpenSsh.keygen(work, "id-wrong");
        String login = f.user(s, "deploy", List.of(OpenSsh.publicKey(key)), null, null, false).loginName();

        OpenSsh.Result r = OpenSsh.sftpWithKey(f.port(), login, other, "ls\n", work);

        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("Permission denied");
    }

    @Test
    void aWrongPasswordAnExpiredUserAndAnotherServersShortIdAreRefused() throws Exception {
        UUID s = f.server("refusals");
        UUID other = f.server("refusals-other");
        String login = f.user(s, "admin").loginName();
        String expired = f.user(s, "temp", List.of(), null, Instant.now().minus(Duration.ofMinutes(1)), true).loginName();
        String otherShortId = "admin." + other.toString().substring(0, 8);

        OpenSsh.Result wrong = OpenSsh.sftpWithPassword(f.port(), login, "not the password", "ls\n", work);
        OpenSsh.Result late = sftp(expired, "ls\n");
        OpenSsh.Result elsewhere = sftp(otherShortId, "ls\n");

        assertThat(List.of(wrong, late, elsewhere)).allSatisfy(r -> {
            assertThat(r.exit()).isNotZero();
            assertThat(r.output()).contains("Permission denied");
        });
        assertThat(f.store.activity(s, Long.MAX_VALUE, 10)).extracting(a -> a.type()).contains("sftp.login-failed");
        assertThat(f.store.activity(s, Long.MAX_VALUE, 10)).filteredOn(a -> a.type().equals("sftp.login-failed"))
                .allSatisfy(a -> assertThat(a.details()).containsEntry("address", "127.0.0.1"));
    }

    @Test
    void aGibibyteGoesUpAndComesBackWithTheSameChecksum() throws Exception {
        UUID s = f.server("big");
        String login = f.user(s, "admin").loginName();
        Path big = randomFile("big.bin", "1G");

        OpenSsh.Result r = sftp(login, "put big.bin\nget big.bin big-back.bin\n");

        assertThat(r.exit()).as(r.output()).isZero();
        String expected = sha256(big);
        assertThat(sha256(f.root(s).resolve("big.bin"))).isEqualTo(expected);
        assertThat(sha256(work.resolve("big-back.bin"))).isEqualTo(expected);
        Files.delete(work.resolve("big-back.bin"));
        Files.delete(f.root(s).resolve("big.bin"));
        assertThat(f.store.activity(s, Long.MAX_VALUE, 10)).extracting(a -> a.type()).contains("sftp.login", "sftp.upload");
    }

    @Test
    void everyCipherOfferedCarriesFilesBothWaysIntact() throws Exception {
        UUID s = f.server("ciphers");
        String login = f.user(s, "admin").loginName();
        Path file = randomFile("cipher.bin", "8M"); // some 250 packets each way: sequence numbers, keys, tags
        String expected = sha256(file);
        // chacha20-poly1305 is Raptor's own (ChaCha20Poly1305), the others MINA's on the JDK's AES
        for (String cipher : List.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
                "aes128-ctr", "aes256-ctr")) {
            OpenSsh.Result r = OpenSsh.sftpWithPassword(f.port(), login, Fixture.PASSWORD,
                    "put cipher.bin\nget cipher.bin cipher-back.bin\n", work, List.of("-c", cipher));

            assertThat(r.exit()).as(cipher + ": " + r.output()).isZero();
            assertThat(sha256(f.root(s).resolve("cipher.bin"))).as(cipher).isEqualTo(expected);
            assertThat(sha256(work.resolve("cipher-back.bin"))).as(cipher).isEqualTo(expected);
            Files.delete(work.resolve("cipher-back.bin"));
            Files.delete(f.root(s).resolve("cipher.bin"));
        }
    }

    @Test
    void mkdirRenameChmodAndRmDoWhatTheySay() throws Exception {
        UUID s = f.server("everyday");
        String login = f.user(s, "admin").loginName();
        Files.writeString(work.resolve("plugin.jar"), "jar");

        OpenSsh.Result made = sftp(login, "mkdir plugins\nput plugin.jar plugins/a.jar\nrename plugins/a.jar plugins/b.jar\nchmod 600 plugins/b.jar\n");

        assertThat(made.exit()).as(made.output()).isZero();
        Path b = f.root(s).resolve("plugins/b.jar");
        assertThat(Files.readString(b)).isEqualTo("jar");
        assertThat(Files.exists(f.root(s).resolve("plugins/a.jar"))).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b))).isEqualTo("rw-------");

        OpenSsh.Result removed = sftp(login, "rm plugins/b.jar\nrmdir plugins\n");

        assertThat(removed.exit()).as(removed.output()).isZero();
        assertThat(Files.exists(f.root(s).resolve("plugins"))).isFalse();
        assertThat(f.store.activity(s, Long.MAX_VALUE, 20)).extracting(a -> a.type())
                .contains("sftp.mkdir", "sftp.upload", "sftp.rename", "sftp.chmod", "sftp.delete");
    }

    @Test
    void aDirectoryOfTenThousandEntriesIsListedWhole() throws Exception {
        UUID s = f.server("many");
        String login = f.user(s, "admin").loginName();
        Path dir = Files.createDirectories(f.root(s).resolve("chunks"));
        for (int i = 0; i < 10_000; i++) {
            Files.createFile(dir.resolve("c." + i + ".mca"));
        }

        OpenSsh.Result r = sftp(login, "ls -1 chunks\n");

        assertThat(r.exit()).as(r.output().lines().limit(5).toList().toString()).isZero();
        assertThat(r.lines()).hasSize(10_000).contains("chunks/c.0.mca", "chunks/c.9999.mca");
    }

    @Test
    void anInterruptedUploadIsResumedWithReput() throws Exception {
        UUID s = f.server("resume");
        String login = f.user(s, "admin").loginName();
        Path file = randomFile("resume.bin", "256M");
        Path remote = f.root(s).resolve("resume.bin");
        Files.writeString(work.resolve("put-resume.batch"), "put resume.bin\n");

        Process p = OpenSsh.startSftp(f.port(), login, Fixture.PASSWORD, work);
        try (var in = p.getOutputStream()) {
            in.write("put resume.bin\n".getBytes());
            in.flush();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> Files.exists(remote) && Files.size(remote) >= 16L << 20);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        } catch (IOException e) {
            // the pipe broke as the client died
        }
        p.waitFor();
        long partial = Files.size(remote);
        assertThat(partial).as("the upload was cut short").isLessThan(Files.size(file));

        OpenSsh.Result r = sftp(login, "reput resume.bin\n");

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(sha256(remote)).isEqualTo(sha256(file));
    }

    @Test
    void aLinkToEtcCannotBeReadListedIntoOrWrittenThrough() throws Exception {
        UUID s = f.server("hostile");
        String login = f.user(s, "admin").loginName();
        Files.createSymbolicLink(f.root(s).resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(f.root(s).resolve("passwd"), Path.of("/etc/passwd"));
        Files.writeString(work.resolve("evil.txt"), "evil");

        OpenSsh.Result read = sftp(login, "get passwd stolen-passwd\n");
        OpenSsh.Result readInto = sftp(login, "get etc/hostname stolen-hostname\n");
        OpenSsh.Result list = sftp(login, "ls -1 etc/\n");
        OpenSsh.Result cd = sftp(login, "cd etc\nls -1\n");
        OpenSsh.Result write = sftp(login, "put evil.txt etc/raptor-evil.txt\n");
        OpenSsh.Result overwrite = sftp(login, "put evil.txt passwd\n");
        OpenSsh.Result chmod = sftp(login, "chmod 777 passwd\n");

        assertThat(List.of(read, readInto, cd, write, overwrite, chmod)).allSatisfy(r ->
                assertThat(r.exit()).as(r.output()).isNotZero());
        // listing the link names the link itself and nothing of what it points to
        assertThat(list.lines()).allSatisfy(l -> assertThat(l).startsWith("etc"));
        assertThat(Files.exists(work.resolve("stolen-passwd"))).isFalse();
        assertThat(Files.exists(work.resolve("stolen-hostname"))).isFalse();
        assertThat(list.output()).doesNotContain("hostname").doesNotContain("passwd");
        assertThat(Files.exists(Path.of("/etc/raptor-evil.txt"))).isFalse();
        assertThat(Files.isSymbolicLink(f.root(s).resolve("passwd"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/etc/passwd")))).isEqualTo("rw-r--r--");
        // the links are listed, as links
        OpenSsh.Result ls = sftp(login, "ls -l\n");
        assertThat(ls.lines()).anySatisfy(l -> assertThat(l).startsWith("l").endsWith("etc"));
    }

    @Test
    void anUploadPastTheQuotaFailsAndWritesNothingBeyondTheLimit() throws Exception {
        UUID s = f.server("quota");
        f.quota(s, 4L << 20);
        f.volumes.files(s, f.policies.get(s));
        f.volumes.diskUsage().requestScan(s).join();
        String login = f.user(s, "admin").loginName();
        randomFile("too-big.bin", "8M");

        OpenSsh.Result r = sftp(login, "put too-big.bin\n");

        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("too-big.bin");
        assertThat(Files.size(f.root(s).resolve("too-big.bin"))).isLessThanOrEqualTo(4L << 20);
    }

    @Test
    void aReadOnlyUserCannotChangeAnything() throws Exception {
        UUID s = f.server("readonly");
        Files.writeString(f.root(s).resolve("keep.txt"), "keep");
        String login = f.user(s, "viewer", List.of(), Set.of(SftpPermission.READ), null, true).loginName();
        Files.writeString(work.resolve("x.txt"), "x");

        OpenSsh.Result get = sftp(login, "get keep.txt viewer-copy.txt\n");
        OpenSsh.Result put = sftp(login, "put x.txt\n");
        OpenSsh.Result rm = sftp(login, "rm keep.txt\n");

        assertThat(get.exit()).as(get.output()).isZero();
        assertThat(put.exit()).isNotZero();
        assertThat(rm.exit()).isNotZero();
        assertThat(Files.readString(f.root(s).resolve("keep.txt"))).isEqualTo("keep");
        assertThat(Files.exists(f.root(s).resolve("x.txt"))).isFalse();
    }

    /**
     * The {@code ssh} process under an interactive {@code sftp}: it holds the connection and exits when the server
     * closes it (the {@code sftp} above it only notices at its next command).
     */
    private static ProcessHandle connection(Process sftp) {
        return await().atMost(Duration.ofMinutes(1)).until(() -> sftp.descendants()
                .filter(h -> h.info().command().orElse("").endsWith("/ssh")).findFirst(), java.util.Optional::isPresent).orElseThrow();
    }

    @Test
    void deletingAUserEndsItsOpenSessionWithoutWaitingForItsIdleTimeout() throws Exception {
        UUID s = f.server("ended");
        String login = f.user(s, "admin").loginName();
        Process p = OpenSsh.startSftp(f.port(), login, Fixture.PASSWORD, work);
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.sessions.count(s) == 1);
            ProcessHandle ssh = connection(p);

            f.store.sftpUsers().remove(s, "admin");

            // the delete ends the session, not the 30-minute idle timeout: a hang deadline far below that tells them apart
            await().atMost(Duration.ofMinutes(1)).until(() -> f.sessions.count(s) == 0 && !ssh.isAlive());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void deletingTheServerEndsItsUsersSessions() throws Exception {
        UUID s = f.server("gone");
        String login = f.user(s, "admin").loginName();
        Process p = OpenSsh.startSftp(f.port(), login, Fixture.PASSWORD, work);
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.sessions.count(s) == 1);
            ProcessHandle ssh = connection(p);

            f.store.delete(s);

            await().atMost(Duration.ofSeconds(30)).until(() -> !ssh.isAlive());
            assertThat(f.sessions.count(s)).isZero();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void lockedFilesEndOpenSessionsAndRefuseLoginsUntilTheLockIsReleased() throws Exception {
        UUID s = f.server("restoring");
        String login = f.user(s, "admin").loginName();
        Process p = OpenSsh.startSftp(f.port(), login, Fixture.PASSWORD, work);
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> f.sessions.count(s) == 1);
            ProcessHandle ssh = connection(p);

            try (var lock = f.volumes.locks().lock(s, "restoring a backup")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !ssh.isAlive());
                assertThat(sftp(login, "ls\n").exit()).isNotZero();
            }
            assertThat(sftp(login, "ls\n").exit()).isZero();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void onlyTheSftpSubsystemIsServed() throws Exception {
        UUID s = f.server("noshell");
        String login = f.user(s, "admin").loginName();

        OpenSsh.Result exec = OpenSsh.ssh(f.port(), login, Fixture.PASSWORD, List.of("echo", "pwned"));
        OpenSsh.Result forward = OpenSsh.ssh(f.port(), login, Fixture.PASSWORD,
                List.of("-o", "ExitOnForwardFailure=yes", "-N", "-R", "0:127.0.0.1:9"));
        OpenSsh.Result weakCipher = OpenSsh.ssh(f.port(), login, Fixture.PASSWORD, List.of("-o", "Ciphers=aes128-cbc", "true"));
        OpenSsh.Result weakKex = OpenSsh.ssh(f.port(), login, Fixture.PASSWORD,
                List.of("-o", "KexAlgorithms=diffie-hellman-group14-sha1", "true"));

        assertThat(exec.exit()).isNotZero();
        assertThat(exec.output()).doesNotContain("pwned");
        assertThat(forward.exit()).isNotZero();
        assertThat(weakCipher.exit()).isNotZero();
        assertThat(weakKex.exit()).isNotZero();
    }

    @Test
    void theHostKeyIsTheSameAfterARestart() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("restart"));
        Path known = tmp.resolve("known_hosts");
        String first;
        try (Fixture a = new Fixture(data)) {
            UUID s = a.server("r");
            String login = a.user(s, "admin").loginName();
            first = a.sftp.hostKey().fingerprint();
            List<String> cmd = new java.util.ArrayList<>(List.of("sshpass", "-e", "sftp"));
            cmd.addAll(OpenSsh.common(a.port(), known));
            cmd.addAll(List.of("-o", "PreferredAuthentications=password", "-b", "-", login + "@127.0.0.1"));
            assertThat(OpenSsh.run(cmd, Fixture.PASSWORD, "ls\n", work).exit()).isZero();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("sftp_host_ed25519_key"),
                LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-------");
        try (Fixture b = new Fixture(data)) {
            assertThat(b.sftp.hostKey().fingerprint()).isEqualTo(first);
            assertThat(b.sftp.hostKey().generated()).isFalse();
        }
    }
}
