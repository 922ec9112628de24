package dev.raptor.core.power;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.server.ServerSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RconClientTest {

    @Test
    void rconIsReachedOnThePrimaryAllocationsAddress() {
        ServerSpec spec = ServerSpec.builder("img:1").name("s").allocation(Allocation.primary("10.0.0.5", 25565, Protocol.TCP)).build();
        assertThat(RconClient.hostFor(spec)).isEqualTo("10.0.0.5");
    }

    @Test
    void aWildcardAddressOrNoAllocationMeansTheLoopback() {
        ServerSpec wildcard = ServerSpec.builder("img:1").name("s").allocation(Allocation.primary("0.0.0.0", 25565, Protocol.TCP)).build();
        assertThat(RconClient.hostFor(wildcard)).isEqualTo("127.0.0.1");
        assertThat(RconClient.hostFor(ServerSpec.builder("img:1").name("s").build())).isEqualTo("127.0.0.1");
        assertThat(RconClient.hostFor(null)).isEqualTo("127.0.0.1");
    }
}
