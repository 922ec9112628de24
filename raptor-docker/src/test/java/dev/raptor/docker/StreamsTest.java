package dev.raptor.docker;

import dev.raptor.core.runtime.ContainerInfo;
import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.EngineException;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.runtime.StatsReading;
import dev.raptor.core.runtime.StatsSample;
import dev.raptor.core.runtime.Subscription;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    void sinceCutsToTheNanosecondOfTheEnginesStamps() {
        Console console = startBooted(spec().build());
        runtime.sendInput(console.ref(), "flood 50", soon());
        console.awaitLine("line 50");
        Collector<LogLine> all = new Collector<>();
        closeAfterTest(runtime.logs(console.ref(), LogRequest.history(-1), all));
        await().atMost(PATIENCE).until(all::ended);
        List<LogLine> flood = all.items.stream().filter(l -> l.text().startsWith("line ")).toList();
        assertThat(flood).hasSize(50);
        // the engine's stamps, not read times: one flood prints within a second, so most lines share a
        // second with their neighbours and only a sub-second bound can cut between them
        assertThat(flood).extracting(LogLine::at).isSorted();
        Instant at25 = flood.get(24).at();
        assertThat(flood.getLast().at()).isBefore(at25.plusSeconds(1));

        Collector<LogLine> since = new Collector<>();
        closeAfterTest(runtime.logs(console.ref(), new LogRequest(-1, false, at25), since));
        await().atMost(PATIENCE).until(since::ended);

        List<LogLine> expected = all.items.stream().filter(l -> !l.at().isBefore(at25)).toList();
        assertThat(since.items).isEqualTo(expected);
        assertThat(since.texts()).contains("line 25", "line 50").doesNotContain("line 24");
    }

    @Test
    void aRestartsOutputIsCutFromThePreviousRunsByTheStartRequestAndNotLostByOutputSince() {
        Console console = startBooted(spec().build());
        ContainerRef ref = console.ref();
        runtime.sendInput(ref, "say first run", soon());
        console.awaitLine("[Server] first run");
        runtime.sendInput(ref, "stop", soon());
        await().atMost(PATIENCE).until(() -> !runtime.inspect(ref, soon()).running());

        Instant requested = Instant.now();
        runtime.start(ref, soon());
        ContainerInfo second = runtime.inspect(ref, soon());

        Collector<LogLine> all = new Collector<>();
        closeAfterTest(runtime.logs(ref, LogRequest.follow(-1), all));
        await().atMost(PATIENCE).until(() -> all.texts().stream().filter(TestEngine.DONE_LINE::equals).count() == 2);
        List<String> texts = all.texts();
        List<String> secondBoot = texts.subList(texts.lastIndexOf("Stopping server") + 1, texts.lastIndexOf(TestEngine.DONE_LINE) + 1);

        // since the start request: exactly the new run, from its first line
        Collector<LogLine> sinceRequest = new Collector<>();
        closeAfterTest(runtime.logs(ref, new LogRequest(-1, false, requested), sinceRequest));
        await().atMost(PATIENCE).until(sinceRequest::ended);
        assertThat(sinceRequest.texts()).startsWith(secondBoot.toArray(String[]::new));

        // since what inspect says: none of the new run's lines is cut off (the engine stamps the first ones
        // before its StartedAt), none of the first run's boot comes back
        assertThat(second.outputSince()).isBeforeOrEqualTo(second.startedAt());
        Collector<LogLine> sinceOutput = new Collector<>();
        closeAfterTest(runtime.logs(ref, new LogRequest(-1, false, second.outputSince()), sinceOutput));
        await().atMost(PATIENCE).until(sinceOutput::ended);
        assertThat(sinceOutput.texts()).containsSubsequence(secondBoot).doesNotContain("[Server] first run");
        assertThat(sinceOutput.texts().stream().filter(TestEngine.DONE_LINE::equals).count()).isEqualTo(1);
    }

    @Test
    void aLineLongerThanTheEnginesBufferArrivesWholeWithOneStamp() {
        Console console = startBooted(spec().build());
        String payload = "x".repeat(40_000); // the engine splits it into 16 KiB messages, each stamped

        runtime.sendInput(console.ref(), "say " + payload, soon());

        console.awaitLine("[Server] " + payload);
        // the history too (the engine's tail counts its 16 KiB messages, so read it all)
        Collector<LogLine> history = new Collector<>();
        closeAfterTest(runtime.logs(console.ref(), LogRequest.history(-1), history));
        await().atMost(PATIENCE).until(history::ended);
        List<LogLine> longOnes = history.items.stream().filter(l -> l.text().length() > 1000).toList();
        assertThat(longOnes).hasSize(1);
        assertThat(longOnes.getFirst().text().equals("[Server] " + payload))
                .as("the long line whole, got %d characters", longOnes.getFirst().text().length()).isTrue();
    }

    @Test
    void aFollowAcrossTheEnginesLogRotationDeliversEveryLineOnceInOrder() {
        // 200,000 lines are about 16 MB of json-file log: the 10 MB rotation happens in the middle, where
        // Docker 20.10's own follow stream loses and repeats messages; the follow reads the attach instead
        Console console = startBooted(spec().build());
        int[] numbers = new int[200_001];
        AtomicInteger count = new AtomicInteger();
        AtomicBoolean over = new AtomicBoolean();
        // a sink that keeps up (the runtime's contract): the attach waits for its reader, and so would the server
        closeAfterTest(runtime.logs(console.ref(), LogRequest.follow(0), line -> {
            if (line.text().startsWith("line ")) {
                int n = count.getAndIncrement();
                numbers[Math.min(n, numbers.length - 1)] = Integer.parseInt(line.text().substring(5));
            } else if (line.text().equals("[Server] flood over")) {
                over.set(true);
            }
        }));

        runtime.sendInput(console.ref(), "flood 200000", soon());
        runtime.sendInput(console.ref(), "say flood over", soon());

        await().atMost(PATIENCE).untilTrue(over);
        assertThat(count).hasValue(200_000);
        assertThat(Arrays.copyOf(numbers, 200_000)).as("every line once, in order").isEqualTo(IntStream.rangeClosed(1, 200_000).toArray());
    }

    @Test
    void aFollowWhoseStreamOpensLateStillDeliversEveryLineWrittenSinceItWasAskedFor() {
        // the stream is opened on a thread of its own, which on a loaded machine (load 20) runs tenths of a
        // second after the call while a flood goes on: played here by opening it only after the flood, as asked
        // for before it. The lines in between are new to the caller, not history that its tail leaves out
        Console console = startBooted(spec().build());
        Instant askedAt = Instant.now();
        runtime.sendInput(console.ref(), "flood 5000", soon());
        runtime.sendInput(console.ref(), "say flood over", soon());
        await().atMost(PATIENCE).until(() -> lastLine(console).equals("[Server] flood over"));

        Collector<LogLine> live = new Collector<>();
        closeAfterTest(runtime.logs(console.ref(), LogRequest.follow(2), askedAt, live));
        runtime.sendInput(console.ref(), "say after", soon());

        await().atMost(PATIENCE).until(() -> live.hasLine("[Server] after"));
        List<String> texts = live.texts();
        assertThat(texts.stream().filter(t -> t.startsWith("line ")).toList()).as("every line once, in order")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 5000).mapToObj(i -> "line " + i).toList());
        assertThat(texts.subList(texts.indexOf("line 5000") + 1, texts.size()))
                .containsExactly("[Server] flood over", "[Server] after");
        assertThat(texts.indexOf("line 1")).as("the tail: the two lines before the follow was asked for").isEqualTo(2);
    }

    @Test
    void aFollowThatOpensOnlyAfterTheServerStoppedStillDeliversItsLastLines() {
        // asked for while the server ran, opened once it had stopped: its last words are new lines, not history
        Console console = startBooted(spec().build());
        Instant askedAt = Instant.now();
        runtime.sendInput(console.ref(), "say last words", soon());
        runtime.sendInput(console.ref(), "stop", soon());
        await().atMost(PATIENCE).until(() -> !runtime.inspect(console.ref(), soon()).running());

        Collector<LogLine> late = new Collector<>();
        closeAfterTest(runtime.logs(console.ref(), LogRequest.follow(0), askedAt, late));

        await().atMost(PATIENCE).until(late::ended);
        assertThat(late.texts()).containsExactly("[Server] last words", "Stopping server");
        assertThat(late.error).hasNullValue();
    }

    private static String lastLine(Console console) {
        Collector<LogLine> history = new Collector<>();
        runtime.logs(console.ref(), LogRequest.history(1), history);
        await().atMost(PATIENCE).until(history::ended);
        List<String> texts = history.texts();
        return texts.isEmpty() ? "" : texts.getLast();
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
    void aOneShotReadingHasMemoryAndTheCpuTimeSinceStartAndLeavesNoStreamOpen() {
        Console console = startBooted(spec().build());
        int streamsBefore = runtime.openStreams();

        StatsReading first = runtime.readStats(console.ref(), soon()).orElseThrow();
        assertThat(first.sample().serverId()).isEqualTo(console.ref().serverId());
        assertThat(first.sample().memoryBytes()).isPositive();
        assertThat(first.sample().memoryLimitBytes()).isGreaterThanOrEqualTo(first.sample().memoryBytes());
        assertThat(first.sample().pids()).isPositive();
        assertThat(first.knowsCpuTime()).isTrue();
        assertThat(runtime.openStreams()).as("a one-shot read is a call, not a stream").isEqualTo(streamsBefore);

        // busy for a while: the CPU time since start grows between two readings, the engine's read time too
        runtime.sendInput(console.ref(), "flood 20000", soon());
        await().atMost(PATIENCE).until(() -> runtime.readStats(console.ref(), soon()).orElseThrow().cpuTotalNanos()
                > first.cpuTotalNanos());
        StatsReading later = runtime.readStats(console.ref(), soon()).orElseThrow();
        assertThat(later.sample().at()).isAfter(first.sample().at());

        runtime.sendInput(console.ref(), "stop", soon());
        await().atMost(PATIENCE).until(console.lines()::ended);
        await().atMost(PATIENCE).until(() -> !runtime.inspect(console.ref(), soon()).running());
        assertThat(runtime.readStats(console.ref(), soon())).as("a stopped container has no reading").isEmpty();
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
