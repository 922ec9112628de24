package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.StreamSink;
import dev.raptor.core.runtime.Subscription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Start, exit and removal events of owned servers, whichever runtime instance started them. */
class EventsTest extends RuntimeTest {

    private static final class Recorder implements StreamSink<RuntimeEvent> {
        final List<RuntimeEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void next(RuntimeEvent item) {
            events.add(item);
        }

        @Override
        public void end(Throwable error) {
            ended.countDown();
        }

        <E extends RuntimeEvent.ContainerEvent> List<E> of(Class<E> type, ContainerRef ref) {
            return events.stream().filter(type::isInstance).map(type::cast).filter(e -> e.ref().id().equals(ref.id())).toList();
        }
    }

    @Test
    void startExitAndRemovalAreReportedInOrder() {
        Recorder r = new Recorder();
        Subscription s = runtime.events(r);
        try {
            Console console = booted(TestHost.gameServer().name("events").build());
            await().atMost(PATIENCE).until(() -> r.of(RuntimeEvent.Started.class, console.ref()).size() == 1);

            runtime.sendInput(console.ref(), "crash", soon());
            await().atMost(PATIENCE).until(() -> r.of(RuntimeEvent.Exited.class, console.ref()).size() == 1);
            assertThat(r.of(RuntimeEvent.Exited.class, console.ref()).getFirst().exitCode()).isEqualTo(1);

            runtime.remove(console.ref(), soon());
            await().atMost(PATIENCE).until(() -> r.of(RuntimeEvent.Removed.class, console.ref()).size() == 1);
            assertThat(r.events.stream().filter(e -> e instanceof RuntimeEvent.ContainerEvent c && c.ref().id().equals(console.ref().id()))
                    .map(e -> e.getClass().getSimpleName()))
                    .containsExactly("Started", "Exited", "Removed");
        } finally {
            s.close();
        }
    }

    @Test
    void theExitOfAServerAnEarlierRuntimeStartedIsReported() {
        Console console = booted(TestHost.gameServer().name("inherited").build());
        runtime.close(); // the daemon that started it is gone
        ProcessRuntime next = reopen();
        Recorder r = new Recorder();

        Subscription s = next.events(r);
        try {
            next.sendInput(console.ref(), "crash", soon());

            await().atMost(PATIENCE).until(() -> r.of(RuntimeEvent.Exited.class, console.ref()).size() == 1);
        } finally {
            s.close();
        }
        RuntimeEvent.Exited exited = r.of(RuntimeEvent.Exited.class, console.ref()).getFirst();
        assertThat(exited.exitCode()).isEqualTo(1);
        assertThat(exited.at()).isAfter(next.inspect(console.ref(), soon()).startedAt());
        assertThat(r.of(RuntimeEvent.Started.class, console.ref())).as("it was running before the subscription").isEmpty();
    }

    @Test
    void closingTheSubscriptionEndsItsThreadAndTheStream() throws Exception {
        Recorder r = new Recorder();
        Subscription s = runtime.events(r);

        s.close();

        assertThat(s.isOpen()).isFalse();
        assertThat(r.ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("process-events"));
    }

    @Test
    void closingTheRuntimeEndsEveryStreamItOpened() throws Exception {
        Console console = booted(TestHost.gameServer().name("streams").build());
        Recorder r = new Recorder();
        runtime.events(r);

        runtime.close();

        assertThat(r.ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(console.awaitEnd(PATIENCE)).isTrue();
        assertThat(runtime.inspect(console.ref(), soon()).running()).as("closing the runtime leaves servers running").isTrue();
    }
}
