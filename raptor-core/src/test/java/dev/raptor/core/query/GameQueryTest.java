package dev.raptor.core.query;

import dev.raptor.core.validation.FieldError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GameQueryTest {

    @Test
    void protocolsAreNamedAsOnTheWire() {
        assertThat(QueryProtocol.parse(" Minecraft ")).isEqualTo(QueryProtocol.MINECRAFT);
        assertThat(QueryProtocol.parse("source")).isEqualTo(QueryProtocol.SOURCE);
        assertThatThrownBy(() -> QueryProtocol.parse("gamespy")).hasMessage("must be one of minecraft, source, rcon (was 'gamespy')");
    }

    @Test
    void theGamePortIsQueriedUnlessAnotherIsNamed() {
        assertThat(GameQuery.minecraft().portOr(25565)).isEqualTo(25565);
        assertThat(GameQuery.source(2457).portOr(2456)).isEqualTo(2457);
    }

    @Test
    void rconNeedsItsOwnPortAndAPasswordAndAsksListByDefault() {
        GameQuery q = new GameQuery(QueryProtocol.RCON, 0, null, null);
        assertThat(q.command()).isEqualTo("list");
        assertThat(q.problems()).extracting(FieldError::field).containsExactlyInAnyOrder("port", "password");
        assertThat(GameQuery.rcon(25575, "pw", null).problems()).isEmpty();
    }

    @Test
    void onlyRconKeepsACommandAndAPassword() {
        GameQuery q = new GameQuery(QueryProtocol.SOURCE, 0, "status", "secret");
        assertThat(q.command()).isNull();
        assertThat(q.password()).isNull();
    }

    @Test
    void thePasswordNeverShowsInText() {
        assertThat(GameQuery.rcon(25575, "hunter2", "list").toString()).doesNotContain("hunter2");
    }

    @Test
    void aPortOutOfRangeIsNamed() {
        assertThat(GameQuery.source(70000).problems()).extracting(FieldError::field).containsExactly("port");
    }

    @Test
    void aSpecsQueryIsCheckedWithTheSpecAndNeedsSomewhereToAsk() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(dev.raptor.core.validation.InvalidSpecException.class,
                () -> dev.raptor.core.server.ServerSpec.builder("raptor-test/gameserver:1").name("q")
                        .query(new GameQuery(QueryProtocol.RCON, 70000, null, null)).build());
        assertThat(e.errors()).extracting(FieldError::field).contains("query.port", "query.password");
        var noAddress = org.assertj.core.api.Assertions.catchThrowableOfType(dev.raptor.core.validation.InvalidSpecException.class,
                () -> dev.raptor.core.server.ServerSpec.builder("raptor-test/gameserver:1").name("q").query(GameQuery.minecraft()).build());
        assertThat(noAddress.errors()).extracting(FieldError::field).containsExactly("query");
        assertThat(dev.raptor.core.server.ServerSpec.builder("raptor-test/gameserver:1").name("q").query(GameQuery.source(27015)).build()
                .query().port()).isEqualTo(27015);
    }
}
