package dev.raptor.daemon;

import dev.raptor.sftp.testing.FtpControl;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.sftp.SftpUserDocument;
import dev.raptor.wire.sftp.SftpUserRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * raptord with SFTP and FTP both on: {@code /metrics} counts each protocol's open sessions and refused logins apart
 * ({@code raptor_file_transfer_sessions{protocol}}, {@code raptor_auth_failures_total{transport}}), deleting a
 * user over the API ends its FTP control connection and its SFTP session at once, and an address blocked over FTP
 * counts in FTP's {@code raptor_auth_blocked_addresses} only.
 */
class FileTransferMetricsTest {
    private static final Duration HANG = Duration.ofSeconds(60);
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path tmp;

    private DaemonProcess d;
    private Process sftp;

    @AfterEach
    void stop() {
        if (sftp != null) {
            sftp.descendants().forEach(ProcessHandle::destroyForcibly);
            sftp.destroyForcibly();
        }
        if (d != null) {
            d.close();
        }
    }

    private String metrics() {
        return DaemonRequests.request(d, "GET", "/metrics", null).body();
    }

    private static double sample(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not exposed in\n" + exposition));
    }

    @Test
    void sessionsAndRefusedLoginsAreCountedPerProtocolAndADeletedUserEndsBoth() throws Exception {
        int sftpPort = DaemonProcess.freePort();
        int ftpPort = DaemonProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve("data").toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:" + sftpPort);
        env.put("RAPTOR_FTP_ADDR", "127.0.0.1:" + ftpPort);
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", "ftp-metrics-test-key-0123456789");
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", "ftpm-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("DOCKER_HOST", TestDaemon.dockerHost());
        d = TestDaemon.launch(tmp, "ftp-metrics", env, List.of());
        TestDaemon.awaitHealthy(d);

        RaptorClient api = d.client();
        String id = api.servers().create(new ServerSpecDocument(null, "ftp-metrics", "raptor-test/gameserver:1", null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null)).spec().id().toString();
        Files.createDirectories(tmp.resolve("data/volumes/" + id));
        SftpUserDocument user = api.server(id).addSftpUser(new SftpUserRequest("admin", PASSWORD, null, null, null));
        String before = metrics();
        assertThat(sample(before, "raptor_file_transfer_sessions{protocol=\"sftp\"}")).isZero();
        assertThat(sample(before, "raptor_file_transfer_sessions{protocol=\"ftp\"}")).isZero();
        assertThat(sample(before, "raptor_auth_failures_total{transport=\"ftp\"}")).isZero();
        assertThat(sample(before, "raptor_auth_failures_total{transport=\"sftp\"}")).isZero();

        try (FtpControl refused = new FtpControl(ftpPort, HANG)) {
            assertThat(refused.login(user.login(), "not the password")).startsWith("530");
        }
        String afterRefusal = metrics();
        assertThat(sample(afterRefusal, "raptor_auth_failures_total{transport=\"ftp\"}")).isEqualTo(1.0);
        assertThat(sample(afterRefusal, "raptor_auth_failures_total{transport=\"sftp\"}")).isZero();

        try (FtpControl ftp = new FtpControl(ftpPort, HANG)) {
            assertThat(ftp.login(user.login(), PASSWORD)).startsWith("230");
            ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
                    "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-P", Integer.toString(sftpPort),
                    user.login() + "@127.0.0.1").redirectErrorStream(true).redirectOutput(tmp.resolve("sftp.out").toFile());
            pb.environment().put("SSHPASS", PASSWORD);
            sftp = pb.start(); // its standard input stays open: the session stays up

            await().atMost(HANG).untilAsserted(() -> {
                String m = metrics();
                assertThat(sample(m, "raptor_file_transfer_sessions{protocol=\"sftp\"}")).as(Files.readString(tmp.resolve("sftp.out")))
                        .isEqualTo(1.0);
                assertThat(sample(m, "raptor_file_transfer_sessions{protocol=\"ftp\"}")).isEqualTo(1.0);
            });
            assertThat(ftp.send("PWD")).startsWith("257");
            ProcessHandle ssh = sftp.descendants().filter(h -> h.info().command().orElse("").endsWith("/ssh")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ssh under sftp"));

            api.server(id).deleteSftpUser("admin");

            await().atMost(HANG).until(ftp::closedByServer);
            await().atMost(HANG).until(() -> !ssh.isAlive()); // the server closed the SSH connection
            await().atMost(HANG).untilAsserted(() -> {
                String m = metrics();
                assertThat(sample(m, "raptor_file_transfer_sessions{protocol=\"sftp\"}")).isZero();
                assertThat(sample(m, "raptor_file_transfer_sessions{protocol=\"ftp\"}")).isZero();
            });
        }

        // ten refused FTP logins (ten names: a name backs off after five) block the address over FTP, and only
        // FTP's gauge counts it: each transport has its own guard
        for (int i = 0; i < 10; i++) {
            try (FtpControl refused = new FtpControl(ftpPort, HANG)) {
                assertThat(refused.login("nobody" + i + "." + id.substring(0, 8), "not the password")).startsWith("530");
            }
        }
        String blocked = metrics();
        assertThat(sample(blocked, "raptor_auth_blocked_addresses{transport=\"ftp\"}")).isEqualTo(1.0);
        assertThat(sample(blocked, "raptor_auth_blocked_addresses{transport=\"sftp\"}")).isZero();
        assertThat(d.terminate(Duration.ofSeconds(60))).isEqualTo(143);
    }
}
