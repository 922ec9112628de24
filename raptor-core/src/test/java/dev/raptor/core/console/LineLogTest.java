package dev.raptor.core.console;

import dev.raptor.core.runtime.LogLine;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the log cuts deliveries into batches that subscribers share: readers at the same cursor in the
 * same tick get the same batch instance, readers elsewhere their own, and no reader ever misses or
 * repeats a line.
 */
class LineLogTest {
    private static final UUID SERVER = UUID.randomUUID();

    private final LineLog log = new LineLog(1_000_000, 1L << 40);
    private int appended;

    private void append(int n) {
        for (int i = 0; i < n; i++) {
            log.append(new LogLine(SERVER, Instant.EPOCH, LogLine.Stream.STDOUT, "line " + appended++));
        }
    }

    private static List<String> texts(ConsoleListener.Batch b) {
        return b.lines().stream().map(LogLine::text).toList();
    }

    private static List<String> lines(int from, int toExclusive) {
        return IntStream.range(from, toExclusive).mapToObj(i -> "line " + i).toList();
    }

    @Test
    void readersAtTheSameCursorInOneTickGetTheSameBatchEvenAfterTheHeadMovedOn() {
        append(10);
        ConsoleListener.Batch first = log.cut(0, 5_000, 7);
        append(5);
        ConsoleListener.Batch second = log.cut(0, 5_000, 7);

        assertThat(second).isSameAs(first);
        assertThat(texts(first)).isEqualTo(lines(0, 10));
    }

    @Test
    void aReaderAtAnotherCursorGetsABatchOfItsOwnEndingAtTheSameMark() {
        append(10);
        ConsoleListener.Batch fromStart = log.cut(0, 5_000, 7);
        append(5);
        ConsoleListener.Batch lagging = log.cut(4, 5_000, 7);

        assertThat(lagging).isNotSameAs(fromStart);
        assertThat(texts(lagging)).isEqualTo(lines(4, 10));
    }

    @Test
    void aReaderWithASmallerBatchLimitGetsABatchOfItsOwn() {
        append(10);
        ConsoleListener.Batch full = log.cut(0, 5_000, 7);
        ConsoleListener.Batch limited = log.cut(0, 3, 7);

        assertThat(limited).isNotSameAs(full);
        assertThat(texts(limited)).isEqualTo(lines(0, 3));
        assertThat(log.cut(0, 3, 7)).isSameAs(limited);
    }

    @Test
    void theNextTickCutsAtTheNewHead() {
        append(10);
        ConsoleListener.Batch first = log.cut(0, 5_000, 7);
        append(5);
        ConsoleListener.Batch next = log.cut(10, 5_000, 8);
        append(5);

        assertThat(texts(next)).isEqualTo(lines(10, 15));
        assertThat(log.cut(10, 5_000, 8)).isSameAs(next);
        assertThat(log.cut(0, 5_000, 8)).as("a reader behind the old mark catches up to the new one")
                .isNotSameAs(first)
                .satisfies(b -> assertThat(texts(b)).isEqualTo(lines(0, 15)));
    }

    @Test
    void aReaderAlreadyAtTheMarkMovesItOnForTheOthersOfTheTick() {
        append(10);
        log.cut(0, 5_000, 7);
        append(5);
        ConsoleListener.Batch beyond = log.cut(10, 5_000, 7);
        ConsoleListener.Batch sameCursor = log.cut(10, 5_000, 7);
        ConsoleListener.Batch behind = log.cut(0, 5_000, 7);

        assertThat(texts(beyond)).isEqualTo(lines(10, 15));
        assertThat(sameCursor).isSameAs(beyond);
        assertThat(texts(behind)).isEqualTo(lines(0, 15));
    }

    @Test
    void whatListenersDeriveFromABatchIsComputedOncePerFunction() {
        append(3);
        ConsoleListener.Batch batch = log.cut(0, 5_000, 1);
        AtomicInteger joins = new AtomicInteger();
        Function<List<LogLine>, String> join = ls -> {
            joins.incrementAndGet();
            return String.join("\n", ls.stream().map(LogLine::text).toList());
        };
        Function<List<LogLine>, Integer> count = List::size;

        String a = batch.shared(join);
        String b = log.cut(0, 5_000, 1).shared(join);
        Integer n = batch.shared(count);

        assertThat(b).isSameAs(a).isEqualTo("line 0\nline 1\nline 2");
        assertThat(joins).hasValue(1);
        assertThat(n).isEqualTo(3);
    }

    @Test
    void readersCuttingInAnyOrderGetEveryLineOnceInOrder() {
        Random random = new Random(42);
        int readers = 12;
        long[] cursors = new long[readers];
        List<List<String>> got = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            got.add(new ArrayList<>());
        }
        int[] limits = {1, 7, 50, 5_000};
        long tick = 0;
        for (int step = 0; step < 20_000; step++) {
            switch (random.nextInt(4)) {
                case 0 -> append(1 + random.nextInt(20));
                case 1 -> tick++;
                default -> {
                    int r = random.nextInt(readers);
                    if (cursors[r] < log.head()) {
                        ConsoleListener.Batch b = log.cut(cursors[r], limits[r % limits.length], tick);
                        assertThat(b.size()).isBetween(1, limits[r % limits.length]);
                        got.get(r).addAll(texts(b));
                        cursors[r] += b.size();
                    }
                }
            }
        }
        for (int r = 0; r < readers; r++) {
            while (cursors[r] < log.head()) {
                ConsoleListener.Batch b = log.cut(cursors[r], limits[r % limits.length], ++tick);
                got.get(r).addAll(texts(b));
                cursors[r] += b.size();
            }
            assertThat(got.get(r)).isEqualTo(lines(0, appended));
        }
    }
}
