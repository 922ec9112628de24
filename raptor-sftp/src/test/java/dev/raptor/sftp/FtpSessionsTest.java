package dev.raptor.sftp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

    /** A logged-in FTP control connection, spoken by hand. */
    private static final class Control implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        final OutputStream out;

        Control(int port, String login, String password) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) HANG.toMillis());
            socket.setSoTimeout((int) HANG.toMillis());
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
            assertThat(reply()).startsWith("220");
            assertThat(send("USER " + login)).startsWith("331");
            assertThat(send("PASS " + password)).startsWith("230");
        }

        /** The last line of the next reply (multi-line replies end with "nnn "); null at the end of the stream. */
        String reply() throws IOException {
            String line = in.readLine();
            while (line != null && !(line.length() >= 4 && Character.isDigit(line.charAt(0)) && line.charAt(3) == ' ')) {
                line = in.readLine();
            }
            return line;
        }

        String send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        /** Whether the server has closed the connection: a read answers its end (or a reset), not a timeout. */
        boolean closedByServer() {
            try {
                return in.read() == -1;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void deletingAUserEndsItsOpenFtpSessionAtOnce() throws Exception {
        UUID s = f.server("ftp-ended");
        String login = f.user(s, "admin").loginName();
        f.user(s, "other");
        try (Control mine = new Control(f.ftpPort(), login, Fixture.PASSWORD);
             Control theirs = new Control(f.ftpPort(), "other." + login.substring(login.indexOf('.') + 1), Fixture.PASSWORD)) {
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
        try (Control c = new Control(f.ftpPort(), login, Fixture.PASSWORD)) {
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
        try (Control c = new Control(f.ftpPort(), login, Fixture.PASSWORD)) {
            assertThat(c.send("TYPE I")).startsWith("200");
            Matcher pasv = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)").matcher(c.send("PASV"));
            assertThat(pasv.find()).isTrue();
            int dataPort = Integer.parseInt(pasv.group(5)) * 256 + Integer.parseInt(pasv.group(6));
            try (Socket data = new Socket("127.0.0.1", dataPort)) {
                c.out.write("STOR big.bin\r\n".getBytes(StandardCharsets.US_ASCII));
                c.out.flush();
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
