package dev.raptor.docker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seam between the engine's log and the attach stream, on the layouts the engine produces: an attach
 * hooked between lines or inside one, a log that lags behind the attach, output that repeats itself. The
 * real engine is exercised in {@link StreamsTest} and {@link ConsoleRotationTest}.
 */
class OutputSeamTest {
    private static final Instant ATTACHED = Instant.parse("2026-12-05T10:00:00Z");

    private final ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    private final List<Instant> stamps = new ArrayList<>();
    private final OutputSeam seam = new OutputSeam(ATTACHED, null, (at, b, off, len) -> {
        delivered.write(b, off, len);
        stamps.add(at);
    });

    private static Instant at(long millis) {
        return ATTACHED.plusMillis(millis);
    }

    private void logged(long millis, String message) {
        seam.logged(at(millis), message.getBytes(StandardCharsets.UTF_8));
    }

    private void attached(long millis, String bytes) {
        byte[] b = bytes.getBytes(StandardCharsets.UTF_8);
        seam.attached(at(millis), b, 0, b.length);
    }

    private String delivered() {
        return delivered.toString(StandardCharsets.UTF_8);
    }

    private static String longLine(int n) {
        return String.format("a line of a flood, number %06d%n", n);
    }

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    @Test
    void linesLoggedBeforeTheAttachWasRequestedAreDeliveredAtOnce() {
        logged(-20, "old 1\n");
        logged(-10, "old 2\n");

        assertThat(delivered()).isEqualTo("old 1\nold 2\n");
        assertThat(seam.found()).isFalse();
    }

    @Test
    void anAttachHookedBetweenLinesContinuesTheLogWithoutAGapOrARepeat() {
        logged(-5, "line 1\n");
        // the log already has lines 2..4 (after the request); the attach begins at line 3
        logged(1, "line 2\n");
        logged(2, "line 3\n");
        logged(3, "line 4\n");
        attached(1, "line 3\nline 4\nline 5\n");

        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.CUT);
        attached(4, "line 6\n");

