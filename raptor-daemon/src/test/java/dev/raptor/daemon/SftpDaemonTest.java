package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import dev.raptor.wire.activity.ActivityEntryDocument;
import dev.raptor.wire.client.RaptorClient;
import dev.raptor.wire.server.ServerSpecDocument;
import dev.raptor.wire.sftp.SftpUserDocument;
import dev.raptor.wire.sftp.SftpUserRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * raptord serves SFTP from boot: a user made over the API logs in with OpenSSH's {@code sftp} and reaches its
 * server's volume; the boot summary says where SFTP listens and its host key; SIGTERM ends it with the daemon.
 */
class SftpDaemonTest {
    @TempDir
    Path tmp;

    private DaemonProcess d;

    @AfterEach
    void stop() {
        if (d != null) {
            d.close();
        }
    }

    @Test
    void aUserMadeOverTheApiLogsInWithOpenSshSftp() throws Exception {
        int sftpPort = DaemonProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", tmp.resolve("data").toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:" + sftpPort);
        env.put("RAPTOR_SOCKET", tmp.resolve("raptor.sock").toString());
        env.put("RAPTOR_API_KEY", "sftp-daemon-test-key-0123456789");
        env.put("RAPTOR_RUNTIME", "docker");
        env.put("RAPTOR_NODE", "sftp-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("DOCKER_HOST", TestDaemon.dockerHost());
        d = TestDaemon.launch(tmp, "sftp", env, List.of());
        TestDaemon.awaitHealthy(d);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.output().contains("raptord ") && d.output().contains("  files:"));
        assertThat(d.output()).contains("files:    sftp://127.0.0.1:" + sftpPort).contains("SFTP host key SHA256:");

        RaptorClient api = d.client();
        String id = api.servers().create(new ServerSpecDocument(null, "sftp-daemon", "raptor-test/gameserver:1", null, null, null,
                null, null, null, null, null, null, null, null, null, null, null)).spec().id().toString();
        SftpUserDocument user = api.server(id).addSftpUser(new SftpUserRequest("admin", "correct horse battery staple", null, null,
                null));
        Path volume = tmp.resolve("data/volumes/" + id);
        Files.createDirectories(volume);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("hello.txt"), "hello from sftp");

        ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=password", "-P", Integer.toString(sftpPort), "-b", "-",
                user.login() + "@127.0.0.1")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("sftp.out").toFile());
        pb.environment().put("SSHPASS", "correct horse battery staple");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write("put hello.txt\nls -1\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(tmp.resolve("sftp.out"));
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("hello.txt");
        assertThat(Files.readString(volume.resolve("hello.txt"))).isEqualTo("hello from sftp");
        assertThat(api.server(id).activity(100).entries()).extracting(ActivityEntryDocument::type)
                .contains("sftp.login", "sftp.upload");

        // a wrong password is refused, counted, and the deep health's sftp check connects to the listener
        ProcessBuilder wrong = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1", "-P", Integer.toString(sftpPort),
                "-b", "/dev/null", user.login() + "@127.0.0.1").redirectErrorStream(true).redirectOutput(tmp.resolve("wrong.out").toFile());
        wrong.environment().put("SSHPASS", "not the password");
        Process w = wrong.start();
        assertThat(w.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(w.exitValue()).as(Files.readString(tmp.resolve("wrong.out"))).isNotZero();
        String metrics = DaemonRequests.request(d, "GET", "/metrics", null).body();
        assertThat(metrics).contains("raptor_file_transfer_sessions ");
        assertThat(sample(metrics, "raptor_auth_failures_total{transport=\"sftp\"}"))
                .as(Files.readString(tmp.resolve("wrong.out"))).isGreaterThanOrEqualTo(1.0);
        JsonNode health = DaemonRequests.json(d, "GET", "/api/v1/health?deep=true", null, 200);
        JsonNode sftpCheck = null;
        for (JsonNode c : health.get("checks")) {
            if (c.get("name").asText().equals("sftp")) {
                sftpCheck = c;
            }
        }
        assertThat(sftpCheck).as(health.toString()).isNotNull();
        assertThat(sftpCheck.get("status").asText()).isEqualTo("healthy");
        assertThat(sftpCheck.get("detail").asText()).isEqualTo("sftp answers on 127.0.0.1:" + sftpPort);

        assertThat(api.server(id).delete(true).status()).isEqualTo("done");
        assertThat(d.terminate(Duration.ofSeconds(60))).isEqualTo(143);
    }

    /** The value of one series (name and labels as exposed) in Prometheus text. */
    private static double sample(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not exposed"));
    }
}
