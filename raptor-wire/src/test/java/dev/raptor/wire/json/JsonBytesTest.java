package dev.raptor.wire.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonBytesTest {
    @Test
    void bytesAreTheCompactTextInUtf8() {
        ObjectNode o = WireJson.mapper().createObjectNode();
        o.put("motd", "Grüße, \"friend\" ☃ \u0001");
        o.putArray("ports").add(25565).add(19132);

        assertThat(WireJson.writeBytes(o)).isEqualTo(WireJson.write(o).getBytes(StandardCharsets.UTF_8));
        assertThat(WireJson.parse(new String(WireJson.writeBytes(o), StandardCharsets.UTF_8))).isEqualTo(o);
    }
}
