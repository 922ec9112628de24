package dev.raptor.wire.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FieldHintTest {
    private static final List<String> SPEC = List.of("name", "image", "limits.memoryMiB", "limits.swapMiB", "stop.timeoutSeconds",
            "healthCheck.timeoutSeconds", "environment", "allocations[].port");

    @Test
    void aNameCutShortMeansTheFieldItBegins() {
        assertThat(FieldHint.nearest("memory", SPEC)).isEqualTo("limits.memoryMiB");
        assertThat(FieldHint.nearest("env", SPEC)).isEqualTo("environment");
    }

    @Test
    void aNameWithSomethingAddedMeansTheFieldItStartsWith() {
        assertThat(FieldHint.nearest("ports", SPEC)).isEqualTo("allocations[].port");
    }

    @Test
    void aFewEditsAwayIsATypoCaseAndSeparatorsAside() {
        assertThat(FieldHint.nearest("memoryMb", SPEC)).isEqualTo("limits.memoryMiB");
        assertThat(FieldHint.nearest("IMAGES", SPEC)).isEqualTo("image");
        assertThat(FieldHint.nearest("memory_mib", SPEC)).isEqualTo("limits.memoryMiB");
    }

    @Test
    void theWholePathCountsToo() {
        assertThat(FieldHint.nearest("limitsMemoryMiB", SPEC)).isEqualTo("limits.memoryMiB");
    }

    @Test
    void amongEquallyNearFieldsTheFirstListedWinsAndASetGoesInAlphabeticalOrder() {
        assertThat(FieldHint.nearest("timeout", SPEC)).isEqualTo("stop.timeoutSeconds");
        assertThat(FieldHint.nearest("timeout", SPEC.reversed())).isEqualTo("healthCheck.timeoutSeconds");
        assertThat(FieldHint.nearest("timeout", Set.copyOf(SPEC))).isEqualTo("healthCheck.timeoutSeconds");
    }

    @Test
    void nothingNearMeansNoHint() {
        assertThat(FieldHint.nearest("qwertyuiop", SPEC)).isNull();
        assertThat(FieldHint.nearest("x", Set.of("name", "image"))).isNull();
    }
}
