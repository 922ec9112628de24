package dev.raptor.process;

import dev.raptor.core.runtime.ContainerRef;
import dev.raptor.core.runtime.LogLine;
import dev.raptor.core.runtime.LogRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Console output is stamped per line and kept in a bounded set of rotated files, whatever the server prints. */
class LogRotationTest {

    /** The supervisor's awk scripts on their own, as supervisor.sh wires them. */
    @Nested
    class Pump {
        @TempDir
        Path dir;

        @Test
        void thePumpKeepsAtMostTheConfiguredFilesEachEndingOnAWholeLine() throws Exception {
            pump("seq 1 20000", 4096, 3);

            List<RecordFiles.LogFile> files = new RecordFiles(dir).logFiles();
            assertThat(files).hasSize(3);
            List<String> texts = new ArrayList<>();
            for (RecordFiles.LogFile f : files) {
                String content = Files.readString(f.path());
                assertThat(content).endsWith("\n");
                assertThat(content.length()).isLessThan(4096 + 64);
                content.lines().forEach(l -> {
                    assertThat(l).matches("\\d{13} O\\d+");
                    texts.add(l.substring(l.indexOf(' ') + 2));
                });
            }
            assertThat(texts.getLast()).isEqualTo("20000");
            for (int i = 1; i < texts.size(); i++) {
                assertThat(Integer.parseInt(texts.get(i))).as("no line lost or reordered").isEqualTo(Integer.parseInt(texts.get(i - 1)) + 1);
            }
        }

        @Test
        void aFileAReaderHoldsIsKeptPastTheKeptCount() throws Exception {
            Files.writeString(dir.resolve(LogHolds.FILE), "1000001\n"); // a reader needs run 1's files from part 1 on
            pump("seq 1 1000", 4096, 3); // about 20 KiB: five files

            List<RecordFiles.LogFile> files = new RecordFiles(dir).logFiles();
            assertThat(files).as("more than the 3 kept, within twice that").hasSizeBetween(4, 6);
            assertThat(files.getFirst().part()).as("the held file is still there").isEqualTo(1);
            assertThat(numbers(files)).as("every line, once, in order").containsExactlyElementsOf(IntStream.rangeClosed(1, 1000).boxed().toList());
        }

        @Test
        void heldFilesAreKeptOnlyUntilTheRunHasTwiceTheKeptCount() throws Exception {
            Files.writeString(dir.resolve(LogHolds.FILE), "1000001\n"); // a reader that never moves on
            pump("seq 1 20000", 4096, 3); // about 100 files

            List<RecordFiles.LogFile> files = new RecordFiles(dir).logFiles();
            assertThat(files).as("the bound: twice the kept count").hasSize(6);
            List<Integer> numbers = numbers(files);
            assertThat(numbers.getLast()).isEqualTo(20000);
            for (int i = 1; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).as("no line lost or reordered within the files kept").isEqualTo(numbers.get(i - 1) + 1);
            }
        }

        /** The numbers {@code seq} printed, as the files hold them, oldest first. */
        private List<Integer> numbers(List<RecordFiles.LogFile> files) throws Exception {
            List<Integer> out = new ArrayList<>();
            for (RecordFiles.LogFile f : files) {
                Files.readString(f.path()).lines().forEach(l -> out.add(Integer.parseInt(l.substring(l.indexOf(' ') + 2))));
            }
            return out;
        }

        @Test
        void eachLineIsStampedWithTheWallClockWhenItWasWritten() throws Exception {
            long before = System.currentTimeMillis();
            pump("echo one; sleep 0.3; echo two", 1 << 20, 3);
            long after = System.currentTimeMillis();

            List<LogLine> lines = new ConsoleLog(new RecordFiles(dir), UUID.randomUUID()).history(-1, null).lines();

            assertThat(lines).extracting(LogLine::text).containsExactly("one", "two");
            long one = lines.get(0).at().toEpochMilli();
            long two = lines.get(1).at().toEpochMilli();
            assertThat(one).isBetween(before - 20, after);
            // at least the producer's 0.3 s apart (stamped as written, 10 ms resolution); the upper bound only catches a
            // wrong unit, and leaves a loaded machine's late scheduling of the second echo alone
            assertThat(two - one).as("stamped as written, 10 ms resolution").isBetween(250L, 10_000L);
        }

        /** Runs {@code producer | tag.awk | pump.awk} in {@link #dir} with the host's awk. */
        private void pump(String producer, long max, int keep) throws Exception {
            HostTools tools = HostTools.find();
            for (String name : List.of("tag.awk", "pump.awk")) {
                try (InputStream in = Supervisor.class.getResourceAsStream(name)) {
                    Files.write(dir.resolve(name), in.readAllBytes());
                }
            }
            long offset = System.currentTimeMillis() - Supervisor.uptimeCentis() * 10;
            String awk = String.join(" ", tools.awk().toString(), String.join(" ", tools.awkArgs()));
            String cmd = "(" + producer + ") | LC_ALL=C " + awk + " -v t=O -v base=" + offset + " -f tag.awk"
                    + " | LC_ALL=C " + awk + " -v dir=" + dir + " -v run=1 -v max=" + max + " -v keep=" + keep + " -v rm=" + tools.rm()
                    + " -f pump.awk";
            Process p = new ProcessBuilder("/bin/sh", "-c", cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
    }

    /** A flooding server through the whole runtime, with tiny files. */
    @Nested
    class Flood extends RuntimeTest {
        @Override
        ProcessRuntimeConfig config() {
            return super.config().withLogRotation(4096, 3);
        }

        @Test
        void aFloodingServerCannotGrowItsLogsPastTheirBoundAndTheNewestLinesAreKept() throws Exception {
            Console console = booted(TestHost.gameServer().name("flood").build());
            ContainerRef ref = console.ref();

            runtime.sendInput(ref, "flood 5000", soon());
            console.awaitLine("line 5000");

            Path record = tmp.resolve("process").resolve(ref.serverId().toString());
            List<RecordFiles.LogFile> files = new RecordFiles(record).logFiles();
            // 3 kept, and up to 3 more that the console's follower had not finished when the pump last rotated
            assertThat(files).hasSizeLessThanOrEqualTo(6);
            for (RecordFiles.LogFile f : files) {
                assertThat(Files.size(f.path())).isLessThan(4096 + 200);
            }
            assertThat(texts(history(runtime, ref, LogRequest.history(3)))).containsExactly("line 4998", "line 4999", "line 5000");
        }
    }
}
