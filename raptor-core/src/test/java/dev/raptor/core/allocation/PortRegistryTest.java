package dev.raptor.core.allocation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortRegistryTest {
    private final PortRegistry ports = new PortRegistry();
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void aConflictingClaimIsRefusedNamingBothServers() {
        ports.claim(a, List.of(Allocation.primary("127.0.0.1", 25565, Protocol.TCP)));
        assertThatThrownBy(() -> ports.claim(b, List.of(Allocation.primary("127.0.0.1", 25565, Protocol.TCP))))
                .isInstanceOf(PortConflictException.class)
                .hasMessageContaining(a.toString())
                .hasMessageContaining(b.toString())
                .hasMessageContaining("127.0.0.1:25565/tcp");
        assertThat(ports.held(b)).isEmpty();
    }

    @Test
    void serversOnTwoNodesMayHoldTheSamePortButNotOnOne() {
        ports.claim(a, "node-1", List.of(Allocation.primary("0.0.0.0", 25565, Protocol.TCP)));
        ports.claim(b, "node-2", List.of(Allocation.primary("0.0.0.0", 25565, Protocol.TCP)));
        assertThat(ports.nodeOf(b)).isEqualTo("node-2");
        UUID c = UUID.randomUUID();
        assertThatThrownBy(() -> ports.claim(c, "node-1", List.of(Allocation.primary("0.0.0.0", 25565, Protocol.TCP))))
                .isInstanceOf(PortConflictException.class).hasMessageContaining(a.toString());
        assertThat(ports.conflict(c, List.of(Allocation.primary("0.0.0.0", 25565, Protocol.TCP))))
                .as("the one machine is a node of its own").isEmpty();
    }

    @Test
    void theWildcardAddressOverlapsEveryAddress() {
        ports.claim(a, List.of(Allocation.primary("0.0.0.0", 27015, Protocol.UDP)));
        assertThat(ports.conflict(b, List.of(Allocation.primary("192.168.1.20", 27015, Protocol.UDP)))).isPresent();
        ports.release(a);
        ports.claim(a, List.of(Allocation.primary("192.168.1.20", 27015, Protocol.UDP)));
        assertThat(ports.conflict(b, List.of(Allocation.primary("0.0.0.0", 27015, Protocol.UDP)))).isPresent();
    }

    @Test
    void differentProtocolsOrAddressesDoNotCollide() {
        ports.claim(a, List.of(Allocation.primary("127.0.0.1", 25565, Protocol.TCP)));
        ports.claim(b, List.of(Allocation.primary("127.0.0.1", 25565, Protocol.UDP),
                Allocation.secondary("127.0.0.2", 25565, Protocol.TCP)));
        assertThat(ports.held(b)).hasSize(2);
    }

    @Test
    void aServerMayReclaimItsOwnPortsAndReleasedPortsAreFree() {
        List<Allocation> mine = List.of(Allocation.primary("0.0.0.0", 2456, Protocol.UDP));
        ports.claim(a, mine);
        ports.claim(a, mine);
        ports.release(a);
        ports.claim(b, mine);
        assertThat(ports.held(b)).isEqualTo(mine);
    }

    @Test
    void ipv6WildcardOverlapsIpv4Addresses() {
        assertThat(IpLiteral.overlaps("::", "10.0.0.1")).isTrue();
        assertThat(IpLiteral.overlaps("0.0.0.0", "::1")).isFalse();
        assertThat(IpLiteral.isValid("example.com")).isFalse();
        assertThat(IpLiteral.isValid("::1")).isTrue();
    }
}
