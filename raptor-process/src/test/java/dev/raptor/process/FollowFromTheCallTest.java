package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import dev.raptor.core.testing.CollectedLines;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A follow's new lines are those written from the call on, however late its thread first reads: here the follower
 * is made (the call, as {@link ProcessRuntime#logs} makes it on the caller's thread) and its thread started only after
 * the server wrote a flood across a log rotation, as a loaded machine schedules it late.
 */
class FollowFromTheCallTest extends RuntimeTest {
    private static final int FLOOD = 300;
    /** About 19 KiB: five files of 4 KiB, more than the 3 kept and within twice that. */
    private static final int HELD_FLOOD = 800;
    /** About 75 KiB: far past twice the 3 files kept. */
    private static final int PAST_THE_BOUND = 3000;

    @Override
    ProcessRuntimeConfig config() {
        return super.config().withLogRotation(4096, 3); // FLOOD (about 7 KiB) rotates once or twice, nothing is deleted
    }

    @Test
    void linesWrittenBetweenTheCallAndTheFollowersThreadAreNewLinesEvenAcrossARotation() throws Exception {
        ContainerRef ref = bootedWithALineBeforeTheCall();
        RecordFiles files = record(ref);
        long newestAtCall = files.logFiles().getLast().seq();

        LogFollower follower = new LogFollower(files, ref.serverId(), LogRequest.follow(0), Duration.ofMillis(20));
        flood(ref);
        assertThat(files.logFiles().getLast().seq()).as("the flood rotated the log").isGreaterThan(newestAtCall);

        CollectedLines out = new CollectedLines();
        ThreadSubscription<LogLine> s = ThreadSubscription.start("follow-late", out, follower, x -> { });
        try {
            runtime.sendInput(ref, "stop", soon());
            assertThat(out.ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the follow ends with the run").isTrue();
        } finally {
            s.close();
        }

        assertThat(out.texts()).as("a tail of 0: nothing from before the call").doesNotContain("[Server] before the call");
        assertThat(out.texts().stream().filter(t -> t.startsWith("line ")).toList()).as("every flood line once, in order")
                .containsExactlyElementsOf(floodLines());
        assertThat(out.texts().getLast()).isEqualTo("Stopping server");
    }

    @Test
    void aServerThatStoppedBeforeTheFollowersThreadRanHasItsLinesFromTheCallDeliveredAfterTheTail() throws Exception {
        ContainerRef ref = bootedWithALineBeforeTheCall();
        RecordFiles files = record(ref);

        LogFollower follower = new LogFollower(files, ref.serverId(), LogRequest.follow(1), Duration.ofMillis(20));
        flood(ref);
        runtime.sendInput(ref, "stop", soon());
        assertThat(runtime.awaitExit(ref, soon())).as("stopped before the follower's thread runs").isPresent();

        CollectedLines out = new CollectedLines();
        ThreadSubscription<LogLine> s = ThreadSubscription.start("follow-late", out, follower, x -> { });
        try {
            assertThat(out.ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the follow of a stopped server ends").isTrue();
        } finally {
            s.close();
        }

        List<String> expected = new ArrayList<>();
        expected.add("[Server] before the call"); // the tail of 1: the last line before the call
        expected.addAll(floodLines());
        expected.add("Stopping server");
        assertThat(out.texts()).as("the tail, then every line from the call on, each once, in order").containsExactlyElementsOf(expected);
    }

    /**
     * The pump rotates without the daemon: a follower that runs late while the server writes more than the kept files
     * must still find its files (they are held for it), and get every line.
     */
    @Test
    void aFollowerHeldBackWhileTheServerWritesPastTheKeptFilesGetsEveryLineOnce() throws Exception {
        HeldBack h = heldBackThroughAFlood(HELD_FLOOD);
        assertThat(h.files().logFiles()).as("the flood wrote more than the 3 files kept").hasSizeGreaterThan(3);
        assertThat(h.files().logFiles().getFirst().seq()).as("the follower's file is held").isEqualTo(h.markedFile());

        CollectedLines out = followToTheStop(h.ref(), h.follower());

        assertThat(out.texts()).as("nothing skipped").doesNotContain(ConsoleLog.SKIPPED);
        assertThat(out.texts().stream().filter(t -> t.startsWith("line ")).toList()).as("every flood line once, in order")
                .containsExactlyElementsOf(floodLines(HELD_FLOOD));
        assertThat(out.texts().getLast()).isEqualTo("Stopping server");
        assertThat(LogHolds.oldestHeld(h.files())).as("the hold ends with the follow").isEqualTo(-1);
    }

    /** A follower that stays behind past the pump's bound does not keep files forever, and is told what it lost. */
    @Test
    void aFollowerHeldBackPastTheBoundIsToldThatLinesWereSkipped() throws Exception {
        HeldBack h = heldBackThroughAFlood(PAST_THE_BOUND);
        assertThat(h.files().logFiles()).as("at most twice the 3 kept, however far behind the follower is").hasSizeLessThanOrEqualTo(6);
        assertThat(h.files().logFiles().getFirst().seq()).as("the follower's file went all the same").isGreaterThan(h.markedFile());

        CollectedLines out = followToTheStop(h.ref(), h.follower());

        List<String> texts = out.texts();
        assertThat(texts.getFirst()).as("where its lines went: a marker, not silence").isEqualTo(ConsoleLog.SKIPPED);
        List<String> rest = texts.subList(1, texts.size() - 1);
        int first = Integer.parseInt(rest.getFirst().substring("line ".length()));
        assertThat(first).as("lines were lost").isGreaterThan(1);
        assertThat(rest).as("then every line left, once, in order").containsExactlyElementsOf(
                IntStream.rangeClosed(first, PAST_THE_BOUND).mapToObj(i -> "line " + i).toList());
        assertThat(texts.getLast()).isEqualTo("Stopping server");
    }

    /** A booted server, the log file its output ended in when a follow was asked for, and that follow. */
    private record HeldBack(ContainerRef ref, RecordFiles files, long markedFile, LogFollower follower) {
    }

    /** A follow asked for on a booted server, whose thread does not run while the server floods {@code n} lines. */
    private HeldBack heldBackThroughAFlood(int n) {
        ContainerRef ref = bootedWithALineBeforeTheCall();
        RecordFiles files = record(ref);
        long markedFile = files.logFiles().getLast().seq();
        return new HeldBack(ref, files, markedFile, madeBeforeAFlood(ref, n));
    }

    /**
     * A follow with a tail of 0 asked for now (made on this thread, as {@link ProcessRuntime#logs} makes it), whose
     * thread does not run while the server floods {@code n} lines.
     */
    private LogFollower madeBeforeAFlood(ContainerRef ref, int n) {
        LogFollower follower = new LogFollower(record(ref), ref.serverId(), LogRequest.follow(0), Duration.ofMillis(20));
        flood(ref, n);
        return follower;
    }

    /** Starts {@code follower}'s thread now, stops the server and waits for the follow to end. */
    private CollectedLines followToTheStop(ContainerRef ref, LogFollower follower) throws InterruptedException {
        CollectedLines out = new CollectedLines();
        ThreadSubscription<LogLine> s = ThreadSubscription.start("follow-late", out, follower, x -> { });
        try {
            runtime.sendInput(ref, "stop", soon());
            assertThat(out.ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the follow ends with the run").isTrue();
        } finally {
            s.close();
        }
        return out;
    }

    /** A booted game server whose last line is "[Server] before the call". */
    private ContainerRef bootedWithALineBeforeTheCall() {
        try (Console console = booted(TestHost.gameServer().name("asked").build())) {
            runtime.sendInput(console.ref(), "say before the call", soon());
            console.awaitLine("[Server] before the call");
            return console.ref();
        }
    }

    /** Floods the server and waits until its last flood line is in the log (read as history, not by the follower). */
    private void flood(ContainerRef ref) {
        flood(ref, FLOOD);
    }

    private void flood(ContainerRef ref, int n) {
        runtime.sendInput(ref, "flood " + n, soon());
        await().atMost(PATIENCE)
                .until(() -> texts(history(runtime, ref, LogRequest.history(1))).contains("line " + n));
    }

    private RecordFiles record(ContainerRef ref) {
        return new RecordFiles(tmp.resolve("process").resolve(ref.serverId().toString()));
    }

    private static List<String> floodLines() {
        return floodLines(FLOOD);
    }

    private static List<String> floodLines(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "line " + i).toList();
    }
}
