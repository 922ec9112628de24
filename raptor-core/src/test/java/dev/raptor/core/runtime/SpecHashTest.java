package dev.raptor.core.runtime;

import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SpecHashTest {
    private final ServerSpec spec = ServerSpec.builder("raptor-test/gameserver:1").id(UUID.randomUUID()).name("a").env("X", "1").build();

    @Test
    void theHashIsStableAndIgnoresTheName() {
        assertThat(SpecHash.of(spec)).isEqualTo(SpecHash.of(spec.toBuilder().build()));
        assertThat(SpecHash.of(spec)).isEqualTo(SpecHash.of(spec.withName("renamed")));
        assertThat(SpecHash.of(spec)).hasSize(24);
    }

    @Test
    void anyChangeToWhatRunsChangesTheHash() {
        assertThat(SpecHash.of(spec)).isNotEqualTo(SpecHash.of(spec.toBuilder().env("X", "2").build()));
        assertThat(SpecHash.of(spec)).isNotEqualTo(SpecHash.of(spec.toBuilder().image("raptor-test/gameserver:2").build()));
    }
}
