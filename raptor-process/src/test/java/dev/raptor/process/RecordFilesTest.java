package dev.raptor.process;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The supervisor writes its pid and exit files in place (one write each, no rename), so a reader can meet a
 * file that exists but is not written yet; only a whole line, ending in its newline, counts.
 */
class RecordFilesTest {
    @TempDir
    Path dir;

    @Test
    void anExitFileIsReadOnlyOnceItsLineIsWhole() throws Exception {
        RecordFiles files = new RecordFiles(dir);
        assertThat(files.readExit()).isEmpty();

        Files.writeString(files.exit(), "");
        assertThat(files.readExit()).as("created, not yet written").isEmpty();

        Files.writeString(files.exit(), "14");
        assertThat(files.readExit()).as("a line without its newline").isEmpty();

        Files.writeString(files.exit(), "143\n");
        assertThat(files.readExit()).contains(143);
    }

    @Test
    void aPidFileIsReadOnlyOnceItsLineIsWhole() throws Exception {
        Path pidFile = new RecordFiles(dir).mainPid();

        Files.writeString(pidFile, "");
        assertThat(ProcessId.read(pidFile)).isEmpty();

        Files.writeString(pidFile, "4242 1234");
        assertThat(ProcessId.read(pidFile)).isEmpty();

        Files.writeString(pidFile, "4242 1234\n");
        assertThat(ProcessId.read(pidFile)).contains(new ProcessId(4242, 1234));
    }

    @Test
    void thePumpMarkerOfAnEarlierRunDoesNotSayTheCurrentRunsOutputIsComplete() throws Exception {
        RecordFiles files = new RecordFiles(dir);
        Files.writeString(files.runCounter(), "2\n");
        assertThat(files.pumpFinished()).as("no marker yet").isFalse();

        // the pump of run 1 finishing after run 2 began (and cleared the marker)
        Files.writeString(files.pumpDone(), "1\n");
        assertThat(files.pumpFinished()).isFalse();

        Files.writeString(files.pumpDone(), "2");
        assertThat(files.pumpFinished()).as("a line without its newline").isFalse();

        Files.writeString(files.pumpDone(), "2\n");
        assertThat(files.pumpFinished()).isTrue();
    }
}
