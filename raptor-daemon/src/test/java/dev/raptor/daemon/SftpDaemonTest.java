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
                null, null, null, null, null, null, null, null, null, null, null, null, null, null)).spec().id().toString();
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
        assertThat(metrics).contains("raptor_file_transfer_sessions{protocol=\"sftp\"} ").doesNotContain("protocol=\"ftp\"");
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

    /**
     * The node has one set of server volumes: SFTP and the file API see the same files, under the same spec's file
     * rules, and bytes written over SFTP count in the quota the file API enforces (a second, separate set would
     * not know of them until its next scan, minutes later).
     */
    @Test
    void sftpAndTheFileApiShareOneVolumeItsFileRulesAndItsQuota() throws Exception {
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
        d = TestDaemon.launch(tmp, "sftp-shared", env, List.of());
        TestDaemon.awaitHealthy(d);

        String id = DaemonRequests.json(d, "POST", "/api/v1/servers", """
                {"name": "sftp-shared", "image": "raptor-test/gameserver:1", "limits": {"diskMiB": 1},
                 "fileRules": {"deny": ["*.secret"], "readOnly": ["/server.jar"]}}""", 201).get("id").asText();
        JsonNode user = DaemonRequests.json(d, "POST", "/api/v1/servers/" + id + "/sftp-users",
                "{\"username\": \"admin\", \"password\": \"correct horse battery staple\"}", 201);
        Path volume = Files.createDirectories(tmp.resolve("data/volumes/" + id));
        Files.writeString(volume.resolve("server.jar"), "the game's jar"); // the game's own files
        Files.writeString(volume.resolve("key.secret"), "hidden");
        // the first measurement of the volume has finished: from now on only writes through Raptor move the figure
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                !DaemonRequests.json(d, "GET", "/api/v1/servers/" + id + "/stats", null, 200).get("disk").get("usedBytes").isNull());
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.write(work.resolve("world.dat"), new byte[700 * 1024]);
        Files.writeString(work.resolve("evil.jar"), "replaced");

        String out = sftp(sftpPort, user.get("login").asText(), work,
                "put world.dat\n-put evil.jar server.jar\n-get key.secret\nls -1\n");

        assertThat(Files.size(volume.resolve("world.dat"))).as(out).isEqualTo(700 * 1024);
        assertThat(Files.readString(volume.resolve("server.jar"))).as("read-only for users, SFTP too").isEqualTo("the game's jar");
        assertThat(work.resolve("key.secret")).as("denied to users, SFTP too: " + out).doesNotExist();
        assertThat(out.substring(out.lastIndexOf("ls -1"))).contains("world.dat").contains("server.jar").doesNotContain("key.secret");
        assertThat(DaemonRequests.json(d, "GET", "/api/v1/servers/" + id + "/files?path=/", null, 200).findValuesAsText("name"))
                .contains("world.dat", "server.jar").doesNotContain("key.secret");
        // 700 KiB over SFTP + 500 KiB over HTTP > 1 MiB: the file API counts what SFTP wrote
        var refused = DaemonRequests.request(d, "PUT", "/api/v1/servers/" + id + "/files/content?path=/more.dat", "x".repeat(500 * 1024));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(507);
        assertThat(refused.body()).contains("quota-exceeded");
        assertThat(volume.resolve("more.dat")).doesNotExist();

        DaemonRequests.json(d, "DELETE", "/api/v1/servers/" + id + "?force=true", null, 200);
    }

    /** Runs OpenSSH's {@code sftp} in batch mode with {@code commands}; its exit must be 0; returns what it printed. */
    private String sftp(int port, String login, Path work, String commands) throws Exception {
        Path log = Files.createTempFile(tmp, "sftp", ".out");
        ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=password", "-P", Integer.toString(port), "-b", "-", login + "@127.0.0.1")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SSHPASS", "correct horse battery staple");
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(commands.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** The value of one series (name and labels as exposed) in Prometheus text. */
    private static double sample(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not exposed"));
    }
}
