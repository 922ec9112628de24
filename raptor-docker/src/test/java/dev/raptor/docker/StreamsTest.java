package dev.raptor.docker;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.Subscription;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Logs and stats subscriptions: what they deliver, and that closing them leaves nothing behind. */
class StreamsTest extends EngineTest {
    /** JVM housekeeping (JIT, GC, carrier threads) may start a few threads of its own meanwhile. */
    private static final int THREAD_SLACK = 6;

    @Test
    void fiveHundredLogFollowersLeaveNoThreadsOrStreamsBehind() {
        Console console = startBooted(spec().build());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        warmUp(console);
        int threadsBefore = threads.getThreadCount();
        int streamsBefore = runtime.openStreams();

        List<Collector<LogLine>> sinks = new ArrayList<>();
        List<Subscription> followers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Collector<LogLine> sink = new Collector<>();
            sinks.add(sink);
            followers.add(runtime.logs(console.ref(), LogRequest.follow(1), sink));
        }
        // every follower really reached the engine: each got the last line of the history
        await().atMost(PATIENCE).until(() -> sinks.stream().allMatch(s -> !s.items.isEmpty()));
        assertThat(runtime.openStreams()).isEqualTo(streamsBefore + 500);
        followers.forEach(Subscription::close);

        await().atMost(PATIENCE).until(() -> runtime.openStreams() == streamsBefore);
        await().atMost(PATIENCE).until(() -> threads.getThreadCount() <= threadsBefore + THREAD_SLACK);
        await().atMost(PATIENCE).until(() -> sinks.stream().allMatch(Collector::ended));
        assertThat(sinks).allSatisfy(s -> {
            assertThat(s.ends).hasValue(1);
            assertThat(s.error).hasNullValue();
            assertThat(s.nextAfterEnd).hasValue(0);
        });
        assertThat(followers).noneMatch(Subscription::isOpen);
        assertThat(runtime.inspect(console.ref(), soon()).running()).isTrue();
    }

    private void warmUp(Console console) {
        Collector<LogLine> sink = new Collector<>();
        Subscription s = runtime.logs(console.ref(), LogRequest.follow(1), sink);
        await().atMost(PATIENCE).until(() -> !sink.items.isEmpty());
        s.close();
        await().atMost(PATIENCE).until(sink::ended);
    }

    @Test
    void historyTailReturnsTheLastLines() {
        Console console = startBooted(spec().build());
        runtime.sendInput(console.ref(), "flood 50", soon());
        console.awaitLine("line 50");

        Collector<LogLine> history = new Collector<>();
        closeAfterTest(runtime.logs(console.ref(), LogRequest.history(10), history));

        await().atMost(PATIENCE).until(history::ended);
        assertThat(history.texts()).containsExactlyElementsOf(IntStream.rangeClosed(41, 50).mapToObj(i -> "line " + i).toList());
        assertThat(history.items).allSatisfy(l -> {
            assertThat(l.stream()).isEqualTo(LogLine.Stream.STDOUT);
            assertThat(l.serverId()).isEqualTo(console.ref().serverId());
        });
        assertThat(history.error).hasNullValue();
    }

    @Test
    void followDeliversAFloodCompletelyAndInOrder() {
        Console console = startBooted(spec().build());
        Collector<LogLine> live = new Collector<>();
        closeAfterTest(runtime.logs(console.ref(), LogRequest.follow(0), live));

        runtime.sendInput(console.ref(), "flood 2000", soon());

        await().atMost(PATIENCE).until(() -> live.hasLine("line 2000"));
        assertThat(live.texts().stream().filter(t -> t.startsWith("line ")).toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2000).mapToObj(i -> "line " + i).toList());
    }

    @Test
    void followEndsOnceWhenTheServerStops() {
        Console console = startBooted(spec().build());

        runtime.sendInput(console.ref(), "stop", soon());

        await().atMost(PATIENCE).until(console.lines()::ended);
        assertThat(console.lines().texts()).last().isEqualTo("Stopping server");
        assertThat(console.lines().ends).hasValue(1);
        assertThat(console.lines().error).hasNullValue();
        assertThat(console.subscription().isOpen()).isFalse();
    }

    @Test
    void statsDeliverASampleWithMemoryInUse() {
        Console console = startBooted(spec().build());
        int streamsBefore = runtime.openStreams();
        Collector<StatsSample> stats = new Collector<>();
        Subscription s = runtime.stats(console.ref(), stats);

        await().atMost(PATIENCE).until(() -> !stats.items.isEmpty());
        StatsSample sample = stats.items.getFirst();
        assertThat(sample.serverId()).isEqualTo(console.ref().serverId());
        assertThat(sample.memoryBytes()).isPositive();
        assertThat(sample.memoryLimitBytes()).isGreaterThanOrEqualTo(sample.memoryBytes());
        assertThat(sample.pids()).isPositive();
        assertThat(sample.cpuAbsolute()).isNotNegative();

        s.close();
        await().atMost(PATIENCE).until(stats::ended);
        await().atMost(PATIENCE).until(() -> runtime.openStreams() == streamsBefore);
        assertThat(stats.ends).hasValue(1);
    }

    @Test
    void logsOfAMissingContainerEndWithNotFound() {
        Collector<LogLine> sink = new Collector<>();
        var missing = new ContainerRef("does-not-exist-" + testToken, null, newServerId());

        runtime.logs(missing, LogRequest.follow(10), sink);

        await().atMost(PATIENCE).until(sink::ended);
        assertThat(sink.error.get()).isInstanceOf(EngineException.NotFound.class);
    }
}
