package dev.raptor.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The temporary files a crashed run left are removed at boot, in the background; work in flight and users' files stay. */
class LeftoverCleanupTest {
    @TempDir
    Path volumes;

    @Test
    void anEarlierRunsTemporaryFilesAndStagingDirectoriesGoAndNothingElseDoes() throws Exception {
        UUID id = UUID.randomUUID();
        Path root = Files.createDirectories(volumes.resolve(id.toString()));
        Path world = Files.createDirectories(root.resolve("world"));
        String earlier = "0badc0de";
        Files.write(root.resolve(".raptor-upload-" + earlier + "11223344"), new byte[1000]);
        Files.write(world.resolve(".raptor-copy-" + earlier + "55667788"), new byte[500]);
        Path staging = Files.createDirectories(world.resolve(".raptor-extract-" + earlier + "99aabbcc").resolve("deep"));
        Files.write(staging.resolve("entry.dat"), new byte[200]);
        Path mine = root.resolve(".raptor-archive-" + LeftoverCleanup.RUN + "ddeeff00"); // this run's: in flight
        Files.write(mine, new byte[10]);
        Files.writeString(root.resolve(".raptor-notes"), "a user's file");
        Files.writeString(root.resolve(".raptor-upload-notes"), "a user's file too");
        Files.writeString(world.resolve("level.dat"), "level");
        Files.createSymbolicLink(root.resolve("out"), volumes.getParent()); // never followed
        Files.createDirectories(volumes.resolve("not-a-server")).resolve(".raptor-upload-" + earlier + "00000000").toFile().createNewFile();

        List<UUID> cleaned = new CopyOnWriteArrayList<>();
        LeftoverCleanup.Result r = LeftoverCleanup.run(volumes, () -> false, cleaned::add);

        assertThat(r.servers()).isEqualTo(1);
        assertThat(r.removed()).isEqualTo(3);
        assertThat(r.bytes()).isEqualTo(1700);
        assertThat(cleaned).containsExactly(id);
        try (var s = Files.walk(root)) {
            assertThat(s.map(p -> root.relativize(p).toString()).filter(n -> !n.isEmpty())).containsExactlyInAnyOrder(
                    "world", "world/level.dat", mine.getFileName().toString(), ".raptor-notes", ".raptor-upload-notes", "out");
        }
        assertThat(volumes.resolve("not-a-server").resolve(".raptor-upload-" + earlier + "00000000")).exists();
    }

    @Test
    void theVolumesCleanInTheBackgroundAndRescanWhatTheyCleaned() throws Exception {
        UUID id = UUID.randomUUID();
        Path root = Files.createDirectories(volumes.resolve(id.toString()));
        Files.write(root.resolve(".raptor-upload-0badc0de11223344"), new byte[4096]);
        try (ServerVolumes v = new ServerVolumes(volumes, dev.raptor.files.usage.UsageSettings.defaults())) {
            LeftoverCleanup.Result r = v.cleanLeftoversInBackground().get(60, TimeUnit.SECONDS);
            assertThat(r.removed()).isEqualTo(1);
            assertThat(root.resolve(".raptor-upload-0badc0de11223344")).doesNotExist();
        }
    }
}
