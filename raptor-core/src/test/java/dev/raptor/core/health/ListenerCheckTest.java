package dev.raptor.core.health;

import dev.raptor.core.runtime.Deadline;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener check connects for real: a greeting listener is healthy, a silent, wrong or closed one is not. */
class ListenerCheckTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @Test
    void aListenerThatGreetsAsExpectedIsHealthy() throws Exception {
        try (Greeter ssh = new Greeter("SSH-2.0-test\r\n")) {
            NodeCheck.Finding f = new ListenerCheck("sftp", () -> Optional.of(ssh.address()), "SSH-").run(Deadline.in(HANG));
            assertThat(f.status()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(f.detail()).contains("sftp answers on 127.0.0.1:" + ssh.address().getPort());
        }
    }

    @Test
    void aListenerBoundToEveryAddressIsReachedOverLoopback() throws Exception {
        try (Greeter ssh = new Greeter("SSH-2.0-test\r\n")) {
            InetSocketAddress wildcard = new InetSocketAddress(ssh.address().getPort());
            assertThat(new ListenerCheck("sftp", () -> Optional.of(wildcard), "SSH-").run(Deadline.in(HANG)).status())
                    .isEqualTo(HealthStatus.HEALTHY);
        }
    }

    @Test
    void aListenerThatGreetsWithSomethingElseIsUnhealthy() throws Exception {
        try (Greeter http = new Greeter("HTTP/1.1 400 Bad Request\r\n")) {
            NodeCheck.Finding f = new ListenerCheck("sftp", () -> Optional.of(http.address()), "SSH-").run(Deadline.in(HANG));
            assertThat(f.status()).isEqualTo(HealthStatus.UNHEALTHY);
            assertThat(f.detail()).contains("greets with 'HTTP'");
        }
    }

    @Test
    void aPortNobodyListensOnIsUnhealthy() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = (InetSocketAddress) s.getLocalSocketAddress();
        }
        NodeCheck.Finding f = new ListenerCheck("sftp", () -> Optional.of(closed), "SSH-").run(Deadline.in(HANG));
        assertThat(f.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(f.detail()).contains("does not answer");
    }

    @Test
    void aListenerThatIsOffIsHealthyAndSaysSo() {
        NodeCheck.Finding f = new ListenerCheck("sftp", Optional::empty, "SSH-").run(Deadline.in(HANG));
        assertThat(f.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(f.detail()).isEqualTo("sftp is off");
    }

    /** A loopback listener that writes its greeting to every connection. */
    private static final class Greeter implements AutoCloseable {
        private final ServerSocket socket;

        Greeter(String greeting) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        c.getOutputStream().write(greeting.getBytes(StandardCharsets.US_ASCII));
                        c.getOutputStream().flush();
                        c.getInputStream().read();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
