package dev.raptor.wire.documents;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.raptor.wire.auth.TokenRequest;
import dev.raptor.wire.console.CommandRequest;
import dev.raptor.wire.json.WireJson;
import dev.raptor.wire.operation.PowerRequest;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The members the daemon accepts in a request (anything else is named as an unknown field) are exactly
 * those its record writes, so a client built on the record never sends one the daemon refuses.
 */
class RequestFieldsTest {

    private static Set<String> propertiesOf(Class<?> type) {
        JavaType t = WireJson.mapper().constructType(type);
        return WireJson.mapper().getSerializationConfig().introspect(t).findProperties().stream()
                .map(BeanPropertyDefinition::getName).collect(Collectors.toSet());
    }

    @Test
    void aPowerRequestAcceptsWhatItsRecordWrites() {
        assertThat(propertiesOf(PowerRequest.class)).isEqualTo(PowerRequest.FIELDS);
        assertThat(WireJson.write(new PowerRequest("stop", false, java.math.BigDecimal.TEN)))
                .isEqualTo("{\"action\":\"stop\",\"wait\":false,\"timeout\":10}");
        assertThat(WireJson.write(PowerRequest.of("kill"))).isEqualTo("{\"action\":\"kill\"}");
    }

    @Test
    void aTokenRequestAcceptsWhatItsRecordWrites() {
        assertThat(propertiesOf(TokenRequest.class)).isEqualTo(TokenRequest.FIELDS);
    }

    @Test
    void aCommandRequestAcceptsWhatItsRecordWrites() {
        assertThat(propertiesOf(CommandRequest.class)).isEqualTo(CommandRequest.FIELDS);
    }
}
