package dev.raptor.cli.api;

import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.wire.server.ServerDocument;
import dev.raptor.wire.server.ServerSpecDocument;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerResolverTest {
    private static final String LOBBY = "3f9c2d1e-1111-4000-8000-000000000001";
    private static final String SURVIVAL = "3f9c77aa-2222-4000-8000-000000000002";
    private static final String CREATIVE = "b0b0b0b0-3333-4000-8000-000000000003";

    private final AtomicInteger lists = new AtomicInteger();
    private final ServerResolver resolver = new ServerResolver(() -> {
        lists.incrementAndGet();
        return List.of(server(LOBBY, "lobby"), server(SURVIVAL, "survival"), server(CREATIVE, "3f9c"),
                server("c0c0c0c0-4444-4000-8000-000000000004", "twin"), server("d0d0d0d0-5555-4000-8000-000000000005", "twin"));
    });

    private static ServerDocument server(String id, String name) {
        return new ServerDocument(new ServerSpecDocument(UUID.fromString(id), name, "img", null, null, null, null, null, null,
                null, null, null, null, null, null, null, null), "offline", "stopped", 1, Instant.EPOCH, Instant.EPOCH, false, null, null, null, null, null, "none", false, null);
    }

    @Test
    void aFullIdResolves() {
        assertThat(resolver.resolve(LOBBY).name()).isEqualTo("lobby");
        assertThat(resolver.resolve(LOBBY.toUpperCase()).id()).isEqualTo(LOBBY);
    }

    @Test
    void aNameResolves() {
        assertThat(resolver.resolve("survival").id()).isEqualTo(SURVIVAL);
    }

    @Test
    void aUniqueIdPrefixResolves() {
        assertThat(resolver.resolve("3f9c2").id()).isEqualTo(LOBBY);
        assertThat(resolver.resolve("b0b").id()).isEqualTo(CREATIVE);
    }

    @Test
    void anExactNameBeatsAnIdPrefix() {
        // "3f9c" is a prefix of two ids but the exact name of one server: docker's rule, the name wins
        assertThat(resolver.resolve("3f9c").id()).isEqualTo(CREATIVE);
    }

    @Test
    void anAmbiguousPrefixIsAUsageErrorListingTheCandidates() {
        assertThatThrownBy(() -> resolver.resolve("3f9"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("ambiguous").hasMessageContaining(LOBBY).hasMessageContaining(SURVIVAL)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(CREATIVE));
    }

    @Test
    void aSharedNameIsAmbiguousToo() {
        assertThatThrownBy(() -> resolver.resolve("twin"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("c0c0c0c0").hasMessageContaining("d0d0d0d0");
    }

    @Test
    void anUnknownServerIsNotFound() {
        assertThatThrownBy(() -> resolver.resolve("nether"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND))
                .hasMessage("no such server: nether");
    }

    @Test
    void theListIsFetchedOncePerCommand() {
        resolver.resolveAll(List.of("lobby", "survival", "b0b"));
        assertThat(lists).hasValue(1);
    }
}
