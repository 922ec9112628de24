package dev.raptor.query.minecraft;

import dev.raptor.core.query.GameStatus;
import dev.raptor.core.query.QueryProtocol;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.query.QueryException;
import dev.raptor.query.testing.MinecraftResponder;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ServerListPingTest {
    static final Duration HANG = Duration.ofSeconds(30);

    @Test
    void readsPlayersVersionAndThePlainMotdFromTheStatusJson() throws Exception {
        try (MinecraftResponder mc = MinecraftResponder.modern(7, 20, "Paper 1.21.4",
                "{\"text\":\"§aHello \",\"extra\":[{\"text\":\"world\",\"bold\":true},\"!\"]}")) {
            GameStatus s = new ServerListPing().query(mc.address(), Deadline.in(Duration.ofSeconds(10)));

            assertThat(s.protocol()).isEqualTo(QueryProtocol.MINECRAFT);
            assertThat(s.playersOnline()).isEqualTo(7);
            assertThat(s.playersMax()).isEqualTo(20);
            assertThat(s.version()).isEqualTo("Paper 1.21.4");
            assertThat(s.motd()).isEqualTo("Hello world!");
            assertThat(s.players()).containsExactly("alice");
            assertThat(mc.violations()).isEmpty();
        }
    }

    @Test
    void theHandshakeAsksForStatusWithTheAddressAndPortDialledAndProtocolMinusOne() throws Exception {
        try (MinecraftResponder mc = MinecraftResponder.modern(0, 10, "1.20.1", "\"plain\"")) {
            new ServerListPing().query(mc.address(), Deadline.in(Duration.ofSeconds(10)));

            assertThat(mc.handshakes()).containsExactly(new MinecraftResponder.Handshake(-1, "127.0.0.1", mc.port(), 1));
            assertThat(mc.pings()).as("the latency comes from Ping/Pong").isEqualTo(1);
        }
    }

    @Test
    void aDescriptionGivenAsAPlainStringIsTheMotd() throws Exception {
        try (MinecraftResponder mc = MinecraftResponder.modern(1, 2, "1.8.9", "\"§6A §lMinecraft§r Server\"")) {
            assertThat(new ServerListPing().query(mc.address(), Deadline.in(Duration.ofSeconds(10))).motd()).isEqualTo("A Minecraft Server");
        }
    }

    @Test
    void aServerOlderThan17IsAskedWithTheLegacyPing() throws Exception {
        try (MinecraftResponder mc = MinecraftResponder.legacy("1.6.4", "§cOld school", 3, 12)) {
            GameStatus s = new ServerListPing().query(mc.address(), Deadline.in(Duration.ofSeconds(10)));

            assertThat(s.playersOnline()).isEqualTo(3);
            assertThat(s.playersMax()).isEqualTo(12);
            assertThat(s.version()).isEqualTo("1.6.4");
            assertThat(s.motd()).isEqualTo("Old school");
            assertThat(mc.handshakes()).containsExactly(new MinecraftResponder.Handshake(74, "127.0.0.1", mc.port(), 1));
            assertThat(mc.violations()).isEmpty();
        }
    }

    @Test
    void theBeta18LegacyAnswerIsUnderstoodToo() throws Exception {
        GameStatus s = LegacyPing.parse("A beta server§4§16", java.time.Instant.now(), Duration.ZERO);
        assertThat(s.motd()).isEqualTo("A beta server");
        assertThat(s.playersOnline()).isEqualTo(4);
        assertThat(s.playersMax()).isEqualTo(16);
    }

    @Test
    void aServerThatNeverAnswersCostsTheDeadlineAndNoMore() throws Exception {
        try (MinecraftResponder mc = MinecraftResponder.silent()) {
            assertTimeoutPreemptively(HANG, () -> assertThatThrownBy(
                    () -> new ServerListPing().query(mc.address(), Deadline.in(Duration.ofMillis(300))))
                    .isInstanceOf(SocketTimeoutException.class));
        }
    }

    @Test
    void statusJsonWithoutPlayerCountsIsNotTheProtocol() throws Exception {
        try (MinecraftResponder mc = new MinecraftResponder(MinecraftResponder.Mode.MODERN, "{\"version\":{\"name\":\"x\"}}")) {
            assertThatThrownBy(() -> new ServerListPing().modern(mc.address(), Deadline.in(Duration.ofSeconds(10))))
                    .isInstanceOf(QueryException.class).hasMessageContaining("players.online");
        }
    }

    @Test
    void anOversizedPacketIsRefusedBeforeItIsRead() throws Exception {
        try (ServerSocket liar = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (var s = liar.accept()) {
                    s.getInputStream().readNBytes(10);
                    s.getOutputStream().write(new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F}); // 268 MB
                    s.getOutputStream().flush();
                    s.getInputStream().readAllBytes();
                } catch (Exception e) {
                    // closed by the client
                }
            });
            assertThatThrownBy(() -> new ServerListPing().modern(new InetSocketAddress("127.0.0.1", liar.getLocalPort()),
                    Deadline.in(Duration.ofSeconds(10)))).isInstanceOf(QueryException.class).hasMessageContaining("bytes");
            t.join(5000);
        }
    }

    @Test
    void aClosedPortIsAConnectionFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> new ServerListPing().query(new InetSocketAddress("127.0.0.1", port), Deadline.in(Duration.ofSeconds(5))))
                .isInstanceOf(java.net.ConnectException.class);
    }
}
