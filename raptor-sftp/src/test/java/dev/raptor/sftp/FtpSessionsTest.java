package dev.raptor.sftp;

import dev.raptor.sftp.testing.FtpControl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An FTP session lives only as long as its user and server: deleting either ends it at once, over a raw FTP control
 * connection (what every FTP client holds open between commands), including a transfer under way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FtpSessionsTest {
    private static final Duration HANG = Duration.ofSeconds(30);
    private Fixture f;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        f = new Fixture(Files.createDirectories(dir.resolve("data")));
    }

    @AfterAll
    void stop() throws IOException {
        f.close();
    }

    /** A control connection logged in as {@code login}. */
    private FtpControl loggedIn(String login, String password) throws IOException {
        FtpControl c = new FtpControl(f.ftpPort(), HANG);
        assertThat(c.login(login, password)).startsWith("230");
        return c;
    }

    @Test
    void deletingAUserEndsItsOpenFtpSessionAtOnce() throws Exception {
        UUID s = f.server("ftp-ended");
        String login = f.user(s, "admin").loginName();
        f.user(s, "other");
        try (FtpControl mine = loggedIn(login, Fixture.PASSWORD);
             FtpControl theirs = loggedIn("other." + login.substring(login.indexOf('.') + 1), Fixture.PASSWORD)) {
            assertThat(mine.send("PWD")).startsWith("257");
            await().atMost(HANG).until(() -> f.sessions.count(s) == 2);

            f.store.sftpUsers().remove(s, "admin");

            await().atMost(HANG).until(mine::closedByServer);
            await().atMost(HANG).until(() -> f.sessions.count(s) == 1);
            assertThat(theirs.send("PWD")).as("another user's session goes on").startsWith("257");
        }
    }

    @Test
    void deletingTheServerEndsItsUsersFtpSessions() throws Exception {
        UUID s = f.server("ftp-gone");
        String login = f.user(s, "admin").loginName();
        try (FtpControl c = loggedIn(login, Fixture.PASSWORD)) {
            await().atMost(HANG).until(() -> f.sessions.count(s) == 1);

            f.store.delete(s);

            await().atMost(HANG).until(c::closedByServer);
            assertThat(f.sessions.count(s)).isZero();
        }
    }

    @Test
    void anUploadUnderWayStopsWhenItsUserIsDeleted() throws Exception {
        UUID s = f.server("ftp-cut");
        String login = f.user(s, "admin").loginName();
        try (FtpControl c = loggedIn(login, Fixture.PASSWORD)) {
            assertThat(c.send("TYPE I")).startsWith("200");
            Matcher pasv = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(c.send("PASV"));
            assertThat(pasv.find()).isTrue();
            int dataPort = Integer.parseInt(pasv.group(5)) * 256 + Integer.parseInt(pasv.group(6));
            try (Socket data = new Socket("127.0.0.1", dataPort)) {
                c.write("STOR big.bin");
                assertThat(c.reply()).startsWith("150");
                byte[] chunk = new byte[64 << 10];
                OutputStream up = data.getOutputStream();
                up.write(chunk);
                up.flush();
                Path file = f.root(s).resolve("big.bin");
                await().atMost(HANG).until(() -> Files.exists(file) && Files.size(file) > 0);

                f.store.sftpUsers().remove(s, "admin");
                await().atMost(HANG).until(c::closedByServer);

                // the data connection was closed with the session: writing to it fails long before 256 MiB went
                long sent = 0;
                IOException failed = null;
                while (failed == null && sent < (256L << 20)) {
                    try {
                        up.write(chunk);
                        sent += chunk.length;
                    } catch (IOException e) {
                        failed = e;
                    }
                }
                assertThat(failed).as("the upload was still accepted after " + sent + " bytes").isNotNull();
                long size = Files.size(file);
                assertThat(size).isLessThanOrEqualTo(chunk.length + sent);
                await().during(Duration.ofMillis(500)).atMost(HANG).until(() -> Files.size(file) == size);
            }
        }
    }
}
