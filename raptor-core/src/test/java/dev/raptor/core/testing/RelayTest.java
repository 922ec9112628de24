package dev.raptor.core.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The tests' relay on real loopback sockets, against a peer that answers each line with the same line: what the tests
 * that stand it between two components rely on (bytes pass as they are, a cut is a reset, a refusal an immediate
 * close, a new target takes new connections, and which side ended a connection first is known).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RelayTest {
    private static final Duration HANG = Duration.ofSeconds(60);

    /** Echoes what each connection sends until it ends, then closes it. */
    private static final class EchoPeer implements AutoCloseable {
        final ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();

        EchoPeer() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!listening.isClosed()) {
                    try {
                        Socket s = listening.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                byte[] buffer = new byte[8192];
                                for (int n; (n = s.getInputStream().read(buffer)) >= 0; ) {
                                    received.addAndGet(n);
                                    s.getOutputStream().write(buffer, 0, n);
                                }
                            } catch (IOException gone) {
                                // the test cut it
                            }
                        });
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listening.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listening.close();
        }
    }

    private static Socket connect(Relay relay) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), relay.port());
        s.setSoTimeout((int) HANG.toMillis());
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.UTF_8);
    }

    @Test
    void bytesPassBothWaysAndTheClientThatClosesFirstIsNamed() throws Exception {
        try (EchoPeer peer = new EchoPeer(); Relay relay = Relay.tcp(peer.port()); Socket s = connect(relay)) {
            assertThat(roundTrip(s, "hello\n")).isEqualTo("hello\n");
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).as("the peer's end, passed on").isEqualTo(-1);
            assertThat(relay.firstEnd()).hasValue(Relay.End.closedBy(Relay.Side.CLIENT));
        }
    }

    @Test
    void aCutResetsTheConnectionAndTheNextOneIsCarriedAgain() throws Exception {
        try (EchoPeer peer = new EchoPeer(); Relay relay = Relay.tcp(peer.port()); Socket s = connect(relay)) {
            assertThat(roundTrip(s, "before\n")).isEqualTo("before\n");
            assertThat(relay.cut()).isEqualTo(1);
            InputStream in = s.getInputStream();
            assertThatThrownBy(in::read).as("a reset, not an orderly end").isInstanceOf(SocketException.class);
            assertThat(relay.firstEnd()).as("the relay's own cut is no side's end").isEmpty();
            try (Socket again = connect(relay)) {
                assertThat(roundTrip(again, "after\n")).isEqualTo("after\n");
            }
        }
    }

    @Test
    void whileRefusingNewConnectionsAreClosedAtOnceAndAfterResumingCarried() throws Exception {
        try (EchoPeer peer = new EchoPeer(); Relay relay = Relay.tcp(peer.port())) {
            relay.refuse();
            try (Socket refused = connect(relay)) {
                assertThat(refused.getInputStream().read()).isEqualTo(-1);
            }
            relay.resume();
            try (Socket carried = connect(relay)) {
                assertThat(roundTrip(carried, "back\n")).isEqualTo("back\n");
            }
        }
    }

    @Test
    void aNewTargetTakesNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        try (EchoPeer first = new EchoPeer(); EchoPeer second = new EchoPeer(); Relay relay = Relay.tcp(first.port());
             Socket old = connect(relay)) {
            assertThat(roundTrip(old, "one\n")).isEqualTo("one\n");
            first.close(); // no new connection reaches it now
            relay.retarget(second.port());
            try (Socket fresh = connect(relay)) {
                assertThat(roundTrip(fresh, "two\n")).isEqualTo("two\n");
            }
            assertThat(roundTrip(old, "still\n")).isEqualTo("still\n");
        }
    }

    @Test
    void aTapSeesEachChunkBeforeItPassesAndMayHoldIt() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
        try (EchoPeer peer = new EchoPeer(); Relay relay = Relay.tcp(peer.port()).tapping(() -> (link, from, chunk) -> {
            if (from == Relay.Side.CLIENT && StandardCharsets.UTF_8.decode(chunk).toString().contains("hold")) {
                held.set(true);
                release.await();
            }
        }); Socket s = connect(relay)) {
            s.getOutputStream().write("hold\n".getBytes(StandardCharsets.UTF_8));
            await().atMost(HANG).untilTrue(held);
            assertThat(peer.received).as("nothing reached the peer while held").hasValue(0);
            release.countDown();
            assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("hold\n");
        }
    }
}
