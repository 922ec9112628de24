package dev.raptor.docker;

import com.github.dockerjava.api.async.ResultCallback;
import dev.raptor.core.runtime.LogLine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The frame reader of the engine's log stream, on byte streams laid out as the engine writes them
 * (the real engine is read in {@link StreamsTest}; these cover the layouts it does not produce on demand).
 */
class EngineLogStreamTest {
    /** An engine on this machine's clock, not yet measured: stamps pass as they are. */
    private static final EngineClock AGREED = new EngineClock(java.time.Clock.systemUTC());
    private static final Instant T1 = Instant.parse("2026-11-24T14:07:38.212369428Z");
    private static final Instant T2 = Instant.parse("2026-11-24T14:07:38.212369429Z");

    private record Got(LogLine.Stream stream, Instant at, String text) {
    }

    private final List<Got> got = new ArrayList<>();
    private final ResultCallback<EngineLogStream.Piece> callback = new ResultCallback<>() {
        @Override
        public void onStart(Closeable closeable) {
        }

        @Override
        public void onNext(EngineLogStream.Piece p) {
            got.add(new Got(p.stream(), p.at(), new String(p.bytes(), p.offset(), p.length(), StandardCharsets.UTF_8)));
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }

        @Override
        public void close() {
        }
    };

    private static void frame(ByteArrayOutputStream out, int type, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        out.write(type);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(p.length >>> 24);
        out.write(p.length >>> 16);
        out.write(p.length >>> 8);
        out.write(p.length);
        out.writeBytes(p);
    }

    private void read(ByteArrayOutputStream out, Instant since) throws IOException {
        EngineLogStream.read(new ByteArrayInputStream(out.toByteArray()), since, AGREED, callback, "test");
    }

    @Test
    void eachFrameLosesItsStampAndKeepsItsStream() throws IOException {
        var out = new ByteArrayOutputStream();
        frame(out, 1, "2026-11-24T14:07:38.212369428Z Done (1.2s)!\n");
        frame(out, 2, "2026-11-24T14:07:38.212369429Z oops\n");

        read(out, null);

        assertThat(got).containsExactly(
                new Got(LogLine.Stream.STDOUT, T1, "Done (1.2s)!\n"),
                new Got(LogLine.Stream.STDERR, T2, "oops\n"));
    }

    @Test
    void framesStampedBeforeSinceAreDroppedToTheNanosecond() throws IOException {
        var out = new ByteArrayOutputStream();
        frame(out, 1, "2026-11-24T14:07:38.212369428Z earlier\n");
        frame(out, 1, "2026-11-24T14:07:38.212369429Z at since\n");

        read(out, T2);

        assertThat(got).containsExactly(new Got(LogLine.Stream.STDOUT, T2, "at since\n"));
    }

    @Test
    void aFrameStampedBeforeTheLastOfItsStreamIsAReplayAndDropped() throws IOException {
        var out = new ByteArrayOutputStream();
        frame(out, 1, "2026-11-24T14:07:38.000000001Z one\n");
        frame(out, 1, "2026-11-24T14:07:38.000000003Z three\n");
        frame(out, 2, "2026-11-24T14:07:38.000000002Z err two\n"); // other stream: its own order
        frame(out, 1, "2026-11-24T14:07:38.000000001Z one\n");     // a rotation replay
        frame(out, 1, "2026-11-24T14:07:38.000000003Z three\n");   // at the last stamp: kept (a stamp is no proof)
        frame(out, 1, "2026-11-24T14:07:38.000000004Z four\n");

        read(out, null);

        assertThat(got).extracting(Got::text).containsExactly("one\n", "three\n", "err two\n", "three\n", "four\n");
    }

    @Test
    void aFrameLargerThanOnePieceComesInPiecesWithItsOneStamp() throws IOException {
        var out = new ByteArrayOutputStream();
        String big = "y".repeat(EngineLogStream.PIECE_BYTES * 2);
        frame(out, 1, "2026-11-24T14:07:38.212369428Z " + big);

        read(out, null);

        assertThat(got).hasSizeGreaterThan(1).allSatisfy(g -> assertThat(g.at()).isEqualTo(T1));
        assertThat(String.join("", got.stream().map(Got::text).toList())).isEqualTo(big);
    }

