package dev.raptor.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private ProgressBar bar(boolean interactive, long total) {
        return new ProgressBar(new PrintWriter(text), interactive, "put /world.dat", total, now::get);
    }

    @Test
    void aTransferShorterThanASecondPrintsNothing() {
        try (ProgressBar b = bar(true, 100)) {
            now.addAndGet(999_000_000L);
            b.update(100);
        }
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void offATerminalNothingIsEverPrinted() {
        try (ProgressBar b = bar(false, 100)) {
            now.addAndGet(5_000_000_000L);
            b.update(50);
        }
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void aLongTransferIsDrawnAtMostFiveTimesASecondAndErasedAtTheEnd() {
        try (ProgressBar b = bar(true, 4L << 20)) {
            now.addAndGet(2_000_000_000L);
            b.update(1L << 20);
            b.update(2L << 20); // within 200 ms of the last drawing: skipped
            now.addAndGet(250_000_000L);
            b.update(3L << 20);
        }
        String out = text.toString();
        assertThat(out.split("\r")).filteredOn(s -> s.startsWith("put")).hasSize(2);
        assertThat(out).contains("put /world.dat [######..................]  25%  1MiB / 4MiB");
        assertThat(out).contains(" 75%  3MiB / 4MiB");
        assertThat(out).endsWith("\r\u001b[K");
    }

    @Test
    void withoutATotalItShowsBytesAndRate() {
        assertThat(ProgressBar.line("zip", 10L << 20, -1, 2_000_000_000L)).isEqualTo("zip  10MiB  5MiB/s");
    }
}
