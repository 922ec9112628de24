package dev.raptor.store;

import dev.raptor.core.server.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorruptionTest {
    @TempDir
    Path dataDir;

    private Path db() {
        return dataDir.toAbsolutePath().resolve("raptor.db");
    }

    /** A closed store with enough servers to span many pages. */
    private void storeWithData() {
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            for (int i = 0; i < 200; i++) {
                store.create(Specs.everyField().toBuilder().id(null).name("server-" + i).build());
            }
        }
    }

    private StoreCorruptedException openFails() {
        try {
            SqliteStore.open(dataDir).close();
        } catch (StoreCorruptedException e) {
            return e;
        }
        throw new AssertionError("opening a damaged database succeeded");
    }

    @Test
    void garbageOverTheHeaderIsReportedAsADamagedFile() throws IOException {
        storeWithData();
        byte[] garbage = new byte[100];
        new Random(42).nextBytes(garbage);
        try (RandomAccessFile f = new RandomAccessFile(db().toFile(), "rw")) {
            f.write(garbage);
        }

        StoreCorruptedException e = openFails();

        assertThat(e.getMessage()).isEqualTo("database " + db() + " is damaged (" + sqliteSays(e)
                + "); restore a good snapshot from " + dataDir.toAbsolutePath().resolve("snapshots")
                + ", or move the file aside to start empty");
        assertThat(e.getMessage()).contains("not a database").doesNotContain("\n");
        assertThat(e.file()).isEqualTo(db());
    }

    @Test
    void aTruncatedFileIsReportedAsADamagedFile() throws IOException {
        storeWithData();
        long size = Files.size(db());
        try (RandomAccessFile f = new RandomAccessFile(db().toFile(), "rw")) {
            f.setLength(size / 2);
        }

        StoreCorruptedException e = openFails();

        assertThat(e.getMessage())
                .startsWith("database " + db() + " is damaged (")
                .contains("malformed")
                .endsWith("restore a good snapshot from " + dataDir.toAbsolutePath().resolve("snapshots")
                        + ", or move the file aside to start empty")
                .doesNotContain("\n");
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedAsSuch() throws IOException {
        Files.writeString(db(), "servers:\n  - lobby\n".repeat(100), StandardCharsets.UTF_8);

        assertThat(openFails().getMessage()).contains(db().toString()).contains("not a database");
    }

    @Test
    void aDamagedFileIsLeftUntouchedAndTheDirectoryUnlocked() throws IOException {
        storeWithData();
        try (RandomAccessFile f = new RandomAccessFile(db().toFile(), "rw")) {
            f.write(new byte[16]);
        }
        byte[] before = Files.readAllBytes(db());

        openFails();

        assertThat(Files.readAllBytes(db())).isEqualTo(before);
        assertThatThrownBy(() -> SqliteStore.open(dataDir)).isInstanceOf(StoreCorruptedException.class);
    }

    /** The part of the message that SQLite wrote, between "damaged (" and "); restore". */
    private static String sqliteSays(StoreCorruptedException e) {
        String m = e.getMessage();
        return m.substring(m.indexOf("damaged (") + "damaged (".length(), m.indexOf("); restore"));
    }
}
