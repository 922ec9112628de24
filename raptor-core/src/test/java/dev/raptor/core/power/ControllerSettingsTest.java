package dev.raptor.core.power;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerSettingsTest {
    @Test
    void restartBackoffDoublesUpToItsCap() {
        ControllerSettings s = ControllerSettings.defaults(Path.of("/tmp")).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(s.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.backoff(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.backoff(500)).isEqualTo(Duration.ofSeconds(10));
    }
}
