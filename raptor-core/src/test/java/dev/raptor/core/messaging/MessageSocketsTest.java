package dev.raptor.core.messaging;

import dev.raptor.core.event.EventBus;
import dev.raptor.core.event.ServerEvent;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.testing.FakeRuntime;
import dev.raptor.core.testing.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The delivery contract of a message socket, with a test-side program on the real Unix socket and the in-memory
 * engine: delivered means acknowledged by the program, what it did not acknowledge is written again on its next
 * connection, in order and with the same ids, and what it never acknowledges fails at its deadline.
 */
class MessageSocketsTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private final MemoryStore store = new MemoryStore();
    private final EventBus bus = new EventBus();
    private ServerFleet fleet;
    private MessageSockets sockets;
    private final List<AutoCloseable> programs = new CopyOnWriteArrayList<>();

    /** The server's program as seen from the daemon's side of its socket. */
    private final class Program implements AutoCloseable {
        final SocketChannel channel;
        final BufferedReader in;

        Program(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            programs.add(this);
        }

        String read() throws IOException {
            String line = in.readLine();
            assertThat(line).as("a line from the daemon").isNotNull();
            return line;
        }

        void write(String line) throws IOException {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private UUID runningServer(MessagingSettings settings) throws Exception {
        fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(tmp.resolve("volumes")));
        fleet.boot();
        sockets = new MessageSockets(fleet, settings).start();
        UUID id = fleet.create(ServerSpec.builder("raptor-test/gameserver:1").name("game").readyPattern("Done!").messaging(true)
                .stopPolicy(StopPolicy.signal("SIGTERM", Duration.ofSeconds(30))).build()).id();
        assertThat(fleet.power(id, PowerAction.START).get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(PowerResult.Done.class);
        await().atMost(HANG).until(() -> sockets.hostPath(id).isPresent());
        return id;
    }

    private Program connect(UUID id) throws IOException {
        Program p = new Program(sockets.hostPath(id).orElseThrow());
        await().atMost(HANG).until(() -> sockets.state(id).connected());
        return p;
    }

    private static long idOf(String envelope) {
        assertThat(envelope).startsWith("{\"id\":");
        return Long.parseLong(envelope.substring("{\"id\":".length(), envelope.indexOf(',')));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable p : programs) {
            p.close();
        }
        if (sockets != null) {
            sockets.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        bus.close();
        runtime.close();
    }

    @Test
    void aMessageIsDeliveredOnlyOnceTheProgramAcknowledgesIt() throws Exception {
        UUID id = runningServer(MessagingSettings.defaults());
        Program program = connect(id);

        CompletableFuture<Delivery> sent = sockets.send(id, "{\"hello\":\"world\"}");
        String envelope = program.read();
        long messageId = idOf(envelope);
        assertThat(envelope).isEqualTo("{\"id\":" + messageId + ",\"message\":{\"hello\":\"world\"}}");
        assertThat(sent).as("written but not acknowledged").isNotDone();
        assertThat(sockets.state(id).queued()).isEqualTo(1);

        program.write("{\"ack\": " + messageId + "}");

        Delivery d = sent.get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertThat(d.id()).isEqualTo(messageId);
        assertThat(sockets.state(id).queued()).isZero();
        assertThat(sockets.state(id).lastCommunication()).isNotNull();
    }

    @Test
    void oneAcknowledgementSettlesEveryMessageUpToItsId() throws Exception {
        UUID id = runningServer(MessagingSettings.defaults());
        Program program = connect(id);
        List<CompletableFuture<Delivery>> sent = List.of(sockets.send(id, "1"), sockets.send(id, "2"), sockets.send(id, "3"));
        long first = idOf(program.read());
        long second = idOf(program.read());
        long third = idOf(program.read());
        assertThat(List.of(second - first, third - second)).containsOnly(1L);

        program.write("{\"ack\":" + second + "}");

        assertThat(sent.get(1).get(HANG.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo(second);
        assertThat(sent.get(0).get(HANG.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo(first);
        assertThat(sent.get(2)).isNotDone();
    }

    @Test
    void whatTheProgramDidNotAcknowledgeIsWrittenAgainFirstOnItsNextConnectionInOrder() throws Exception {
        UUID id = runningServer(MessagingSettings.defaults());
        Program before = connect(id);
        List<CompletableFuture<Delivery>> sent = List.of(sockets.send(id, "{\"n\":1}"), sockets.send(id, "{\"n\":2}"),
                sockets.send(id, "{\"n\":3}"));
        long first = idOf(before.read());
        String second = before.read();
        String third = before.read();
        before.write("{\"ack\":" + first + "}");
        assertThat(sent.getFirst().get(HANG.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo(first);

        before.close(); // the program went away (its server restarts) before acknowledging 2 and 3
        await().atMost(HANG).until(() -> !sockets.state(id).connected());
        CompletableFuture<Delivery> fourth = sockets.send(id, "{\"n\":4}");
        assertThat(sockets.state(id).queued()).isEqualTo(3);

        Program after = connect(id);
        assertThat(after.read()).isEqualTo(second);
        assertThat(after.read()).isEqualTo(third);
        String last = after.read();
        assertThat(last).endsWith(",\"message\":{\"n\":4}}");
        after.write("{\"ack\":" + idOf(last) + "}");

        assertThat(fourth.get(HANG.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo(idOf(last));
        assertThat(sent.get(1).get(HANG.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo(idOf(second));
        assertThat(sent.get(2).get(HANG.toSeconds(), TimeUnit.SECONDS).id()).isEqualTo(idOf(third));
    }

    @Test
    void aMessageNeverAcknowledgedFailsAtItsDeadlineSayingItMayHaveBeenTaken() throws Exception {
        // the deadline leaves a loaded machine time to write the message before it, so that it ends as taken
        UUID id = runningServer(new MessagingSettings(10, Duration.ofSeconds(5), 1024));
        Program program = connect(id);
        CompletableFuture<Delivery> sent = sockets.send(id, "{\"x\":1}");
        program.read(); // taken, never acknowledged

        assertThatThrownBy(() -> sent.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(MessagingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MessagingException.Reason.TIMEOUT);
                    assertThat(e.getMessage()).contains("did not acknowledge", "may or may not have taken it");
                });
        assertThat(sockets.state(id).queued()).isZero();
    }

    @Test
    void aMessageQueuedWhileNoProgramIsConnectedFailsAtItsDeadline() throws Exception {
        UUID id = runningServer(new MessagingSettings(10, Duration.ofSeconds(1), 1024));
        CompletableFuture<Delivery> sent = sockets.send(id, "{\"x\":1}");

        assertThatThrownBy(() -> sent.get(HANG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(MessagingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(MessagingException.Reason.TIMEOUT);
                    assertThat(e.getMessage()).contains("did not take", "not connected");
                });
    }

    @Test
    void theQueueIsBoundedByWrittenAndWaitingMessagesTogether() throws Exception {
        UUID id = runningServer(new MessagingSettings(2, Duration.ofSeconds(30), 1024));
        Program program = connect(id);
        sockets.send(id, "1");
        program.read(); // written, unacknowledged: still counts
        sockets.send(id, "2");

        assertThatThrownBy(() -> sockets.send(id, "3").get(HANG.toSeconds(), TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(MessagingException.class, e -> assertThat(e.reason()).isEqualTo(MessagingException.Reason.QUEUE_FULL));
    }

    @Test
    void linesFromTheProgramOtherThanAcknowledgementsArePublishedAndNotedBySize() throws Exception {
        UUID id = runningServer(MessagingSettings.defaults());
        List<ServerEvent.MessageReceived> received = new CopyOnWriteArrayList<>();
        bus.subscribe(ServerEvent.MessageReceived.class, received::add);
        Program program = connect(id);

        program.write("{\"ack\":1}");
        program.write("{\"score\":42}");

        await().atMost(HANG).until(() -> received.size() == 1);
        assertThat(received.getFirst().line()).isEqualTo("{\"score\":42}");
        assertThat(received.getFirst().serverId()).isEqualTo(id);
        await().atMost(HANG).untilAsserted(() -> assertThat(store.activity(id, Long.MAX_VALUE, 100))
                .anySatisfy(e -> {
                    assertThat(e.type()).isEqualTo("message.received");
                    assertThat(e.message()).doesNotContain("42");
                }));
    }
}
