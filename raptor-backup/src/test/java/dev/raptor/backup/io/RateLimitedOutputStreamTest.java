package dev.raptor.backup.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedOutputStreamTest {
    @Test
    void everyByteArrivesInOrder() throws IOException {
        byte[] data = new byte[300_000];
        new Random(2).nextBytes(data);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (RateLimitedOutputStream out = new RateLimitedOutputStream(sink, 100_000_000)) {
            out.write(data, 0, 1000);
            out.write(data[1000]);
            out.write(data, 1001, data.length - 1001);
        }
        assertThat(sink.toByteArray()).isEqualTo(data);
    }

    /** A lower bound only: a loaded machine makes writing slower, never faster, so this cannot flake. */
    @Test
    void writingMoreThanTheBurstTakesAtLeastWhatTheRateAllows() throws IOException {
        long rate = 1_000_000; // bytes per second; the burst is 250 KB
        byte[] data = new byte[750_000];
        long started = System.nanoTime();
        try (RateLimitedOutputStream out = new RateLimitedOutputStream(OutputStreams.discard(), rate)) {
            out.write(data);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(millis).isGreaterThanOrEqualTo(450); // (750 KB - 250 KB burst) / 1 MB/s = 500 ms, less slack
    }

    private static final class OutputStreams {
        static java.io.OutputStream discard() {
            return java.io.OutputStream.nullOutputStream();
        }
    }
}