        assertThat(delivered()).isEqualTo(lines(1, 6));
    }

    @Test
    void anAttachHookedInsideALineJoinsItsEndToTheLogsBeginning() {
        logged(1, "hello world\n");
        logged(2, "next\n");
        attached(1, "rld\nnext\nmore\n");

        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.CUT);

        assertThat(delivered()).isEqualTo("hello world\nnext\nmore\n");
    }

    @Test
    void aLogBehindTheAttachIsWaitedForUntilItShowsTheAttachsBeginning() {
        logged(1, "line 1\n");
        attached(1, "line 2\nline 3\n");

        assertThat(seam.decide(true, false)).as("the log has not shown line 2 yet").isEqualTo(OutputSeam.Found.NOT_YET);
        assertThat(delivered()).isEmpty();

        seam.readingAgain();
        logged(1, "line 1\n"); // read again: already had it
        logged(2, "line 2\n");
        logged(3, "line 3\n");
        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.CUT);

        assertThat(delivered()).isEqualTo(lines(1, 3));
    }

    @Test
    void whenNothingComesOnTheAttachTheLogIsAllOnceThingsSettle() {
        logged(2, "late line\n");

        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.NOT_YET);
        assertThat(seam.decide(true, false)).isEqualTo(OutputSeam.Found.NOTHING_ATTACHED);
        attached(10, "after\n");

        assertThat(delivered()).isEqualTo("late line\nafter\n");
    }

    @Test
    void aPromptWithoutANewlineOnTheAttachIsNotMistakenForEvidence() {
        logged(1, "Done\n");
        attached(2, "> ");

        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.NOT_YET);
        assertThat(seam.decide(true, false)).isEqualTo(OutputSeam.Found.NOTHING_ATTACHED);

        assertThat(delivered()).isEqualTo("Done\n> ");
    }

    @Test
    void aFloodIsJoinedExactlyWhereverTheAttachBegins() {
        String all = lines(1, 3000);
        for (int begin : new int[]{0, 1, 7, 4321, 12_000, all.length() - 9}) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            OutputSeam s = new OutputSeam(ATTACHED, null, (at, b, off, len) -> got.write(b, off, len));
            // the log has every line, stamped after the request; the attach has the bytes from `begin`
            int from = 0;
            int i = 0;
            while (from < all.length()) {
                int end = all.indexOf('\n', from) + 1;
                s.logged(at(++i), all.substring(from, end).getBytes(StandardCharsets.UTF_8));
                from = end;
            }
            byte[] tail = all.substring(begin).getBytes(StandardCharsets.UTF_8);
            for (int off = 0; off < tail.length; off += 1000) {
                s.attached(at(5), tail, off, Math.min(1000, tail.length - off));
            }

            assertThat(s.decide(false, false)).as("attach from byte %d", begin).isEqualTo(OutputSeam.Found.CUT);
            assertThat(got.toString(StandardCharsets.UTF_8)).as("attach from byte %d", begin).isEqualTo(all);
        }
    }

    @Test
    void repeatedOutputAroundTheSeamIsJoinedAtTheLatestCutThatFitsOnceThingsSettle() {
        logged(1, "tick\n");
        logged(2, "tick\n");
        attached(2, "tick\n");

        assertThat(seam.decide(false, false)).as("two cuts fit").isEqualTo(OutputSeam.Found.NOT_YET);
        assertThat(seam.decide(true, false)).isEqualTo(OutputSeam.Found.AMBIGUOUS);

        assertThat(delivered()).isEqualTo("tick\ntick\n");
    }

    @Test
    void aLogThatRotatedPastTheAttachsBeginningIsJoinedWhereItMeetsTheAttachAgain() {
        // in a flood the log lost lines 40..59 before they were read; the attach begins at line 50, which goes
        // with the gap (it might have been the end of a line that began in it)
        for (int n = 1; n <= 200; n++) {
            if (n < 40 || n >= 60) {
                logged(n, longLine(n));
            }
        }
        attached(1, IntStream.rangeClosed(50, 200).mapToObj(OutputSeamTest::longLine).collect(Collectors.joining()));

        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.GAP);

        assertThat(delivered()).isEqualTo(IntStream.rangeClosed(1, 200).filter(n -> n < 40 || n > 50)
                .mapToObj(OutputSeamTest::longLine).collect(Collectors.joining()));
    }

    @Test
    void aLogThatNeverCatchesUpIsForcedAtTheDeadlineWithEverythingItShowed() {
        logged(1, "a\n");
        attached(5, "c\n");

        assertThat(seam.decide(true, true)).isEqualTo(OutputSeam.Found.FORCED);

        assertThat(delivered()).isEqualTo("a\nc\n");
    }

    @Test
    void aReadOfTheLogRepeatingMessagesWithTheSameStampSkipsOnlyThoseAlreadyTaken() {
        // a long line comes as several messages with one stamp; a second read repeats two of them and adds one
        logged(1, "part 1 ");
        logged(1, "part 2 ");
        seam.readingAgain();
        logged(1, "part 1 ");
        logged(1, "part 2 ");
        logged(1, "part 3\n");
        attached(3, "x\n");
        seam.readingAgain();
        logged(3, "x\n");

        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.CUT);

        assertThat(delivered()).isEqualTo("part 1 part 2 part 3\nx\n");
    }

    @Test
    void stampsNeverGoBackwardsAcrossTheSeam() {
        logged(30, "a\n");
        logged(31, "b\n");
        attached(20, "b\n"); // read from the attach "before" the log stamped the line before it
        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.CUT);
        attached(25, "c\n");
        attached(40, "d\n");

        assertThat(delivered()).isEqualTo("a\nb\nc\nd\n");
        assertThat(stamps).containsExactly(at(30), at(30), at(30), at(40));
    }

    @Test
    void aRepeatOfTheLastLineBeforeTheAttachIsNotTakenForItsBeginning() {
        logged(1, "x\n"); // logged before the attach was hooked, but stamped after it was requested
        attached(2, "x\ny\n"); // a new x, then y: the log has not caught up

        assertThat(seam.decide(true, false)).isEqualTo(OutputSeam.Found.NOT_YET);
        logged(2, "x\n");
        logged(3, "y\n");
        assertThat(seam.decide(false, false)).isEqualTo(OutputSeam.Found.CUT);

        assertThat(delivered()).isEqualTo("x\nx\ny\n");
    }

    @Test
    void cutsAreEveryPlaceWhereTheLogAndTheAttachAgreeForAsLongAsBothGo() {
        byte[] log = "ab\nab\nab\n".getBytes(StandardCharsets.UTF_8);

        assertThat(OutputSeam.cuts(log, "ab\nab\n".getBytes(StandardCharsets.UTF_8), 3)).containsExactly(0, 3, 6);
        assertThat(OutputSeam.cuts(log, "ab\ncd\n".getBytes(StandardCharsets.UTF_8), 3)).containsExactly(6);
        assertThat(OutputSeam.cuts(log, "zz\n".getBytes(StandardCharsets.UTF_8), 3)).isEmpty();
        assertThat(OutputSeam.cuts(log, "b\nx".getBytes(StandardCharsets.UTF_8), 0)).containsExactly(7, 9);
    }
}
