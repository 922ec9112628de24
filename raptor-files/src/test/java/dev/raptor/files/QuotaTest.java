package dev.raptor.files;

import dev.raptor.files.archive.ArchiveFormat;
import dev.raptor.files.usage.UsageFigure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The quota refuses before writing, and a stream of unknown length is cut off at the limit. */
class QuotaTest {
    static final long KIB = 1024;
    static final long LIMIT = 100 * KIB;

    @TempDir
    Path tmp;
    Volume v;
    ServerFiles files;

    @BeforeEach
    void setUp() throws IOException {
        v = new Volume(tmp);
        Files.write(v.root.resolve("existing.bin"), new byte[(int) (60 * KIB)]);
        files = v.files(LIMIT);
        await().atMost(Duration.ofSeconds(30)).until(() -> files.usage().known());
        assertThat(files.usage().bytes().getAsLong()).isEqualTo(60 * KIB);
    }

    @AfterEach
    void tearDown() {
        v.close();
    }

    private static InputStream zeros(long n) {
        return new InputStream() {
            long left = n;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int k = (int) Math.min(len, left);
                left -= k;
                return k;
            }
        };
    }

    @Test
    void aWriteOfKnownSizeThatWouldPassTheLimitIsRefusedBeforeWriting() {
        long[] read = {0};
        InputStream body = new InputStream() {
            @Override
            public int read() {
                read[0]++;
                return 0;
            }
        };
        assertThatThrownBy(() -> files.write("big.bin", body, 50 * KIB, Progress.none()))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.usedBytes()).isEqualTo(60 * KIB);
                    assertThat(e.limitBytes()).isEqualTo(LIMIT);
                    assertThat(e.neededBytes()).isEqualTo(50 * KIB);
                    assertThat(e.getMessage()).contains("60.0 KiB of 100.0 KiB used");
                    assertThat(e.problem()).isEqualTo("quota-exceeded");
                });
        assertThat(read[0]).as("not a byte of the body was read").isZero();
        assertThat(Files.exists(v.root.resolve("big.bin"))).isFalse();
    }

    @Test
    void aStreamOfUnknownLengthIsCutOffAtTheLimitAndRemoved() throws IOException {
        assertThatThrownBy(() -> files.write("stream.bin", zeros(50 * KIB), -1, Progress.none()))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(Files.exists(v.root.resolve("stream.bin"))).isFalse();
        try (var s = Files.list(v.root)) {
            assertThat(s.toList()).containsExactly(v.root.resolve("existing.bin"));
        }
        assertThat(files.usage().bytes().getAsLong()).isEqualTo(60 * KIB);
    }

    @Test
    void aStreamCutOffAfterManyTransferBuffersLeavesTheFileItWouldHaveReplacedWhole() throws IOException {
        v.close();
        v = new Volume(tmp.resolve("big"));
        byte[] old = new byte[2 * TransferBuffers.SIZE + 3];
        new java.util.Random(3).nextBytes(old);
        Files.write(v.root.resolve("world.dat"), old);
        // room for the old file and three buffers more: the stream (six buffers) is written a buffer at a time and
        // refused only once several are already in the temporary file
        files = v.files(old.length + 3L * TransferBuffers.SIZE);
        await().atMost(Duration.ofSeconds(30)).until(() -> files.usage().known());
        long[] read = {0};
        java.nio.channels.ReadableByteChannel body = new java.nio.channels.ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                if (read[0] >= 6L * TransferBuffers.SIZE) {
                    return -1;
                }
                int n = Math.min(dst.remaining(), 64 * 1024);
                dst.position(dst.position() + n);
                read[0] += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };

        assertThatThrownBy(() -> files.write("world.dat", body, -1, Progress.none())).isInstanceOf(QuotaExceededException.class);

        assertThat(read[0]).as("several buffers were read before the refusal").isGreaterThan(3L * TransferBuffers.SIZE);
        assertThat(Files.readAllBytes(v.root.resolve("world.dat"))).as("the old file, untouched").isEqualTo(old);
        try (var s = Files.list(v.root)) {
            assertThat(s.toList()).as("no temporary file left").containsExactly(v.root.resolve("world.dat"));
        }
        assertThat(files.usage().bytes().getAsLong()).isEqualTo(old.length);
    }

    @Test
    void writesThatFitAreChargedAndReplacingCreditsTheOldFile() throws IOException {
        files.write("a.bin", zeros(30 * KIB), 30 * KIB, Progress.none());
        assertThat(files.usage().bytes().getAsLong()).isEqualTo(90 * KIB);
        // replacing the 60 KiB file with 65 KiB needs only 5 more: it fits
        files.write("existing.bin", zeros(65 * KIB), -1, Progress.none());
        assertThat(files.usage().bytes().getAsLong()).isEqualTo(95 * KIB);
        files.delete(List.of("a.bin"), Progress.none());
        assertThat(files.usage().bytes().getAsLong()).isEqualTo(65 * KIB);
    }

    @Test
    void aCopyThatWouldPassTheLimitIsRefusedBeforeWriting() {
        assertThatThrownBy(() -> files.copy("existing.bin", "copy.bin", Progress.none()))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(Files.exists(v.root.resolve("copy.bin"))).isFalse();
        try (var s = Files.list(v.root)) {
            assertThat(s.toList()).containsExactly(v.root.resolve("existing.bin"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDecompressionThatWouldPassTheLimitIsRefusedBeforeWriting() throws IOException {
        // 50 KiB of zeros compress to almost nothing: only the entries' sum can tell
        ServerFiles unlimited = v.files();
        unlimited.write("tmp.bin", new byte[(int) (50 * KIB)]);
        unlimited.compress(List.of("tmp.bin"), "bomb.tar.zst", ArchiveFormat.TAR_ZST, Progress.none());
        unlimited.delete(List.of("tmp.bin"), Progress.none());
        assertThat(Files.size(v.root.resolve("bomb.tar.zst"))).isLessThan(2 * KIB);
        files = v.files(LIMIT);
        Progress p = Progress.none();
        assertThatThrownBy(() -> files.decompress("bomb.tar.zst", "out", p)).isInstanceOf(QuotaExceededException.class);
        assertThat(p.snapshot().bytesDone()).as("nothing extracted").isZero();
        assertThat(Files.exists(v.root.resolve("out"))).as("not even the destination it would have made").isFalse();
    }

    @Test
    void aSingleCompressedFileIsCutOffWhenItsContentPassesTheLimit() throws IOException {
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(v.root.resolve("huge.gz")))) {
            out.write(new byte[(int) (50 * KIB)]);
        }
        assertThatThrownBy(() -> files.decompress("huge.gz", "/", Progress.none())).isInstanceOf(QuotaExceededException.class);
        assertThat(Files.exists(v.root.resolve("huge"))).isFalse();
    }

    @Test
    void anArchiveBeingCompressedIsCutOffAtTheLimit() throws IOException {
        byte[] noise = new byte[(int) (30 * KIB)];
        new java.util.Random(3).nextBytes(noise);
        Files.write(v.root.resolve("noise.bin"), noise);
        files = v.files(LIMIT);
        v.volumes.diskUsage().requestScan(v.id).join();
        assertThatThrownBy(() -> files.compress(List.of("noise.bin", "existing.bin"), "all.tar", ArchiveFormat.TAR, Progress.none()))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(Files.exists(v.root.resolve("all.tar"))).isFalse();
    }

    @Test
    void twoWritesAtOnceCannotBothTakeTheLastRoom() throws IOException {
        WritableFile first = files.openWrite("one.bin", WriteMode.REPLACE, 30 * KIB);
        assertThatThrownBy(() -> files.openWrite("two.bin", WriteMode.REPLACE, 30 * KIB)).isInstanceOf(QuotaExceededException.class);
        first.write(ByteBuffer.wrap(new byte[(int) (30 * KIB)]));
        first.commit();
        UsageFigure f = files.usage();
        assertThat(f.bytes().getAsLong()).isEqualTo(90 * KIB);
        assertThat(v.volumes.diskUsage().usage(v.id).reserved()).isZero();
    }

    @Test
    void inPlaceWritesStopAtTheLimitAndKeepWhatFit() throws IOException {
        try (WritableFile w = files.openWrite("existing.bin", WriteMode.IN_PLACE, -1)) {
            w.write(ByteBuffer.wrap(new byte[(int) (30 * KIB)]), 60 * KIB);
            assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[(int) (20 * KIB)]), 90 * KIB))
                    .isInstanceOf(QuotaExceededException.class);
            w.commit();
        }
        assertThat(Files.size(v.root.resolve("existing.bin"))).isEqualTo(90 * KIB);
        assertThat(files.usage().bytes().getAsLong()).isEqualTo(90 * KIB);
    }

    @Test
    void withNoLimitNothingIsRefused() throws IOException {
        ServerFiles free = v.files();
        free.write("big.bin", new ByteArrayInputStream(new byte[(int) (200 * KIB)]), 200 * KIB, Progress.none());
        assertThat(Files.size(v.root.resolve("big.bin"))).isEqualTo(200 * KIB);
    }
}
