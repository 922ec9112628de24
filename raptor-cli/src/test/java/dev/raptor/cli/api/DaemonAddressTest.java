package dev.raptor.cli.api;

import dev.raptor.wire.client.DaemonEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonAddressTest {

    @Test
    void theSocketComesFromTheFlagThenTheEnvironmentThenTheDataDirectory() {
        assertThat(DaemonAddress.socketPath("/f.sock", Map.of("RAPTOR_SOCKET", "/e.sock"))).isEqualTo(Path.of("/f.sock"));
        assertThat(DaemonAddress.socketPath(null, Map.of("RAPTOR_SOCKET", "/e.sock", "RAPTOR_DATA_DIR", "/d")))
                .isEqualTo(Path.of("/e.sock"));
        assertThat(DaemonAddress.socketPath(null, Map.of("RAPTOR_DATA_DIR", "/d"))).isEqualTo(Path.of("/d/raptor.sock"));
        assertThat(DaemonAddress.socketPath(null, Map.of("DAEMON_DATA_DIR", "/legacy"))).isEqualTo(Path.of("/legacy/raptor.sock"));
        assertThat(DaemonAddress.socketPath(null, Map.of())).isEqualTo(Path.of("/var/lib/raptor-daemon/raptor.sock"));
    }

    @Test
    void aHostMeansTcpWithTheApiKey() {
        DaemonAddress a = DaemonAddress.of(null, "10.0.0.5:8080", null, Map.of("RAPTOR_API_KEY", "k"));
        assertThat(a.endpoint()).isInstanceOf(DaemonEndpoint.Http.class);
        assertThat(a.endpoint().describe()).isEqualTo("http://10.0.0.5:8080");
        assertThat(a.credential()).isEqualTo("k");
    }

    @Test
    void aUnixHostIsASocket() {
        DaemonAddress a = DaemonAddress.of(null, "unix:///run/raptor.sock", null, Map.of("RAPTOR_API_KEY", "k"));
        assertThat(a.endpoint()).isEqualTo(new DaemonEndpoint.UnixSocket(Path.of("/run/raptor.sock")));
        assertThat(a.credential()).as("the socket needs no key").isNull();
    }

    @Test
    void anExplicitSocketBeatsAHostFromTheEnvironment() {
        DaemonAddress a = DaemonAddress.of("/s.sock", null, null, Map.of("RAPTOR_HOST", "http://x:1"));
        assertThat(a.endpoint()).isInstanceOf(DaemonEndpoint.UnixSocket.class);
    }

    @Test
    void theCaComesFromTheFlagThenTheEnvironment(@TempDir Path dir) throws Exception {
        Path flag = Files.writeString(dir.resolve("flag.pem"), "");
        Path fromEnv = Files.writeString(dir.resolve("env.pem"), "");
        Map<String, String> env = Map.of("RAPTOR_CA", fromEnv.toString());

        assertThat(DaemonAddress.of(null, "https://x:1", null, flag.toString(), env).ca()).isEqualTo(flag);
        assertThat(DaemonAddress.of(null, "https://x:1", null, null, env).ca()).isEqualTo(fromEnv);
        assertThat(DaemonAddress.of(null, "https://x:1", null, null, Map.of()).ca()).as("the JDK's public CAs").isNull();
    }

    @Test
    void aCaFileThatIsNotThereIsRefusedNamingIt() {
        assertThatThrownBy(() -> DaemonAddress.of(null, "https://x:1", null, "/nonexistent/ca.pem", Map.of()))
                .hasMessageContaining("--ca '/nonexistent/ca.pem' is not a readable file");
    }

    @Test
    void aBadHostIsRefused() {
        assertThatThrownBy(() -> DaemonAddress.of(null, "ftp://x", null, Map.of())).hasMessageContaining("must be http");
    }
}
