package dev.raptor.sftp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * curl as an FTP and an explicit-FTPS client ({@code --ftp-ssl-reqd -k}) against Raptor's FTP server: the same
 * users, the same jail, the same quota as SFTP. Every case runs over both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CurlFtpTest {
    private Path tmp;
    private Fixture f;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        f = new Fixture(Files.createDirectories(dir.resolve("data")));
    }

    @AfterAll
    void stop() throws IOException {
        f.close();
    }

    /** curl with the credentials on its standard input (never on a command line), FTPS when asked. */
    private OpenSsh.Result curl(boolean tls, String login, String password, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "120", "-K", "-"));
        if (tls) {
            cmd.addAll(List.of("--ftp-ssl-reqd", "-k"));
        }
        cmd.addAll(List.of(args));
        String config = "user = \"" + login + ":" + password + "\"\n";
        return OpenSsh.run(cmd, null, config, tmp);
    }

    private String url(String path) {
        return "ftp://127.0.0.1:" + f.ftpPort() + path;
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void uploadDownloadListAndDelete(boolean tls) throws Exception {
        UUID s = f.server("ftp-" + tls);
        String login = f.user(s, "admin").loginName();
        Path local = Files.writeString(tmp.resolve("up-" + tls + ".txt"), "hello over ftp " + tls);

        OpenSsh.Result up = curl(tls, login, Fixture.PASSWORD, "--ftp-create-dirs", "-T", local.toString(), url("/plugins/up.txt"));
        OpenSsh.Result down = curl(tls, login, Fixture.PASSWORD, "-o", tmp.resolve("down-" + tls + ".txt").toString(), url("/plugins/up.txt"));
        OpenSsh.Result list = curl(tls, login, Fixture.PASSWORD, "--list-only", url("/plugins/"));
        OpenSsh.Result delete = curl(tls, login, Fixture.PASSWORD, "-Q", "DELE /plugins/up.txt", url("/"));

        assertThat(up.exit()).as(up.output()).isZero();
        assertThat(down.exit()).as(down.output()).isZero();
        assertThat(Files.readString(tmp.resolve("down-" + tls + ".txt"))).isEqualTo("hello over ftp " + tls);
        assertThat(list.output().lines().toList()).containsExactly("up.txt");
        assertThat(delete.exit()).as(delete.output()).isZero();
        assertThat(Files.exists(f.root(s).resolve("plugins/up.txt"))).isFalse();
        assertThat(f.store.activity(s, Long.MAX_VALUE, 20)).filteredOn(a -> a.type().equals("sftp.upload"))
                .allSatisfy(a -> assertThat(a.details()).containsEntry("protocol", "ftp"));
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aWrongPasswordIsRefused(boolean tls) throws Exception {
        UUID s = f.server("ftp-wrong-" + tls);
        String login = f.user(s, "admin").loginName();

        OpenSsh.Result r = curl(tls, login, "not the password", "--list-only", url("/"));

        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("530");
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aLinkToEtcCannotBeReadListedIntoOrWrittenThrough(boolean tls) throws Exception {
        UUID s = f.server("ftp-links-" + tls);
        String login = f.user(s, "admin").loginName();
        Files.createSymbolicLink(f.root(s).resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(f.root(s).resolve("passwd"), Path.of("/etc/passwd"));
        Path evil = Files.writeString(tmp.resolve("evil-" + tls + ".txt"), "evil");

        OpenSsh.Result read = curl(tls, login, Fixture.PASSWORD, "-o", tmp.resolve("stolen-" + tls).toString(), url("/passwd"));
        OpenSsh.Result readInto = curl(tls, login, Fixture.PASSWORD, "-o", tmp.resolve("stolen2-" + tls).toString(), url("/etc/hostname"));
        OpenSsh.Result list = curl(tls, login, Fixture.PASSWORD, "--list-only", url("/etc/"));
        OpenSsh.Result write = curl(tls, login, Fixture.PASSWORD, "-T", evil.toString(), url("/etc/raptor-evil.txt"));
        OpenSsh.Result over = curl(tls, login, Fixture.PASSWORD, "-T", evil.toString(), url("/passwd"));

        assertThat(List.of(read, readInto, list, write, over)).allSatisfy(r -> assertThat(r.exit()).as(r.output()).isNotZero());
        assertThat(tmp.resolve("stolen-" + tls)).doesNotExist();
        assertThat(list.output()).doesNotContain("passwd").doesNotContain("hostname");
        assertThat(Path.of("/etc/raptor-evil.txt")).doesNotExist();
        assertThat(Files.isSymbolicLink(f.root(s).resolve("passwd"))).isTrue();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void anUploadPastTheQuotaFailsAndWritesNothingBeyondTheLimit(boolean tls) throws Exception {
        UUID s = f.server("ftp-quota-" + tls);
        f.quota(s, 1 << 20);
        f.volumes.files(s, f.policies.get(s));
        f.volumes.diskUsage().requestScan(s).join();
        String login = f.user(s, "admin").loginName();
        Path big = tmp.resolve("big-" + tls + ".bin");
        Files.write(big, new byte[3 << 20]);

        OpenSsh.Result r = curl(tls, login, Fixture.PASSWORD, "-T", big.toString(), url("/big.bin"));

        assertThat(r.exit()).isNotZero();
        assertThat(Files.size(f.root(s).resolve("big.bin"))).isLessThanOrEqualTo(1 << 20);
    }
}
