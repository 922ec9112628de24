package dev.raptor.docker;

import dev.raptor.core.console.ConsoleHub;
import dev.raptor.core.console.ConsoleListener;
import dev.raptor.core.console.ConsoleSettings;
import dev.raptor.core.console.ConsoleSubscription;
import dev.raptor.core.console.ServerRuns;
import dev.raptor.core.event.EventBus;
import dev.raptor.core.power.ControllerSettings;
import dev.raptor.core.power.PowerAction;
import dev.raptor.core.power.PowerResult;
import dev.raptor.core.power.ServerFleet;
import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.server.ServerState;
import dev.raptor.store.SqliteStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22's acceptance for console output: a chatty server's flood crosses several rotations of the
 * engine's 10 MiB json-file log (where Docker 20.10's follow stream loses about a third of it) and reaches a
 * console subscriber whole: every line, in order, exactly once. Real engine, real fleet, real console hub.
 */
class ConsoleRotationTest {
    private static final int LINES = 200_000;
    /** With its number and newline, a line is 258 bytes: 200,000 of them are about 66 MB of json-file log. */
    private static final String PAD = "x".repeat(250);
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        TestEngine.requireEngine();
    }

    /** Keeps the flood's numbers (not the lines: 50 MB), and whatever is not a flood line. */
    private static final class Subscriber implements ConsoleListener {
        final int[] numbers = new int[LINES + 1];
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger malformed = new AtomicInteger();
        final AtomicLong dropped = new AtomicLong();
        final AtomicReference<String> last = new AtomicReference<>();

        @Override
        public void lines(List<LogLine> batch) {
            for (LogLine line : batch) {
                String t = line.text();
                if (t.length() == 7 + PAD.length() && t.charAt(6) == ' ' && t.endsWith(PAD)) {
                    int n = count.getAndIncrement();
                    if (n < numbers.length) {
                        numbers[n] = Integer.parseInt(t, 0, 6, 10);
                    }
                } else if (t.startsWith("flood ") || t.equals("ready")) {
                    last.set(t);
                } else {
                    malformed.incrementAndGet();
                }
            }
        }

        @Override
        public void dropped(long n) {
            dropped.addAndGet(n);
        }
    }

    /** A fleet on the real engine with one chatty server, its console hub, and clean-up. */
    private final class Chatty implements AutoCloseable {
        final DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.of(TestEngine.dockerHost())
                .withNode("console-rotation-" + UUID.randomUUID()));
        final SqliteStore store = SqliteStore.open(dir.resolve("state"));
        final EventBus bus = new EventBus();
        final ServerFleet fleet = new ServerFleet(store, runtime, bus, ControllerSettings.defaults(dir.resolve("volumes")));
        final ConsoleHub hub = new ConsoleHub(runtime, ServerRuns.of(fleet), bus,
                ConsoleSettings.defaults().withQueueLines(LINES).withQueueBytes(512L << 20));
        final UUID id;

        /** Started and ready; its {@code flood} (a shell command printing the lines) waits for the console command {@code go}. */
        Chatty(String flood) throws Exception {
            fleet.boot();
            id = fleet.create(ServerSpec.builder(TestEngine.IMAGE).name("chatty")
                    .startup("echo ready; read go; " + flood + "; echo flood over; exec sleep 3600")
                    .readyPattern("^ready$")
                    .build()).id();
            assertThat(fleet.power(id, PowerAction.START).get(2, TimeUnit.MINUTES)).isInstanceOf(PowerResult.Done.class);
        }

        /** The flood lines the engine's log still holds (json-file keeps 3 x 10 MiB). */
        long floodLinesInTheLog() {
            ContainerInfo c = runtime.find(id, Deadline.in(Duration.ofSeconds(30))).getFirst();
            Collector<LogLine> history = new Collector<>();
            runtime.logs(c.ref(), LogRequest.history(-1), history);
            await().atMost(PATIENCE).until(history::ended);
            return history.items.stream().filter(l -> l.text().endsWith(PAD)).count();
        }

        @Override
        public void close() throws Exception {
            try {
                fleet.delete(id, true).get(2, TimeUnit.MINUTES);
                for (ContainerInfo left : runtime.find(id, Deadline.in(Duration.ofSeconds(30)))) {
                    try {
                        runtime.remove(left.ref(), Deadline.in(Duration.ofSeconds(30)));
                    } catch (EngineException.NotFound gone) {
                        // removed meanwhile
                    }
                }
            } finally {
                hub.close();
                fleet.close();
                bus.close();
                store.close();
                runtime.close();
            }
        }
    }

    private static int number(LogLine line) {
        return Integer.parseInt(line.text(), 0, 6, 10);
    }

    @Test
    void twoHundredThousandLinesAcrossSeveralLogRotationsReachASubscriberEveryOneInOrderOnce() throws Exception {
        try (Chatty server = new Chatty("seq -w 1 " + LINES + " | sed 's/$/ " + PAD + "/'")) {
            Subscriber subscriber = new Subscriber();
            ConsoleSubscription subscription = server.hub.subscribe(server.id, subscriber);
            await().atMost(PATIENCE).until(() -> server.hub.openEngineStreams() == 1);

            server.fleet.sendCommand(server.id, "go");

            await().atMost(PATIENCE).until(() -> "flood over".equals(subscriber.last.get()));
            assertThat(subscriber.dropped).as("lines the subscriber's queue dropped").hasValue(0);
            assertThat(subscriber.malformed).as("lines cut or joined wrongly").hasValue(0);
            assertThat(subscriber.count).hasValue(LINES);
            for (int i = 0; i < LINES; i++) {
                if (subscriber.numbers[i] != i + 1) {
                    throw new AssertionError("line " + (i + 1) + " of the flood: the subscriber got line "
                            + subscriber.numbers[i] + " in its place (lines in order, each once)");
                }
            }
            assertThat(server.fleet.controller(server.id).state()).isEqualTo(ServerState.RUNNING);
            subscription.close();
            // the engine's log rotated several times meanwhile: of about 66 MB it kept the last 3 x 10 MiB
            assertThat(server.floodLinesInTheLog()).as("flood lines the rotated log still holds").isLessThan(LINES / 2);
        }
    }

    /**
     * The console opens while the server prints: its history from the log, its live output from the attach,
     * joined in the middle of the output. The server prints a chatty 2.5 MB/s (1,000 lines every 100 ms), not
     * the flood above: at 15 MB/s the log rotates its whole 30 MiB within two seconds, faster than a busy
     * machine reads it, and what it rotated away before the console could read it is lost (the seam says so).
     */
    @Test
    void aFirstSubscriberArrivingWhileTheServerPrintsGetsItsHistoryThenEveryLaterLineOnce() throws Exception {
        int lines = 50_000;
        try (Chatty server = new Chatty("i=1; while [ $i -le " + lines + " ]; do seq $((1000000 + i)) $((1000000 + i + 999)) | cut -c2-"
                + " | sed 's/$/ " + PAD + "/'; i=$((i + 1000)); usleep 100000; done")) {
            server.fleet.sendCommand(server.id, "go");
            // nobody watches yet: the console opens (history, then the attach and its seam) while the flood runs
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
                List<LogLine> last = server.hub.tail(server.id, 1);
                return !last.isEmpty() && last.getFirst().text().endsWith(PAD) && number(last.getFirst()) > 10_000;
            });
            Subscriber subscriber = new Subscriber();
            ConsoleSubscription subscription = server.hub.subscribe(server.id, subscriber);
            List<LogLine> before = subscription.history(1);

            await().atMost(PATIENCE).until(() -> "flood over".equals(subscriber.last.get()));
            assertThat(subscriber.dropped).hasValue(0);
            assertThat(subscriber.malformed).hasValue(0);
            assertThat(before).singleElement().satisfies(l -> assertThat(l.text()).endsWith(PAD));
            int first = number(before.getFirst()) + 1;
            int live = subscriber.count.get();
            assertThat(first + live - 1).as("the last line the subscriber got").isEqualTo(lines);
            for (int i = 0; i < live; i++) {
                if (subscriber.numbers[i] != first + i) {
                    throw new AssertionError("after line " + (first - 1) + " of its history, the subscriber's line " + (i + 1)
                            + " was flood line " + subscriber.numbers[i] + " instead of " + (first + i));
                }
            }
            subscription.close();
        }
    }
}
