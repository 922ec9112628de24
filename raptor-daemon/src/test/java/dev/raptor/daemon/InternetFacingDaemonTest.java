package dev.raptor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.core.testing.TestCertificates;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * raptord run as an operator runs it on the internet: HTTPS from PEM files given in the environment, a key that is not
 * its certificate's refused at boot, the server-token secret rotated under a running daemon with
 * {@code raptord key rotate --tokens}, and no secret anywhere it writes or answers (logs at debug, the state export,
 * activity, every answer the test receives).
 */
class InternetFacingDaemonTest {
    private static final Duration COMMAND = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    final List<DaemonProcess> daemons = new ArrayList<>();
    final String key = ApiKey.generate();

    @AfterEach
    void stopDaemons() {
        daemons.forEach(DaemonProcess::close);
    }

    private Map<String, String> env(Path data) {
        Map<String, String> env = new HashMap<>();
        env.put("RAPTOR_DATA_DIR", data.toString());
        env.put("RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort());
        env.put("RAPTOR_SOCKET", tmp.resolve(data.getFileName() + ".sock").toString());
        env.put("RAPTOR_API_KEY", key);
        env.put("RAPTOR_RUNTIME", "process");
        return env;
    }

    private DaemonProcess boot(Map<String, String> env, String name) {
        DaemonProcess d = TestDaemon.launch(tmp, name, env, List.of());
        daemons.add(d);
        TestDaemon.awaitHealthy(d);
        return d;
    }

    private TestDaemon.Finished raptord(Map<String, String> env, String name, String... args) {
        return TestDaemon.run(tmp, name, env, List.of(args), COMMAND);
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(String.join(" ", command) + " hung").isTrue();
        return p.exitValue() + "\n" + out;
    }

    private static String token(DaemonProcess d, String server, String permissions) {
        return DaemonRequests.json(d, "POST", "/api/v1/servers/" + server + "/tokens", "{\"permissions\": " + permissions + ", \"expiresIn\": 600}", 201)
                .get("token").asText();
    }

    private static int status(DaemonProcess d, String path, String credential) {
        return DaemonRequests.request(d, "GET", path, null, credential).statusCode();
    }

    private static String createServer(DaemonProcess d) {
        return DaemonRequests.json(d, "POST", "/api/v1/servers", """
                {"name": "internet", "startup": "echo Done!; exec sleep 600", "readyPattern": "Done!"}""", 201).get("id").asText();
    }

    // ------------------------------------------------------------------ TLS

    @Test
    void pemFilesGivenInTheEnvironmentServeHttpsAndHttp2AndTheBootSummarySaysSo() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca(tmp.resolve("ca"), "ca");
        TestCertificates.Server cert = ca.server("node", "ec");
        Map<String, String> env = env(tmp.resolve("data"));
        env.put("RAPTOR_TLS_CERT", cert.certificate().toString());
        env.put("RAPTOR_TLS_KEY", cert.key().toString());

        DaemonProcess d = boot(env, "tls");

        String curl = run(tmp, "curl", "-sS", "--max-time", "60", "--http2", "--cacert", ca.certificate().toString(),
                "-H", "Authorization: Bearer " + key, "-o", "/dev/null", "-w", "%{http_version} %{http_code}", d.baseUrl() + "/system");
        assertThat(curl).isEqualTo("0\n2 200");
        assertThat(d.output()).contains("API:      " + d.baseUrl())
                .contains("(certificate " + cert.certificate() + ", reloaded when it changes)");
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsBootNamingBothFiles() {
        TestCertificates.Ca ca = TestCertificates.ca(tmp.resolve("ca"), "ca");
        TestCertificates.Server a = ca.server("a", "ec");
        TestCertificates.Server b = ca.server("b", "rsa");
        Map<String, String> env = env(tmp.resolve("data"));
        env.put("RAPTOR_TLS_CERT", a.certificate().toString());
        env.put("RAPTOR_TLS_KEY", b.key().toString());

        TestDaemon.Finished r = raptord(env, "mismatch");

        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(r.stderr()).contains("RAPTOR_TLS_CERT and RAPTOR_TLS_KEY").contains("the key " + b.key())
                .contains("does not match the certificate " + a.certificate());
    }

    @Test
    void helpNamesTheInternetFacingSettingsAndTheTokenRotation() {
        TestDaemon.Finished r = raptord(env(tmp.resolve("data")), "help", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("tls.cert / RAPTOR_TLS_CERT", "tls.key / RAPTOR_TLS_KEY", "allowedOrigins / RAPTOR_ALLOWED_ORIGINS",
                "trustedProxies / RAPTOR_TRUSTED_PROXIES", "authFailures.limit / RAPTOR_AUTH_FAILURE_LIMIT",
                "key rotate --tokens [--grace SECONDS]", "Running Raptor on the internet");
    }

    // ------------------------------------------------------------------ token rotation

    @Test
    void aRunningDaemonAcceptsTokensOfTheRotatedSecretForTheGraceAndRefusesThemWhenItEnds() throws Exception {
        Map<String, String> env = env(tmp.resolve("data"));
        DaemonProcess d = boot(env, "rotation");
        String server = createServer(d);
        String activity = "/api/v1/servers/" + server + "/activity";
        String before = token(d, server, "[\"console.read\"]");
        assertThat(status(d, activity, before)).isEqualTo(200);

        TestDaemon.Finished rotated = raptord(env, "rotate", "key", "rotate", "--tokens");

        assertThat(rotated.exitCode()).as(rotated.stderr()).isZero();
        assertThat(rotated.stdout()).as("nothing secret is printed").isEmpty();
        assertThat(rotated.stderr()).contains("accepted until");
        assertThat(status(d, activity, before)).as("a token of the previous secret, within the grace").isEqualTo(200);
        String after = token(d, server, "[\"console.read\"]");
        assertThat(status(d, activity, after)).isEqualTo(200);

        TestDaemon.Finished leaked = raptord(env, "rotate-leaked", "key", "rotate", "--tokens", "--grace", "0");

        assertThat(leaked.exitCode()).as(leaked.stderr()).isZero();
        assertThat(status(d, activity, after)).as("the previous secret's tokens, its grace over").isEqualTo(401);
        assertThat(status(d, activity, before)).as("a secret two rotations old").isEqualTo(401);
        assertThat(status(d, activity, token(d, server, "[\"console.read\"]"))).isEqualTo(200);
    }

    @Test
    void keyRotateTokensWithABadGraceIsAUsageError() {
        TestDaemon.Finished r = raptord(env(tmp.resolve("data")), "bad-grace", "key", "rotate", "--tokens", "--grace", "forever");

        assertThat(r.exitCode()).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(r.stderr()).contains("key rotate --tokens [--grace SECONDS]");
    }

    // ------------------------------------------------------------------ secrets

    @Test
    void noSecretAppearsInTheLogsTheExportActivityOrAnyAnswer() throws Exception {
        TestCertificates.Ca ca = TestCertificates.ca(tmp.resolve("ca"), "ca");
        TestCertificates.Server cert = ca.server("node", "rsa");
        Path data = tmp.resolve("data");
        Map<String, String> env = env(data);
        env.put("RAPTOR_TLS_CERT", cert.certificate().toString());
        env.put("RAPTOR_TLS_KEY", cert.key().toString());
        env.put("RAPTOR_LOG_LEVEL", "DEBUG"); // refusal reasons are logged at debug: they must name no secret either
        int sftpPort = DaemonProcess.freePort();
        env.put("RAPTOR_SFTP_ADDR", "127.0.0.1:" + sftpPort);
        DaemonProcess d = boot(env, "secrets");
        StringBuilder answers = new StringBuilder();

        String server = createServer(d);
        String password = "sftp-password-" + ApiKey.generate();
        String newPassword = "sftp-password-" + ApiKey.generate();
        JsonNode user = DaemonRequests.json(d, "POST", "/api/v1/servers/" + server + "/sftp-users",
                "{\"username\": \"admin\", \"password\": \"" + password + "\"}", 201);
        answers.append(user);
        String filesToken = token(d, server, "[\"files.write\", \"console.read\"]");
        answers.append(DaemonRequests.request(d, "PUT", "/api/v1/servers/" + server + "/sftp-users/admin/password",
                "{\"password\": \"" + newPassword + "\"}", filesToken).body());
        String tampered = filesToken.substring(0, filesToken.length() - 4) + "AAAA";
        answers.append(DaemonRequests.request(d, "GET", "/api/v1/servers/" + server + "/activity", null, tampered).body());
        answers.append(DaemonRequests.request(d, "GET", "/api/v1/servers", null, key + "x").body());
        answers.append(DaemonRequests.request(d, "GET", "/api/v1/servers", null, password).body());
        TestDaemon.Finished rotated = raptord(env, "rotate", "key", "rotate", "--tokens");
        assertThat(rotated.exitCode()).as(rotated.stderr()).isZero();
        String secondToken = token(d, server, "[\"console.read\"]");
        answers.append(DaemonRequests.request(d, "GET", "/api/v1/servers/" + server + "/activity", null, secondToken).body());
        // A login with the old password (refused) and the new one (served), as OpenSSH's sftp does it.
        Files.createDirectories(data.resolve("volumes/" + server));
        for (String pw : List.of(password, newPassword)) {
            ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "sftp", "-o", "BatchMode=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=password",
                    "-o", "NumberOfPasswordPrompts=1", "-P", Integer.toString(sftpPort), "-b", "-", user.get("login").asText() + "@127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("sftp.out").toFile());
            pb.environment().put("SSHPASS", pw);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write("ls\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(pw == password ? "the old password" : "the new password " + Files.readString(tmp.resolve("sftp.out")))
                    .matches(code -> pw == password ? code != 0 : code == 0);
        }

        String activity = DaemonRequests.json(d, "GET", "/api/v1/servers/" + server + "/activity", null, 200).toString();
        String export = DaemonRequests.json(d, "GET", "/api/v1/state/export", null, 200).toString();
        assertThat(activity).as("the activity the test reads").contains("sftp.login");
        assertThat(export).as("the export the test reads").contains(server);
        assertThat(d.output()).as("debug logging is on").contains("DEBUG");
        assertThat(d.terminate(COMMAND)).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);
        String logs = d.output();

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the API key", key);
        secrets.put("a server token", filesToken);
        secrets.put("a tampered token", tampered);
        secrets.put("the token issued after the rotation", secondToken);
        secrets.put("the first SFTP password", password);
        secrets.put("the new SFTP password", newPassword);
        fragments(secrets, "the token secret", data.resolve("token-secret"));
        fragments(secrets, "the previous token secret", data.resolve("token-secret.previous"));
        fragments(secrets, "the TLS key", cert.key());
        fragments(secrets, "the SFTP host key", data.resolve("sftp_host_ed25519_key"));
        assertThat(secrets).containsKeys("the token secret 1", "the previous token secret 1", "the TLS key 1", "the SFTP host key 1");
        Map<String, String> places = Map.of("the logs", logs, "the state export", export, "the activity", activity,
                "the answers", answers.toString());
        for (Map.Entry<String, String> place : places.entrySet()) {
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                assertThat(place.getValue()).as(secret.getKey() + " in " + place.getKey()).doesNotContain(secret.getValue());
            }
        }
        // the files themselves are the owner's only
        for (String f : List.of("api-key", "token-secret", "token-secret.previous", "sftp_host_ed25519_key")) {
            if (Files.exists(data.resolve(f))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(f)))).as(f).isEqualTo("rw-------");
            }
        }
    }

    /** Every line of {@code file} long enough to be part of a secret (PEM armour and the retirement time left out), named {@code name N}. */
    private static void fragments(Map<String, String> secrets, String name, Path file) throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            String l = line.strip().replaceFirst("^secret=", "");
            if (l.length() >= 24 && !l.startsWith("-----") && !l.startsWith("retires=")) {
                secrets.put(name + " " + ++n, l);
            }
        }
    }

    @Test
    void aTokenSecretOthersCouldReadIsTightenedAtBootAndOneOfAnotherUserIsRefused() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> env = env(data);
        DaemonProcess first = boot(env, "first");
        assertThat(first.terminate(COMMAND)).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);
        Path secret = data.resolve("token-secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

        DaemonProcess second = boot(env, "second");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(second.output()).contains("secrets: tightened the secret " + secret);
        assertThat(second.terminate(COMMAND)).isEqualTo(DaemonLifecycleTest.EXIT_AFTER_SIGTERM);

        Files.setAttribute(secret, "unix:uid", 65534);
        TestDaemon.Finished refused = raptord(env, "foreign-owner");

        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(refused.stderr()).contains(secret + " belongs to uid 65534").contains("chown 0 " + secret);
    }
}
