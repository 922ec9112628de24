package dev.raptor.process;

import dev.raptor.core.runtime.LogLine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the pump's files: stamps, streams, tail across files, since, and lines still being written. */
class ConsoleLogTest {
    private static final long T = 1_800_000_000_000L;

    @TempDir
    Path dir;
    private ConsoleLog log;

    @BeforeEach
    void files() throws Exception {
        write(1, T + " Oa1\n" + (T + 10) + " Ea2\n");
        write(2, (T + 20) + " Ob1\n" + (T + 30) + " Ob2\n");
        write(3, (T + 40) + " Oc1\n" + (T + 50) + " Oc2\n");
        log = new ConsoleLog(new RecordFiles(dir), UUID.randomUUID());
    }

    private void write(long seq, String content) throws Exception {
        Files.writeString(new RecordFiles(dir).logFile(1, seq), content, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The order key of part {@code part} of run 1. */
    private static long seq(long part) {
        return new RecordFiles.LogFile(1, part, null).seq();
    }

    private static List<String> texts(List<LogLine> lines) {
        return lines.stream().map(LogLine::text).toList();
    }

    @Test
    void historyReadsEveryFileInOrderWithEachLinesStampAndStream() throws Exception {
        List<LogLine> all = log.history(-1, null).lines();

        assertThat(texts(all)).containsExactly("a1", "a2", "b1", "b2", "c1", "c2");
        assertThat(all.get(1).at()).isEqualTo(Instant.ofEpochMilli(T + 10));
        assertThat(all.get(1).stream()).isEqualTo(LogLine.Stream.STDERR);
        assertThat(all.get(0).stream()).isEqualTo(LogLine.Stream.STDOUT);
    }

    @Test
    void tailReachesBackAcrossFiles() throws Exception {
        assertThat(texts(log.history(3, null).lines())).containsExactly("b2", "c1", "c2");
        assertThat(log.history(0, null).lines()).isEmpty();
    }

    @Test
    void sinceKeepsExactlyTheLinesStampedAtOrAfterIt() throws Exception {
        assertThat(texts(log.history(-1, Instant.ofEpochMilli(T + 30)).lines())).containsExactly("b2", "c1", "c2");
        assertThat(texts(log.history(1, Instant.ofEpochMilli(T + 31)).lines())).containsExactly("c2");
    }

    @Test
    void aLineStillBeingWrittenIsDeliveredOnlyOnceComplete() throws Exception {
        ConsoleLog.Chunk h = log.history(-1, null);
        write(3, (T + 60) + " Opart");

        ConsoleLog.Chunk first = log.readFrom(h.next(), null, false);
        write(3, "ial\n");
        ConsoleLog.Chunk second = log.readFrom(first.next(), null, false);

        assertThat(first.lines()).isEmpty();
        assertThat(texts(second.lines())).containsExactly("partial");
    }

    @Test
    void historyUpToAMarkEndsBeforeTheLineTheMarkCutsAndReadingOnFromItDeliversEveryLaterLineOnce() throws Exception {
        write(3, (T + 60) + " Oc3 being wr");
        ConsoleLog.Position mark = log.written();
        write(3, "itten\n" + (T + 70) + " Oc4\n");
        write(4, (T + 80) + " Od1\n"); // rotated after the mark

        ConsoleLog.Chunk history = log.history(2, null, mark);
        ConsoleLog.Chunk after = log.readFrom(history.next(), null, false);

        assertThat(texts(history.lines())).as("the tail of what was whole at the mark").containsExactly("c1", "c2");
        assertThat(texts(after.lines())).containsExactly("c3 being written", "c4", "d1");
        assertThat(log.history(0, null, mark).next()).isEqualTo(history.next());
    }

    @Test
    void aMarkTakenBeforeAnythingWasWrittenLeavesNoHistoryAndEveryLineToReadOn() throws Exception {
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        ConsoleLog fresh = new ConsoleLog(new RecordFiles(empty), UUID.randomUUID());
        ConsoleLog.Position mark = fresh.written();
        Files.writeString(new RecordFiles(empty).logFile(1, 1), T + " Ofirst\n");

        ConsoleLog.Chunk history = fresh.history(-1, null, mark);

        assertThat(history.lines()).isEmpty();
        assertThat(texts(fresh.readFrom(history.next(), null, false).lines())).containsExactly("first");
    }

    @Test
    void followingMovesOnToTheNextFile() throws Exception {
        ConsoleLog.Position atB = new ConsoleLog.Position(seq(2), 0);
        assertThat(texts(log.readFrom(atB, null, false).lines())).containsExactly("b1", "b2", "c1", "c2");
    }

    @Test
    void aReaderWhoseFileWasRotatedAwayIsToldThatLinesWereSkippedThenReadsOn() throws Exception {
        Files.delete(new RecordFiles(dir).logFile(1, 1));
        ConsoleLog.Position inDeletedFile = new ConsoleLog.Position(seq(1), 5);

        List<LogLine> lines = log.readFrom(inDeletedFile, null, false).lines();

        assertThat(texts(lines)).containsExactly(ConsoleLog.SKIPPED, "b1", "b2", "c1", "c2");
        assertThat(lines.getFirst().stream()).isEqualTo(LogLine.Stream.STDERR);
        assertThat(lines.getFirst().at()).as("just before the next line, at no stamp the log holds").isEqualTo(
                Instant.ofEpochMilli(T + 20).minusNanos(1));
    }

    @Test
    void aLineNotWrittenByThePumpKeepsThePreviousStampAndCountsAsStdout() throws Exception {
        write(3, "garbage without stamp\r\n");

        LogLine last = log.history(1, null).lines().getFirst();

        assertThat(last.text()).isEqualTo("garbage without stamp");
        assertThat(last.at()).isEqualTo(Instant.ofEpochMilli(T + 50));
        assertThat(last.stream()).isEqualTo(LogLine.Stream.STDOUT);
    }
}
