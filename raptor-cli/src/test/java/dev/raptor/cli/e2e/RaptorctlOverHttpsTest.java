package dev.raptor.cli.e2e;

import dev.raptor.core.testing.TestCertificates;
import dev.raptor.daemon.launch.DaemonProcess;
import dev.raptor.daemon.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * raptorctl against a daemon that serves HTTPS with a certificate of its own CA (made by the test with openssl), as
 * an operator reaches a node on the internet: the CA given with {@code --ca} or {@code RAPTOR_CA}, the credential
 * with {@code --api-key}. The daemon runs on the process runtime: nothing here needs the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RaptorctlOverHttpsTest {
    private DaemonProcess daemon;
    private TestCertificates.Ca ca;
    private final String key = "test-" + HexFormat.of().formatHex(randomBytes(24));

    @BeforeAll
    void bootDaemon(@TempDir Path dir) {
        ca = TestCertificates.ca(dir.resolve("ca"), "ca");
        TestCertificates.Server cert = ca.server("node", "ec");
        daemon = TestDaemon.launch(dir, "raptord", Map.of(
                "RAPTOR_DATA_DIR", dir.resolve("data").toString(),
                "RAPTOR_SOCKET", dir.resolve("raptor.sock").toString(),
                "RAPTOR_HTTP_ADDR", "127.0.0.1:" + DaemonProcess.freePort(),
                "RAPTOR_API_KEY", key,
                "RAPTOR_RUNTIME", "process",
                "RAPTOR_TLS_CERT", cert.certificate().toString(),
                "RAPTOR_TLS_KEY", cert.key().toString()), List.of());
        TestDaemon.awaitHealthy(daemon);
    }

    @AfterAll
    void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private String https() {
        return "https://127.0.0.1:" + daemon.port();
    }

    @Test
    void theCaGivenWithTheFlagLetsRaptorctlTalkHttpsToTheDaemon() {
        Raptorctl.Result r = Raptorctl.withEnv(Map.of()).run("--host", https(), "--ca", ca.certificate().toString(),
                "--api-key", key, "ps", "-a", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().isArray()).as(r.toString()).isTrue();
    }

    @Test
    void theCaAndTheHostCanComeFromTheEnvironment() {
        Raptorctl.Result r = Raptorctl.withEnv(Map.of("RAPTOR_HOST", https(), "RAPTOR_CA", ca.certificate().toString(),
                "RAPTOR_API_KEY", key)).run("system", "info");

        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void withoutTheCaTheDaemonsCertificateIsNotTrustedAndNothingIsSent() {
        Raptorctl.Result r = Raptorctl.withEnv(Map.of()).run("--host", https(), "--api-key", key, "ps", "-a");

        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.out()).as(r.toString()).isEmpty();
    }

    @Test
    void aCaFileThatIsNotThereIsAUsageErrorNamingIt() {
        Raptorctl.Result r = Raptorctl.withEnv(Map.of()).run("--host", https(), "--ca", "/nonexistent/ca.pem", "--api-key", key, "ps");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--ca '/nonexistent/ca.pem'");
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
