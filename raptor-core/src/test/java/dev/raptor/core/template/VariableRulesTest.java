package dev.raptor.core.template;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Egg variable rules, checked as Laravel checks them. */
class VariableRulesTest {

    private static List<String> check(String rules, String value) {
        return VariableRules.parse(rules).problems(value);
    }

    @Test
    void requiredRefusesAMissingOrEmptyValue() {
        assertThat(check("required|string", null)).containsExactly("is required");
        assertThat(check("required|string", "")).containsExactly("is required");
        assertThat(check("required|string", "x")).isEmpty();
    }

    @Test
    void anEmptyValueThatIsNotRequiredPassesEveryOtherRule() {
        assertThat(check("nullable|integer|min:5", "")).isEmpty();
        assertThat(check("string|max:3", null)).isEmpty();
    }

    @Test
    void integerAndNumericCheckTheKindOfNumber() {
        assertThat(check("integer", "12")).isEmpty();
        assertThat(check("integer", "-3")).isEmpty();
        assertThat(check("integer", "1.5")).containsExactly("must be an integer (was '1.5')");
        assertThat(check("numeric", "1.5")).isEmpty();
        assertThat(check("numeric", "abc")).containsExactly("must be a number (was 'abc')");
    }

    @Test
    void minMaxAndBetweenCompareValuesOfNumbersAndLengthsOfText() {
        assertThat(check("integer|between:1,100", "101")).containsExactly("must be at most 100 (was 101)");
        assertThat(check("integer|between:1,100", "0")).containsExactly("must be at least 1 (was 0)");
        assertThat(check("numeric|min:2", "1.5")).containsExactly("must be at least 2 (was 1.5)");
        assertThat(check("string|max:3", "four")).containsExactly("must be at most 3 characters (was 4)");
        assertThat(check("string|min:2", "é")).containsExactly("must be at least 2 characters (was 1)");
        assertThat(check("string|max:3", "123456")).hasSize(1); // text: the length counts, not the value
    }

    @Test
    void booleanTakesZeroOneTrueAndFalse() {
        for (String ok : List.of("0", "1", "true", "false", "TRUE")) {
            assertThat(check("boolean", ok)).as(ok).isEmpty();
        }
        assertThat(check("boolean", "yes")).containsExactly("must be a boolean: 0, 1, true or false (was 'yes')");
    }

    @Test
    void inNamesTheAllowedValues() {
        assertThat(check("in:survival,creative", "creative")).isEmpty();
        assertThat(check("in:survival,creative", "hardcore")).containsExactly("must be one of survival, creative (was 'hardcore')");
    }

    @Test
    void regexIsAPhpPatternFoundAnywhereAndMayContainAPipe() {
        VariableRules jar = VariableRules.parse("required|regex:/^([\\w\\d._-]+)(\\.jar)$/");
        assertThat(jar.rules()).containsExactly("required", "regex:/^([\\w\\d._-]+)(\\.jar)$/");
        assertThat(jar.problems("paper.jar")).isEmpty();
        assertThat(jar.problems("paper.zip")).singleElement().asString().startsWith("must match");
        VariableRules pipe = VariableRules.parse("regex:/^(a|b)$/i|max:1");
        assertThat(pipe.rules()).containsExactly("regex:/^(a|b)$/i", "max:1");
        assertThat(pipe.problems("B")).isEmpty();
        assertThat(check("regex:/[0-9]/", "abc1def")).isEmpty(); // found anywhere, like preg_match
    }

    @Test
    void alphaDashAndUrl() {
        assertThat(check("alpha_dash", "my_world-2")).isEmpty();
        assertThat(check("alpha_dash", "my world")).hasSize(1);
        assertThat(check("url", "https://packs.example.com/a.zip")).isEmpty();
        assertThat(check("url", "not a url")).hasSize(1);
        assertThat(check("url", "mailto:x@example.com")).hasSize(1);
    }

    @Test
    void everyFailingRuleIsReported() {
        assertThat(check("integer|min:10|max:5", "abc")).containsExactly("must be an integer (was 'abc')");
        assertThat(check("string|max:2|in:a,b", "xyz")).hasSize(2);
    }

    @Test
    void aRuleRaptorDoesNotCheckIsRefusedNamingIt() {
        assertThatThrownBy(() -> VariableRules.parse("required|digits_between:1,3|size:4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule 'digits_between:1,3' is not one Raptor checks")
                .hasMessageContaining("rule 'size:4' is not one Raptor checks");
        assertThatThrownBy(() -> VariableRules.parse("max:lots")).hasMessageContaining("needs a number");
        assertThatThrownBy(() -> VariableRules.parse("regex:/(unclosed/")).hasMessageContaining("cannot be read");
    }

    @Test
    void thePipeFormRoundTrips() {
        VariableRules rules = VariableRules.of(List.of("required", "string", "max:20"));
        assertThat(rules.text()).isEqualTo("required|string|max:20");
        assertThat(VariableRules.parse(rules.text())).isEqualTo(rules);
    }
}
