package dev.raptor.process;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The thread behind one {@code logs} subscription: delivers the requested history, then (when following)
 * polls the console files for new lines until the run is over and the pump has written its last line,
 * the record is removed, or the subscription is closed.
 */
final class LogFollower implements ThreadSubscription.Body<LogLine> {
    /** How long to wait, after the run ended, for the pump to write the last lines (a straggler may hold its pipe). */
    static final Duration PUMP_GRACE = Duration.ofSeconds(2);
    /** The first pause after lines arrived: more of the same burst is likely soon. */
    private static final Duration AFTER_OUTPUT = Duration.ofMillis(10);
    /** How long a follow looks every millisecond at first: a start waits for its ready line, often printed within that. */
    private static final Duration DENSE_AT_FIRST = Duration.ofMillis(20);

    private final RecordFiles files;
    private final UUID serverId;
    private final LogRequest request;
    private final Duration poll;

    LogFollower(RecordFiles files, UUID serverId, LogRequest request, Duration poll) {
        this.files = files;
        this.serverId = serverId;
        this.request = request;
        this.poll = poll;
    }

    @Override
    public void run(ThreadSubscription<LogLine> out) throws IOException {
        Object identity = files.identity();
        ConsoleLog log = new ConsoleLog(files, serverId);
        RunFacts facts = RunFacts.observe(files);
        if (!facts.running()) {
            awaitPump();
        }
        ConsoleLog.Chunk history = log.history(request.tail(), request.since());
        for (LogLine line : history.lines()) {
            if (!out.emit(line)) {
                return;
            }
        }
        if (!request.follow() || !facts.running()) {
            return;
        }
        ConsoleLog.Position pos = history.next();
        Instant endedAt = null;
        // A follower usually begins as a run begins (a start waits for its ready line): the looks come every
        // millisecond for the first DENSE_AT_FIRST, then further apart up to the poll interval, so a boot's first
        // lines are seen at once instead of after half a poll interval on average. Output comes in bursts (a boot, a
        // command's answer): after lines, the next look is AFTER_OUTPUT away, not at once, so a chatty
        // server costs a few looks per burst rather than one per line.
        PollBackoff backoff = new PollBackoff(DENSE_AT_FIRST.toMillis(), poll.toMillis());
        while (out.isOpen()) {
            ConsoleLog.Chunk chunk = log.readFrom(pos, request.since(), false);
            pos = chunk.next();
            for (LogLine line : chunk.lines()) {
                if (!out.emit(line)) {
                    return;
                }
            }
            if (!chunk.lines().isEmpty()) {
                backoff.restartAt(AFTER_OUTPUT.toMillis());
                continue;
            }
            if (!Objects.equals(identity, files.identity())) {
                return; // removed (and maybe made anew: that is another container)
            }
            if (RunFacts.observe(files).running()) {
                endedAt = null;
            } else {
                endedAt = endedAt == null ? Instant.now() : endedAt;
                if (files.pumpFinished() || endedAt.plus(PUMP_GRACE).isBefore(Instant.now())) {
                    for (LogLine line : log.readFrom(pos, request.since(), true).lines()) {
                        if (!out.emit(line)) {
                            return;
                        }
                    }
                    return;
                }
            }
            backoff.pause();
        }
    }

    /** After a run, wait (briefly) until the pump has written everything, so history is complete. */
    private void awaitPump() {
        if (RunFacts.observe(files).startedAt() == null) {
            return;
        }
        long until = System.nanoTime() + PUMP_GRACE.toNanos();
        while (!files.pumpFinished() && System.nanoTime() - until < 0 && Files.isDirectory(files.dir())) {
            Pause.millis(10);
        }
    }
}
