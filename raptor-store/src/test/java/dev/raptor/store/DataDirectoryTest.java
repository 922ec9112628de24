package dev.raptor.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirectoryTest {

    @Test
    void raptorDataDirIsUsedWhenSet() {
        assertThat(DataDirectory.resolve(Map.of("RAPTOR_DATA_DIR", "/srv/raptor")))
                .isEqualTo(new DataDirectory(Path.of("/srv/raptor"), "RAPTOR_DATA_DIR"));
    }

    @Test
    void theLegacyDaemonDataDirIsHonoured() {
        assertThat(DataDirectory.resolve(Map.of("DAEMON_DATA_DIR", "/srv/daemon")))
                .isEqualTo(new DataDirectory(Path.of("/srv/daemon"), "DAEMON_DATA_DIR"));
    }

    @Test
    void raptorDataDirWinsWhenBothAreSet() {
        assertThat(DataDirectory.resolve(Map.of("RAPTOR_DATA_DIR", "/srv/raptor", "DAEMON_DATA_DIR", "/srv/daemon")).path())
                .isEqualTo(Path.of("/srv/raptor"));
    }

    @Test
    void withNeitherTheDefaultIsUsed() {
        assertThat(DataDirectory.resolve(Map.of()))
                .isEqualTo(new DataDirectory(Path.of("/var/lib/raptor-daemon"), "default"));
    }

    @Test
    void aBlankValueCountsAsUnset() {
        assertThat(DataDirectory.resolve(Map.of("RAPTOR_DATA_DIR", "  ", "DAEMON_DATA_DIR", "/srv/daemon")).path())
                .isEqualTo(Path.of("/srv/daemon"));
    }
}
