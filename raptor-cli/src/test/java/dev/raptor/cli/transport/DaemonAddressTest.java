package dev.raptor.cli.transport;

import org.junit.jupiter.api.Test;

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
        DaemonTransport t = DaemonAddress.transport(null, "10.0.0.5:8080", null, Map.of("RAPTOR_API_KEY", "k"));
        assertThat(t).isInstanceOf(TcpTransport.class);
        assertThat(t.describe()).isEqualTo("http://10.0.0.5:8080");
    }

    @Test
    void aUnixHostIsASocket() {
        DaemonTransport t = DaemonAddress.transport(null, "unix:///run/raptor.sock", null, Map.of());
        assertThat(t).isInstanceOfSatisfying(UnixSocketTransport.class, u -> assertThat(u.socket()).isEqualTo(Path.of("/run/raptor.sock")));
    }

    @Test
    void anExplicitSocketBeatsAHostFromTheEnvironment() {
        DaemonTransport t = DaemonAddress.transport("/s.sock", null, null, Map.of("RAPTOR_HOST", "http://x:1"));
        assertThat(t).isInstanceOf(UnixSocketTransport.class);
    }

    @Test
    void aBadHostIsRefused() {
        assertThatThrownBy(() -> DaemonAddress.transport(null, "ftp://x", null, Map.of())).hasMessageContaining("must be http");
    }
}
