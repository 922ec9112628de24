package dev.raptor.wire.template;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.template.Template;
import dev.raptor.core.template.TemplateVariable;
import dev.raptor.core.testing.Eggs;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pterodactyl and Pelican eggs read as templates. */
class EggReaderTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static Template read(String egg) {
        return EggReader.read(WireJson.parse(Eggs.text(egg)), null, NOW);
    }

    @Test
    void aPterodactylV2EggGivesItsImagesStartupStopReadyLineInstallScriptAndVariables() {
        Template t = read(Eggs.BUSYBOX_CRAFT);

        assertThat(t.id()).isEqualTo("busybox-craft");
        assertThat(t.name()).isEqualTo("Busybox Craft");
        assertThat(t.format()).isEqualTo("PTDL_v2");
        assertThat(t.images()).containsExactly(java.util.Map.entry("Busybox 1", "raptor-test/gameserver:1"),
                java.util.Map.entry("Busybox 2", "raptor-test/gameserver:2"));
        assertThat(t.defaultImage()).isEqualTo("raptor-test/gameserver:1");
        assertThat(t.startup()).startsWith("exec /bin/sh ./game.sh --port {{SERVER_PORT}}");
        assertThat(t.stopPolicy()).isEqualTo(StopPolicy.command("stop", StopPolicy.DEFAULT_TIMEOUT));
        assertThat(Pattern.compile(t.readyPattern()).matcher("[Game] Done (0.1s)! For help, type \"help\"").find()).isTrue();
        assertThat(t.install().image()).isEqualTo("raptor-test/gameserver:1");
        assertThat(t.install().entrypoint()).isEqualTo("ash");
        assertThat(t.install().script()).startsWith("#!/bin/ash\n").doesNotContain("\r");
        assertThat(t.variables()).extracting(TemplateVariable::envVariable)
                .containsExactly("MOTD", "MAX_PLAYERS", "GAME_MODE", "LEVEL_SEED", "INSTALL_DELAY");
        assertThat(t.variable("MAX_PLAYERS").rules().text()).isEqualTo("required|integer|between:1,100");
        assertThat(t.variable("INSTALL_DELAY").userEditable()).isFalse();
    }

    @Test
    void aPterodactylV1EggWithAListOfImagesAndACtrlCStop() {
        Template t = read(Eggs.TIMBERLAND_JAVA);

        assertThat(t.format()).isEqualTo("PTDL_v1");
        assertThat(t.defaultImage()).isEqualTo("raptor-test/gameserver:1");
        assertThat(t.stopPolicy()).isEqualTo(StopPolicy.signal("SIGINT", StopPolicy.DEFAULT_TIMEOUT));
        Pattern ready = Pattern.compile(t.readyPattern());
        assertThat(ready.matcher("[Timberland] Server started on port 25565").find()).isTrue();
        assertThat(ready.matcher("Timberland ready").find()).isTrue();
        assertThat(ready.matcher("Server (started) on port").find()).isFalse(); // the lines are literal text
        assertThat(t.variable("SERVER_JARFILE").userViewable()).isTrue(); // 1 reads as true
        assertThat(t.variable("SERVER_JARFILE").rules().problems("server.zip")).hasSize(1);
    }

    @Test
    void aPelicanEggWithListRulesAnObjectConfigAndARegexReadyLine() {
        Template t = read(Eggs.VOXEL_SURVIVAL);

        assertThat(t.id()).isEqualTo("voxel-survival-pelican");
        assertThat(Pattern.compile(t.readyPattern()).matcher("[Game] Done (0.1s)! For help").find()).isTrue();
        assertThat(t.variable("WORLD_NAME").rules().rules()).containsExactly("required", "alpha_dash", "max:32");
        assertThat(t.variable("FAIL_INSTALL").rules().problems("maybe")).hasSize(1);
    }

    @Test
    void anIdMayBeGiven() {
        assertThat(EggReader.read(WireJson.parse(Eggs.text(Eggs.BUSYBOX_CRAFT)), "craft", NOW).id()).isEqualTo("craft");
        assertThatThrownBy(() -> EggReader.read(WireJson.parse(Eggs.text(Eggs.BUSYBOX_CRAFT)), "no spaces", NOW))
                .hasMessageContaining("id: must be 1-64 letters");
    }

    @Test
    void everyProblemOfABadEggIsNamedWithItsPath() {
        String egg = """
                {"meta": {"version": "PTDL_v9"}, "name": "Broken", "startup": "",
                 "docker_images": {"A": 5},
                 "config": {"stop": "^X", "startup": "{not json"},
                 "variables": [
                   {"name": "Ok", "env_variable": "OK", "rules": "required"},
                   {"name": "Bad rule", "env_variable": "BAD", "rules": "required|size:3"},
                   {"name": "No env"},
                   {"name": "Dup", "env_variable": "OK", "rules": "string"}]}
                """;
        assertThatThrownBy(() -> EggReader.read(WireJson.parse(egg), null, NOW))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .contains("meta.version", "startup", "docker_images.A", "config.stop", "config.startup",
                                "variables[1].rules", "variables[2].env_variable"));
    }

    @Test
    void aNameBecomesAnId() {
        assertThat(EggReader.idFor("Paper MC (1.21)")).isEqualTo("paper-mc-1-21");
        assertThat(EggReader.idFor("***")).isEqualTo("template");
    }
}
