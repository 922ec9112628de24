package dev.raptor.api.files;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pull's resolver: one lookup, every address checked, and the checked addresses are the ones connected to. */
class CheckedResolverTest {

    private static InetAddress ip(String literal) throws java.net.UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void aNameIsLookedUpOnceAndTheAddressesItAnsweredAreTheOnesHandedToTheClient() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        // a rebinding DNS server: public on the first answer, loopback on every later one
        CheckedResolver r = new CheckedResolver(host -> new InetAddress[]{lookups.incrementAndGet() == 1 ? ip("93.184.216.34") : ip("127.0.0.1")}, false);

        List<InetSocketAddress> connectTo = r.check("rebind.example", 443);

        assertThat(lookups.get()).isEqualTo(1);
        assertThat(connectTo).containsExactly(new InetSocketAddress(ip("93.184.216.34"), 443));
    }

    @Test
    void anyPrivateAddressAmongTheAnswersRefusesTheTarget() {
        CheckedResolver r = new CheckedResolver(host -> new InetAddress[]{ip("93.184.216.34"), ip("10.0.0.7")}, false);
        assertThatThrownBy(() -> r.check("mixed.example", 80)).isInstanceOf(CheckedResolver.RefusedTarget.class)
                .hasMessageContaining("10.0.0.7");
    }

    @Test
    void specialPurposeAddressesAreNotPublic() throws Exception {
        for (String s : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1",
                "64:ff9b::a00:1", "2002:7f00:1::", "2001:db8::1", "198.18.0.1")) {
            assertThat(PublicAddresses.isPublic(ip(s))).as(s).isFalse();
        }
        for (String s : List.of("93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::5db8:d822")) {
            assertThat(PublicAddresses.isPublic(ip(s))).as(s).isTrue();
        }
    }

    @Test
    void aNodeThatAllowsPrivateTargetsConnectsToThemAsResolved() throws Exception {
        CheckedResolver r = new CheckedResolver(host -> new InetAddress[]{ip("127.0.0.1")}, true);
        assertThat(r.check("files.test", 8080)).containsExactly(new InetSocketAddress(ip("127.0.0.1"), 8080));
    }
}
