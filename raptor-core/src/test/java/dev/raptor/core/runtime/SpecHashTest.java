package dev.raptor.core.runtime;

import dev.raptor.core.server.FileRules;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
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
    void theSameSpecIsHashedOnceWhileItIsTheLastOneAsked() {
        String first = SpecHash.of(spec);
        assertThat(SpecHash.of(spec)).isSameAs(first);
        ServerSpec equal = spec.toBuilder().build();
        assertThat(SpecHash.of(equal)).isEqualTo(first).isNotSameAs(first);
        ServerSpec other = spec.toBuilder().env("X", "2").build();
        assertThat(SpecHash.of(other)).isNotEqualTo(first);
        assertThat(SpecHash.of(spec)).isEqualTo(first);
    }

    @Test
    void anyChangeToWhatRunsChangesTheHash() {
        assertThat(SpecHash.of(spec)).isNotEqualTo(SpecHash.of(spec.toBuilder().env("X", "2").build()));
        assertThat(SpecHash.of(spec)).isNotEqualTo(SpecHash.of(spec.toBuilder().image("raptor-test/gameserver:2").build()));
    }

    @Test
    void theGameQueryIsNotWhatRunsAndAddingItChangedNoEarlierHash() {
        ServerSpec fixed = ServerSpec.builder("raptor-test/gameserver:1").id(UUID.fromString("6c2a3c5e-4b7f-4a55-9d7e-2f0c6b1a9e10"))
                .name("a").env("X", "1").readyPattern("Done!").build();
        // computed by the version before specs had a query: upgrading recreates no container
        assertThat(SpecHash.of(fixed)).isEqualTo("f9536be9f9b476f0e85c8fea");
        assertThat(SpecHash.of(fixed.toBuilder().query(dev.raptor.core.query.GameQuery.source(2457)).build()))
                .isEqualTo(SpecHash.of(fixed));
    }

    @Test
    void fileRulesAreNotWhatRunsAndAddingThemChangedNoEarlierHash() {
        ServerSpec fixed = ServerSpec.builder("raptor-test/gameserver:1").id(UUID.fromString("6c2a3c5e-4b7f-4a55-9d7e-2f0c6b1a9e10"))
                .name("a").env("X", "1").readyPattern("Done!").build();
        // computed by the version before specs had file rules: upgrading recreates no container
        assertThat(SpecHash.of(fixed)).isEqualTo("f9536be9f9b476f0e85c8fea");
        assertThat(SpecHash.of(fixed.toBuilder().fileRules(FileRules.of(List.of("*.log"), List.of("/server.jar"))).build()))
                .isEqualTo(SpecHash.of(fixed));
    }

    @Test
    void networksAreWhatRunsButAddingThemChangedNoEarlierHash() {
        ServerSpec fixed = ServerSpec.builder("raptor-test/gameserver:1").id(UUID.fromString("6c2a3c5e-4b7f-4a55-9d7e-2f0c6b1a9e10"))
                .name("a").env("X", "1").readyPattern("Done!").build();
        assertThat(SpecHash.of(fixed)).isEqualTo("f9536be9f9b476f0e85c8fea");
        assertThat(SpecHash.of(fixed.toBuilder().network("lobby-net").build())).isNotEqualTo(SpecHash.of(fixed));
        assertThat(SpecHash.of(fixed.toBuilder().network("lobby-net", "lobby").build()))
                .isNotEqualTo(SpecHash.of(fixed.toBuilder().network("lobby-net").build()));
    }

    @Test
    void restartingWhenUnhealthyIsRaptorsDecisionNotWhatRuns() {
        ServerSpec fixed = ServerSpec.builder("raptor-test/gameserver:1").id(UUID.fromString("6c2a3c5e-4b7f-4a55-9d7e-2f0c6b1a9e10"))
                .name("a").env("X", "1").readyPattern("Done!").build();
        assertThat(SpecHash.of(fixed.toBuilder().restartPolicy(dev.raptor.core.power.RestartPolicy.no().withOnUnhealthy(true)).build()))
                .isEqualTo("f9536be9f9b476f0e85c8fea");
    }

    @Test
    void theSettleWindowIsNotWhatRunsAndLeavesTheHashEarlierVersionsComputed() {
        ServerSpec fixed = ServerSpec.builder("raptor-test/gameserver:1").id(UUID.fromString("3f1c2a9e-6c1b-4c5e-9d1a-2b7f0e8c4d21"))
                .name("a").env("X", "1").readyPattern("Done!").build();
        // computed by the version before specs had a settle window: its containers are not recreated
        assertThat(SpecHash.of(fixed)).isEqualTo("5e4f055130da96270cfd6d69");
        assertThat(SpecHash.of(fixed.toBuilder().settle(Duration.ofSeconds(30)).build())).isEqualTo("5e4f055130da96270cfd6d69");
    }

    @Test
    void aMessageSocketIsWhatRunsAndItsHashIsTheOneTheVersionBeforeNetworksComputed() {
        ServerSpec fixed = ServerSpec.builder("raptor-test/gameserver:1").id(UUID.fromString("6c2a3c5e-4b7f-4a55-9d7e-2f0c6b1a9e10"))
                .name("a").env("X", "1").readyPattern("Done!").messaging(true).build();
        // computed by the version whose specs had a message socket but no networks (spec format V5)
        assertThat(SpecHash.of(fixed)).isEqualTo("16fb10b905e64f19c662dda6");
        assertThat(SpecHash.of(fixed.toBuilder().network("lobby-net").build()))
                .isNotEqualTo(SpecHash.of(fixed))
                .isNotEqualTo(SpecHash.of(fixed.toBuilder().messaging(false).network("lobby-net").build()));
    }
}
