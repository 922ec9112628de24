package dev.raptor.core.console;

import dev.raptor.core.validation.FieldError;
import dev.raptor.core.validation.InvalidSpecException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleCommandTest {

    @Test
    void anOrdinaryLineIsACommand() {
        assertThat(ConsoleCommand.of("say hi").line()).isEqualTo("say hi");
        assertThat(ConsoleCommand.isValid("x".repeat(ConsoleCommand.MAX_LENGTH))).isTrue();
    }

    @Test
    void anEmptyOrTooLongLineIsRefusedWithTheLimitNamed() {
        assertThat(ConsoleCommand.problems("")).containsExactly("must be 1 to 4096 characters");
        assertThat(ConsoleCommand.problems("x".repeat(ConsoleCommand.MAX_LENGTH + 1))).containsExactly("must be 1 to 4096 characters");
    }

    @Test
    void aLineBreakOrNulWouldSmuggleInAnotherCommandAndIsRefused() {
        for (String bad : new String[] {"stop\nop me", "say a\rb", "say a\0b"}) {
            assertThat(ConsoleCommand.isValid(bad)).as(bad).isFalse();
            assertThat(ConsoleCommand.problems(bad)).containsExactly("must be a single line (send several commands as several requests)");
        }
    }

    @Test
    void everyProblemIsNamedAtOnceUnderTheFieldCommand() {
        String both = "\n" + "x".repeat(ConsoleCommand.MAX_LENGTH);
        assertThatThrownBy(() -> ConsoleCommand.of(both))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("command", "command"));
        assertThatThrownBy(() -> ConsoleCommand.of(null)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("command: is required");
    }
}
