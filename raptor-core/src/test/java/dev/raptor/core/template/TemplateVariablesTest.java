package dev.raptor.core.template;

import dev.raptor.core.power.StopPolicy;
import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateVariablesTest {
    private final Template template = new Template("craft", "Craft", "", "", Map.of("Default", "game:1"), "run {{MOTD}}",
            StopPolicy.command("stop", StopPolicy.DEFAULT_TIMEOUT), null, null, List.of(
            new TemplateVariable("Motd", "", "MOTD", "hello", true, true, VariableRules.parse("required|string|max:10")),
            new TemplateVariable("Players", "", "MAX_PLAYERS", "20", true, true, VariableRules.parse("required|integer|between:1,100")),
            new TemplateVariable("Seed", "", "SEED", "", true, true, VariableRules.parse("nullable|integer"))),
            "PTDL_v2", Instant.EPOCH);

    @Test
    void missingValuesTakeTheirDefaults() {
        assertThat(TemplateVariables.resolve(template, Map.of("MAX_PLAYERS", "5")))
                .containsExactly(Map.entry("MOTD", "hello"), Map.entry("MAX_PLAYERS", "5"), Map.entry("SEED", ""));
    }

    @Test
    void everyBadVariableIsNamedInOneError() {
        assertThatThrownBy(() -> TemplateVariables.resolve(template, Map.of("MOTD", "", "MAX_PLAYERS", "500", "SEED", "x",
                "NOPE", "1")))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("variables.MOTD", "variables.MAX_PLAYERS", "variables.SEED", "variables.NOPE"));
    }

    @Test
    void anUnknownVariableIsNamedWithTheTemplatesOwn() {
        assertThatThrownBy(() -> TemplateVariables.resolve(template, Map.of("MOTDD", "x")))
                .hasMessageContaining("variables.MOTDD: is not a variable of template 'craft' (it has MOTD, MAX_PLAYERS, SEED)");
    }

    @Test
    void aTemplateRefusesAVariableDefinedTwice() {
        TemplateVariable v = new TemplateVariable("A", "", "A", "", true, true, VariableRules.NONE);
        assertThatThrownBy(() -> new Template("t", "T", "", "", Map.of(), "run", StopPolicy.defaultPolicy(), null, null,
                List.of(v, v), "PTDL_v2", Instant.EPOCH)).hasMessageContaining("variables[1].env_variable: 'A' is defined twice");
    }
}
