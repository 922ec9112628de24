package dev.raptor.docker;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.Deadline;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.RuntimeEvent;
import dev.raptor.core.runtime.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * An engine that accepts connections and never answers: every call must give up at its deadline, and
 * leave no thread blocked behind it. Bounds are generous: they catch hangs, they do not time anything.
 */
class SilentEngineTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private SilentEngine engine;
    private DockerRuntime runtime;
    private final ContainerRef ref = new ContainerRef("abc123", "raptor-x", UUID.randomUUID());

    @BeforeEach
    void startSilentEngine() throws IOException {
        engine = new SilentEngine(dir.resolve("docker.sock"), true);
        runtime = DockerRuntime.connect(DockerRuntimeConfig.of(engine.dockerHost()).withStreamOpenTimeout(Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() throws IOException {
        runtime.close();
        engine.close();
    }

    @Test
    void aCallGivesUpAtItsDeadlineEvenBeforeTheApiVersionIsAgreed() throws IOException {
        try (SilentEngine mute = new SilentEngine(dir.resolve("mute.sock"), false);
             DockerRuntime r = DockerRuntime.connect(mute.dockerHost())) {
            assertTimeoutPreemptively(HANG, () ->
                    assertThatThrownBy(() -> r.inspect(ref, Deadline.in(Duration.ofMillis(500))))
                            .isInstanceOf(EngineException.Timeout.class));
            assertThat(mute.unanswered()).anyMatch(l -> l.contains("/_ping"));
            await().atMost(HANG).until(() -> r.inFlightCalls() == 0);
        }
    }

    @Test
    void infoGivesUpAtItsDeadline() {
        assertTimeoutPreemptively(HANG, () ->
                assertThatThrownBy(() -> runtime.info(Deadline.in(Duration.ofMillis(500))))
                        .isInstanceOf(EngineException.Timeout.class));
        assertThat(engine.unanswered()).anyMatch(l -> l.contains("/info"));
        await().atMost(HANG).until(() -> runtime.inFlightCalls() == 0);
    }

    @Test
    void listOwnedGivesUpAtItsDeadline() {
        assertTimeoutPreemptively(HANG, () ->
                assertThatThrownBy(() -> runtime.listOwned(Deadline.in(Duration.ofMillis(500))))
                        .isInstanceOf(EngineException.Timeout.class));
        assertThat(engine.unanswered()).anyMatch(l -> l.contains("/containers/json"));
        await().atMost(HANG).until(() -> runtime.inFlightCalls() == 0);
    }

    @Test
    void sendInputGivesUpAtItsDeadline() {
        assertTimeoutPreemptively(HANG, () ->
                assertThatThrownBy(() -> runtime.sendInput(ref, "say hi", Deadline.in(Duration.ofMillis(500))))
                        .isInstanceOf(EngineException.Timeout.class));
        assertThat(engine.unanswered()).anyMatch(l -> l.contains("/attach"));
        await().atMost(HANG).until(() -> runtime.inFlightCalls() == 0);
    }

    @Test
    void awaitExitGivesUpAtItsDeadlineWhenTheEngineNeverAnswered() {
        assertTimeoutPreemptively(HANG, () ->
                assertThatThrownBy(() -> runtime.awaitExit(ref, Deadline.in(Duration.ofMillis(500))))
                        .isInstanceOf(EngineException.Timeout.class));
        assertThat(engine.unanswered()).anyMatch(l -> l.contains("/wait"));
        await().atMost(HANG).until(() -> runtime.inFlightCalls() == 0);
    }

    @Test
    void aFollowedLogTheEngineNeverAnswersEndsWithTimeout() {
        Collector<LogLine> sink = new Collector<>();
        Subscription s = runtime.logs(ref, LogRequest.follow(10), sink);

        await().atMost(HANG).until(sink::ended);
        assertThat(sink.error.get()).isInstanceOf(EngineException.Timeout.class);
        assertThat(engine.unanswered()).as("a follow begins with the attach its live output comes from")
                .anyMatch(l -> l.contains("/attach"));
        assertThat(s.isOpen()).isFalse();
        await().atMost(HANG).until(() -> runtime.openStreams() == 0);
    }

    @Test
    void aLogHistoryTheEngineNeverAnswersEndsWithTimeout() {
        Collector<LogLine> sink = new Collector<>();
        Subscription s = runtime.logs(ref, LogRequest.history(10), sink);

        await().atMost(HANG).until(sink::ended);
        assertThat(sink.error.get()).isInstanceOf(EngineException.Timeout.class);
        assertThat(engine.unanswered()).anyMatch(l -> l.contains("/logs"));
        assertThat(s.isOpen()).isFalse();
        await().atMost(HANG).until(() -> runtime.openStreams() == 0);
    }

    @Test
    void closingAnEventsSubscriptionOnASilentEngineEndsItOnce() {
        Collector<RuntimeEvent> sink = new Collector<>();
        Subscription s = runtime.events(sink);
        // it gave up on an unanswered stream of container events and asked again (the image events ask on their own)
        await().atMost(HANG).until(() -> engine.unanswered().stream()
                .filter(l -> l.contains("/events") && l.contains("container")).count() >= 2);

        s.close();

        await().atMost(HANG).until(sink::ended);
        await().atMost(HANG).until(() -> runtime.openStreams() == 0);
        assertThat(sink.ends).hasValue(1);
        assertThat(sink.error).hasNullValue();
        assertThat(sink.items).as("only the news that the engine is away, once").singleElement()
                .isInstanceOf(RuntimeEvent.EngineInterrupted.class);
    }

    @Test
    void anEngineThatIsNotThereIsUnavailable() {
        try (DockerRuntime absent = DockerRuntime.connect("unix://" + dir.resolve("nothing-here.sock"))) {
            assertThatThrownBy(() -> absent.inspect(ref, Deadline.in(HANG))).isInstanceOf(EngineException.Unavailable.class);
        }
    }
}
