package dev.raptor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirLayoutTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void make(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    @Test
    void aMissingDataDirectoryIsCreatedWithEveryMissingDirectoryAboveItPassable() throws IOException {
        Path data = tmp.resolve("srv/raptor/data");
        DataDirLayout.Prepared prepared = DataDirLayout.prepare(data);

        Path volumes = prepared.volumes();
        assertThat(volumes).isEqualTo(data.resolve("volumes"));
        for (Path p : List.of(tmp.resolve("srv"), tmp.resolve("srv/raptor"), data, volumes)) {
            assertThat(mode(p)).as(p.toString()).isEqualTo("rwx--x--x");
        }
        assertThat(prepared.changes()).containsExactly("created the data directory " + data + " (mode 0711)");
        assertThat(prepared.problems()).isEmpty();
    }

    @Test
    void aDataDirectoryOfAnEarlierVersionIsOpenedToOthersOnlyAfterEverythingElseInItIsClosedToThem() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path db = Files.writeString(data.resolve("raptor.db"), "db");
        Path key = Files.writeString(data.resolve("api-key"), "rpt_secret");
        Path records = Files.createDirectory(data.resolve("process"));
        Path volumes = Files.createDirectory(data.resolve("volumes"));
        Path volume = Files.createDirectory(volumes.resolve("0b7c6c1e-0000-4000-8000-000000000001"));
        make(db, "rw-r--r--");
        make(key, "rw-------");
        make(records, "rwxr-xr-x");
        make(volumes, "rwxr-xr-x");
        make(volume, "rwxr-xr-x");
        make(data, "rwxr-x---");

        List<String> changes = DataDirLayout.prepare(data).changes();

        assertThat(mode(data)).isEqualTo("rwx--x--x");
        assertThat(mode(db)).as("closed to others, its group unchanged").isEqualTo("rw-r-----");
        assertThat(mode(key)).as("a secret is never loosened").isEqualTo("rw-------");
        assertThat(mode(records)).isEqualTo("rwxr-x---");
        assertThat(mode(volumes)).as("others may pass, not list").isEqualTo("rwx--x--x");
        assertThat(mode(volume)).as("a volume is its runtime's to hand over").isEqualTo("rwxr-xr-x");
        assertThat(changes).containsExactlyInAnyOrder(
                "closed " + db + " to other users (0644 -> 0640)",
                "closed " + records + " to other users (0755 -> 0750)",
                "set the mode of " + volumes + " from 0755 to 0711",
                "set the mode of " + data + " from 0750 to 0711");
    }

    @Test
    void aFileThatCannotBeClosedToOthersKeepsTheDirectoryClosedToThemAndIsReported() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path stuck = Files.writeString(data.resolve("raptor.db"), "db");
        make(stuck, "rw-r--r--");
        make(data, "rwxr-x---");
        chattr("+i", stuck); // immutable: not even root may change its mode
        try {
            DataDirLayout.Prepared prepared = DataDirLayout.prepare(data);

            assertThat(mode(data)).as("not opened while a file in it is readable by others").isEqualTo("rwxr-x---");
            assertThat(mode(data.resolve("volumes"))).isEqualTo("rwx--x--x");
            assertThat(prepared.problems()).singleElement().asString()
                    .startsWith("left " + data + " closed to other users, because " + stuck + " (0644) cannot be closed to them");
        } finally {
            chattr("-i", stuck);
        }
    }

    private static void chattr(String flag, Path file) throws Exception {
        Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("chattr " + flag + " " + file + " (needs a file system with the immutable attribute, such as ext4): "
                + out).isZero();
    }

    @Test
    void aSymbolicLinkInTheDataDirectoryIsNotFollowed() throws IOException {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.txt"), "not raptor's");
        make(elsewhere, "rw-r--r--");
        Files.createSymbolicLink(data.resolve("link"), elsewhere);

        DataDirLayout.prepare(data);

        assertThat(mode(elsewhere)).isEqualTo("rw-r--r--");
    }

    @Test
    void aLaidOutDataDirectoryIsLeftAsItIs() throws IOException {
        Path data = tmp.resolve("data");
        DataDirLayout.prepare(data);
        Files.writeString(data.resolve("raptor.db"), "db");
        make(data.resolve("raptor.db"), "rw-------");

        DataDirLayout.Prepared again = DataDirLayout.prepare(data);

        assertThat(again.changes()).isEmpty();
        assertThat(again.problems()).isEmpty();
    }
}
