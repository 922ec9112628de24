package dev.raptor.wire.template;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.core.template.Template;
import dev.raptor.core.testing.Eggs;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** POST /servers bodies that name a template. */
class ServerCreationTest {
    private final Template craft = EggReader.read(WireJson.parse(Eggs.text(Eggs.BUSYBOX_CRAFT)), null, Instant.EPOCH);

    private ServerCreation decode(String json) {
        return ServerCreation.decode((ObjectNode) WireJson.parse(json), id -> id.equals(craft.id()) ? Optional.of(craft) : Optional.empty());
    }

    @Test
    void theTemplateFillsImageStartupStopReadyPatternAndEnvironment() {
        ServerCreation c = decode("""
                {"template": "busybox-craft", "name": "lobby", "variables": {"MAX_PLAYERS": 5, "MOTD": "hi"},
                 "allocations": [{"ip": "127.0.0.1", "port": 25565}], "environment": {"EXTRA": "1"}}""");
        ServerSpec s = c.spec();

        assertThat(c.template()).isSameAs(craft);
        assertThat(c.skipInstall()).isFalse();
        assertThat(s.image()).isEqualTo("raptor-test/gameserver:1");
        assertThat(s.startup()).isEqualTo(craft.startup());
        assertThat(s.stopPolicy()).isEqualTo(StopPolicy.command("stop", StopPolicy.DEFAULT_TIMEOUT));
        assertThat(s.readyPattern()).isEqualTo(craft.readyPattern());
        assertThat(s.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("MOTD", "hi", "MAX_PLAYERS", "5",
                "GAME_MODE", "survival", "LEVEL_SEED", "", "INSTALL_DELAY", "0", "EXTRA", "1"));
        assertThat(s.startupCommand()).isEqualTo("exec /bin/sh ./game.sh --port 25565 --memory 0 --mode survival");
    }

    @Test
    void theBodyOverridesTheTemplateAndMayNameAnImageByItsLabel() {
        ServerSpec s = decode("""
                {"template": "busybox-craft", "name": "x", "image": "Busybox 2", "stop": {"type": "signal", "value": "SIGTERM"},
                 "skipInstall": true}""").spec();
        assertThat(s.image()).isEqualTo("raptor-test/gameserver:2");
        assertThat(s.stopPolicy().type()).isEqualTo("signal");
    }

    @Test
    void everyBadVariableAndEveryBadSpecFieldIsNamedAtOnce() {
        assertThatThrownBy(() -> decode("""
                {"template": "busybox-craft", "name": "",
                 "variables": {"MAX_PLAYERS": "many", "GAME_MODE": "hardcore", "LEVEL_SEED": "abc", "COLOUR": "red", "MOTD": {"a": 1}},
                 "environment": {"MOTD": "sneaky"}, "limits": {"memoryMiB": -1}}"""))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .contains("variables.MAX_PLAYERS", "variables.GAME_MODE", "variables.LEVEL_SEED", "variables.COLOUR",
                                "variables.MOTD", "environment.MOTD", "name", "limits.memoryMiB"));
    }

    @Test
    void anUnknownTemplateIsNamed() {
        assertThatThrownBy(() -> decode("{\"template\": \"nope\", \"name\": \"x\"}"))
                .hasMessageContaining("template: no template with id 'nope'");
    }

    @Test
    void templateMembersWithoutATemplateAreRefused() {
        assertThatThrownBy(() -> decode("{\"name\": \"x\", \"image\": \"a:1\", \"variables\": {\"A\": \"1\"}}"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("variables"));
    }

    @Test
    void aPlainSpecIsStillAPlainSpec() {
        ServerCreation c = decode("{\"name\": \"x\", \"image\": \"a:1\"}");
        assertThat(c.template()).isNull();
        assertThat(c.spec().image()).isEqualTo("a:1");
    }
}
