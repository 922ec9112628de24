package dev.raptor.process;

import dev.raptor.core.runtime.Deadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The stdin FIFO: lines arrive whoever writes them and whenever, and a writer never blocks past its deadline. */
class StdinFifoTest {
    /** For a shell to start, open the FIFO and echo a line: milliseconds, or seconds on a loaded machine; only a hang takes this. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private Process reader;

    /** Ends the reader and whatever it started: a shell's child outlives a SIGKILLed shell, holding the FIFO open. */
    @AfterEach
    void stopReader() throws Exception {
        if (reader != null) {
            List<ProcessHandle> children = reader.descendants().toList();
            reader.destroyForcibly().waitFor();
            for (ProcessHandle child : children) {
                child.destroyForcibly();
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private Path fifo() {
        Path fifo = tmp.resolve("stdin.pipe");
        assertThat(LibC.mkfifo(fifo, 0600)).isZero();
        return fifo;
    }

    /** A shell reading the FIFO line by line, holding it open read-write as the supervisor does ({@code exec 9<>}) or not. */
    private List<String> readWith(Path fifo, boolean holdOpen) throws Exception {
        String hold = holdOpen ? "exec 9<>\"$1\"; " : "";
        reader = new ProcessBuilder("/bin/sh", "-c", hold + "while IFS= read -r l; do echo \"got $l\"; done < \"$1\"; echo EOF", "sh",
                fifo.toString()).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (Exception e) {
                // process gone
            }
        });
        return lines;
    }

    @Test
    void aReaderOfTheHeldFifoGetsEveryLineAndNeverEndOfFileBetweenWriters() throws Exception {
        Path fifo = fifo();
        List<String> got = readWith(fifo, true);
        Deadline soon = Deadline.in(PATIENCE);

        await().atMost(PATIENCE).untilAsserted(() -> {
            StdinFifo.write(fifo, "first", soon);
        });
        await().atMost(PATIENCE).until(() -> got.contains("got first"));
        Thread.sleep(300); // deliberate: a window with no writer, in which an unheld FIFO would give the reader end-of-file
        StdinFifo.write(fifo, "second", soon);

        await().atMost(PATIENCE).until(() -> got.contains("got second"));
        assertThat(got).doesNotContain("EOF");
        assertThat(reader.isAlive()).isTrue();
    }

    @Test
    void withoutTheHeldWriteEndTheReaderSeesEndOfFileAfterTheFirstWriter() throws Exception {
        Path fifo = fifo();
        List<String> got = readWith(fifo, false);

        await().atMost(PATIENCE).untilAsserted(() -> StdinFifo.write(fifo, "only", Deadline.in(Duration.ofSeconds(5))));

        await().atMost(PATIENCE).until(() -> got.contains("EOF"));
        assertThat(got).containsExactly("got only", "EOF");
    }

    @Test
    void writingToAFifoNobodyReadsFailsAtOnceInsteadOfBlocking() {
        Path fifo = fifo();
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> StdinFifo.write(fifo, "hello?", Deadline.in(Duration.ofSeconds(30))))
                .isInstanceOf(StdinFifo.NoReader.class);
        // far under the write's 30 s deadline (so it did not wait for it), and loose enough for a loaded machine
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aServerThatStopsReadingFillsThePipeAndTheWriteGivesUpAtItsDeadline() throws Exception {
        Path fifo = fifo();
        reader = new ProcessBuilder("/bin/sh", "-c", "exec 9<>\"$1\"; exec sleep 600", "sh", fifo.toString()).start();
        await().atMost(PATIENCE).untilAsserted(() -> StdinFifo.write(fifo, "x", Deadline.in(Duration.ofSeconds(1))));
        String line = "y".repeat(1000);

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) { // 1 MB: far more than a pipe holds
                StdinFifo.write(fifo, line, Deadline.in(Duration.ofMillis(300)));
            }
        }).isInstanceOf(StdinFifo.Full.class);
        // the first write the pipe cannot take gives up at its 300 ms: not every one of the 1,000 waits (300 s)
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }
}
