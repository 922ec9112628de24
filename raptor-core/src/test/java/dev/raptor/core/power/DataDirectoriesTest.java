package dev.raptor.core.power;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DataDirectoriesTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    Path volumes;
    private final UUID id = UUID.randomUUID();

    @Test
    void aServersDirectoryIsMadeUnderTheVolumesRootAndRemovedWithEverythingInIt() throws Exception {
        DataDirectories data = new DataDirectories(volumes.resolve("nested/volumes"));
        Path dir = data.create(id, HANG);
        assertThat(dir).isEqualTo(volumes.resolve("nested/volumes").resolve(id.toString())).isDirectory();
        Files.createDirectories(dir.resolve("world/region"));
        Files.writeString(dir.resolve("world/region/r.0.0.mca"), "data");
        assertThat(data.delete(id, HANG)).isEqualTo(new DataDirectories.Removal.Removed());
        assertThat(dir).doesNotExist();
    }

    @Test
    void deletingADirectoryThatIsNotThereSucceeds() {
        assertThat(new DataDirectories(volumes).delete(id, HANG)).isEqualTo(new DataDirectories.Removal.Removed());
    }

    @Test
    void aDiskThatRefusesIsReportedWithItsReason() {
        DataDirectories data = new DataDirectories(volumes, dir -> {
            throw new IOException("read-only file system");
        });
        assertThat(data.delete(id, HANG)).isEqualTo(new DataDirectories.Removal.Failed("read-only file system"));
    }

    @Test
    void aDeletionPastItsDeadlineGoesOnInTheBackgroundWhileTheCallerMovesOn() throws Exception {
        CountDownLatch disk = new CountDownLatch(1);
        Path dir = Files.createDirectories(volumes.resolve(id.toString()));
        DataDirectories data = new DataDirectories(volumes, d -> {
            try {
                disk.await(); // a slow disk
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            DataDirectories.removeTreeNow(d);
        });
        assertThat(data.delete(id, Duration.ofMillis(1))).isInstanceOf(DataDirectories.Removal.StillDeleting.class);
        assertThat(dir).exists();
        disk.countDown();
        await().atMost(HANG).until(() -> !Files.exists(dir));
    }
}
