package dev.raptor.process;

import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The thread behind one {@code logs} subscription: delivers the requested history, then (when following)
 * polls the console files for new lines until the run is over and the pump has written its last line,
 * the record is removed, or the subscription is closed.
 *
 * <p>A follow's new lines are those written from the call on, not from when this thread first reads: the thread
 * runs later (tenths of a second on a loaded machine, while a chatty server writes thousands of lines), and a line
 * written meanwhile taken for history would be cut off by the request's tail (by a tail of 0 entirely). So the
 * constructor, which runs on the caller's thread, marks where the output ends ({@link ConsoleLog#written()}: a
 * file and an offset, which rotation does not move); the history is what lies before the mark and the follow
 * reads on from it, also when the server stopped before this thread ran.
 *
 * <p>From the mark on, a follow {@link LogHolds holds} the files it has not finished, so that the pump, which rotates
 * without the daemon, does not delete them under it (within the pump's bound; past it the follow says that lines
 * were skipped, see {@link ConsoleLog#readFrom}). The hold moves on with every file read and ends with the follow.
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
    private final ConsoleLog log;
    /** The record as it was at the call: another one in its place is another container. */
    private final Object identity;
    /** Where the output ended when the follow was asked for (null: not following, the history is read up to its read). */
    private final ConsoleLog.Position asked;
    /** The files this follow has not finished, from {@link #asked} on (null: not following). */
    private final LogHolds.Hold hold;

    /** Called on the caller's thread, at the call: a follow marks where the output ends now (see the class comment). */
    LogFollower(RecordFiles files, UUID serverId, LogRequest request, Duration poll) {
        this.files = files;
        this.serverId = serverId;
        this.request = request;
        this.poll = poll;
        this.log = new ConsoleLog(files, serverId);
        this.identity = files.identity();
        this.asked = request.follow() ? markNow() : null;
        this.hold = asked == null ? null : LogHolds.hold(files, asked.seq());
    }

    private ConsoleLog.Position markNow() {
        try {
            return log.written();
        } catch (IOException e) {
            return null; // the record cannot be listed (removed as it was asked for): the thread finds out and ends
        }
    }

    @Override
    public void run(ThreadSubscription<LogLine> out) throws IOException {
        try {
            follow(out);
        } finally {
            if (hold != null) {
                hold.close();
            }
        }
    }

    private void follow(ThreadSubscription<LogLine> out) throws IOException {
        RunFacts facts = RunFacts.observe(files);
        if (!facts.running()) {
            awaitPump();
        }
        ConsoleLog.Chunk history = log.history(request.tail(), request.since(), asked);
        if (!emitAll(out, history.lines()) || !request.follow()) {
            return;
        }
        ConsoleLog.Position pos = history.next();
        holdFrom(pos);
        if (!facts.running()) {
            drain(out, pos); // stopped, maybe since the call: what it wrote from the call on, and no more
            return;
        }
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
            holdFrom(pos);
            if (!emitAll(out, chunk.lines())) {
                return;
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
                    drain(out, pos);
                    return;
                }
            }
            backoff.pause();
        }
    }

    /** Everything after {@code from} once nothing more will be written, a last line without its newline too. */
    private void drain(ThreadSubscription<LogLine> out, ConsoleLog.Position from) throws IOException {
        ConsoleLog.Position pos = from;
        while (true) {
            ConsoleLog.Chunk chunk = log.readFrom(pos, request.since(), true);
            if (!emitAll(out, chunk.lines()) || chunk.next().equals(pos)) {
                return;
            }
            pos = chunk.next();
            holdFrom(pos);
        }
    }

    /** The files before {@code pos}'s are read: the pump may delete them. */
    private void holdFrom(ConsoleLog.Position pos) {
        if (hold != null) {
            hold.moveTo(pos.seq());
        }
    }

    /** Hands {@code lines} on in order; false once the subscription is closed. */
    private static boolean emitAll(ThreadSubscription<LogLine> out, List<LogLine> lines) {
        for (LogLine line : lines) {
            if (!out.emit(line)) {
                return false;
            }
        }
        return true;
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
