package dev.raptor.api.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Who a request comes from: the peer's address in its normal form, kept for the next request from the same peer. */
class ClientAddressTest {

    @Test
    void eachPeerIsNamedInItsNormalFormWhateverThePeerBeforeIt() {
        ClientAddress clients = ClientAddress.direct();
        assertThat(clients.of("::1", null)).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(clients.of("::1", null)).as("the same peer again").isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(clients.of("127.0.0.1", null)).as("another peer is never named as the one before").isEqualTo("127.0.0.1");
        assertThat(clients.of("[::1]", "10.0.0.9")).as("no proxy trusted: the header is ignored").isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(clients.of("not an address", null)).isEqualTo("not an address");
        assertThat(clients.of(null, null)).isEqualTo("unknown");
        assertThat(clients.of("127.0.0.1", null)).isEqualTo("127.0.0.1");
    }
}