    @Test
    void framesLongerThanAllBeforeThemComeWholeInPiecesOfAtMostOnePiece() throws IOException {
        var out = new ByteArrayOutputStream();
        List<String> texts = List.of("a", "b".repeat(3000), "c".repeat(EngineLogStream.PIECE_BYTES + 5), "d",
                "e".repeat(EngineLogStream.FIRST_BUFFER_BYTES + 1));
        for (String t : texts) {
            frame(out, 1, "2026-11-24T14:07:38.212369428Z " + t);
        }
        List<Integer> lengths = new ArrayList<>();
        ResultCallback<EngineLogStream.Piece> sizes = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(EngineLogStream.Piece p) {
                lengths.add(p.length());
                callback.onNext(p);
            }
        };

        EngineLogStream.read(new ByteArrayInputStream(out.toByteArray()), null, AGREED, sizes, "test");

        assertThat(String.join("", got.stream().map(Got::text).toList())).isEqualTo(String.join("", texts));
        assertThat(lengths).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(EngineLogStream.PIECE_BYTES));
        assertThat(got).allSatisfy(g -> assertThat(g.at()).isEqualTo(T1));
    }

    /**
     * A recreate reads the log several times to find the console's seam, each read a few short lines: a read must
     * not cost a whole piece buffer (64 KiB each before). Counted in bytes this thread allocated, not timed.
     */
    @Test
    void aReadOfShortLinesAllocatesNoWholePieceBuffer() throws IOException {
        var out = new ByteArrayOutputStream();
        frame(out, 1, "2026-11-24T14:07:38.212369428Z ready");
        frame(out, 2, "2026-11-24T14:07:38.212369429Z warn");
        frame(out, 1, "2026-11-24T14:07:38.212369429Z listening on 25565");
        byte[] bytes = out.toByteArray();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        EngineLogStream.read(new ByteArrayInputStream(bytes), null, AGREED, callback, "warm-up");
        int reads = 20;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < reads; i++) {
            EngineLogStream.read(new ByteArrayInputStream(bytes), null, AGREED, callback, "test");
        }
        long perRead = (threads.getCurrentThreadAllocatedBytes() - before) / reads;

        assertThat(perRead).isLessThan(EngineLogStream.PIECE_BYTES / 4);
        assertThat(got).hasSize(3 * (reads + 1));
    }

    @Test
    void otherRfc3339FormsAreReadAndUnstampedFramesAreKept() throws IOException {
        var out = new ByteArrayOutputStream();
        frame(out, 1, "2026-11-24T15:07:38.5+01:00 offset\n");
        frame(out, 1, "no stamp at all\n");

        Instant before = Instant.now();
        read(out, null);

        assertThat(got.get(0)).isEqualTo(new Got(LogLine.Stream.STDOUT, Instant.parse("2026-11-24T14:07:38.5Z"), "offset\n"));
        assertThat(got.get(1).text()).isEqualTo("no stamp at all\n");
        assertThat(got.get(1).at()).isAfterOrEqualTo(before);
    }

    @Test
    void theFixedFormIsReadLikeTheStandardParserReadsIt() {
        for (String s : List.of("2026-11-24T14:07:38.212369428Z", "1999-12-31T23:59:59.999999999Z", "2024-02-29T00:00:00.000000001Z")) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertThat(EngineLogStream.parseStamp(b, b.length)).isEqualTo(Instant.parse(s));
        }
        byte[] bad = "2026-13-24T14:07:38.212369428Z".getBytes(StandardCharsets.US_ASCII);
        assertThat(EngineLogStream.parseStamp(bad, bad.length)).isNull();
    }

    @Test
    void aStreamCutInsideAFrameIsAnError() {
        var out = new ByteArrayOutputStream();
        frame(out, 1, "2026-11-24T14:07:38.212369428Z whole\n");
        byte[] bytes = out.toByteArray();
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);

        assertThatThrownBy(() -> EngineLogStream.read(new ByteArrayInputStream(cut), null, AGREED, callback, "test"))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aStreamThatIsNotMultiplexedIsRefusedNotMisread() {
        byte[] raw = "2026-11-24T14:07:38.212369428Z tty output\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> EngineLogStream.read(new ByteArrayInputStream(raw), null, AGREED, callback, "test"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not multiplexed");
        assertThat(got).isEmpty();
    }
}
