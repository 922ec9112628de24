package dev.raptor.cli.spec;

import dev.raptor.wire.json.WireJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentParsingTest {

    @Test
    void portMappingTakesDockerSyntax() {
        assertThat(PortMapping.parse("25565")).isEqualTo(new PortMapping("0.0.0.0", 25565, 25565, "tcp"));
        assertThat(PortMapping.parse("25566:25565")).isEqualTo(new PortMapping("0.0.0.0", 25566, 25565, "tcp"));
        assertThat(PortMapping.parse("127.0.0.1:19132:19132/udp")).isEqualTo(new PortMapping("127.0.0.1", 19132, 19132, "udp"));
        assertThat(PortMapping.parse("[::1]:8080:80/TCP")).isEqualTo(new PortMapping("::1", 8080, 80, "tcp"));
        assertThat(PortMapping.parse("10.0.0.5:27015/udp")).isEqualTo(new PortMapping("10.0.0.5", 27015, 27015, "udp"));
    }

    @Test
    void portMappingRejectsNonsenseNamingTheArgument() {
        assertThatThrownBy(() -> PortMapping.parse("70000:1")).hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> PortMapping.parse("1:2/sctp")).hasMessageContaining("tcp or udp");
        assertThatThrownBy(() -> PortMapping.parse("300.1.1.1:80:80")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> PortMapping.parse("abc")).hasMessageContaining("not a port mapping");
        assertThatThrownBy(() -> PortMapping.parse("0:80")).hasMessageContaining("between 1 and 65535");
    }

    @Test
    void firstPortIsPrimaryInTheAllocation() {
        assertThat(WireJson.write(PortMapping.parse("127.0.0.1:25565:25565").toDocument(true)))
                .isEqualTo("{\"ip\":\"127.0.0.1\",\"port\":25565,\"containerPort\":25565,\"protocol\":\"tcp\",\"primary\":true}");
    }

    @Test
    void memorySizesBecomeMebibytes() {
        assertThat(Units.mebibytes("1g")).isEqualTo(1024);
        assertThat(Units.mebibytes("1G")).isEqualTo(1024);
        assertThat(Units.mebibytes("1.5g")).isEqualTo(1536);
        assertThat(Units.mebibytes("512m")).isEqualTo(512);
        assertThat(Units.mebibytes("512MiB")).isEqualTo(512);
        assertThat(Units.mebibytes("2gb")).isEqualTo(2048);
        assertThat(Units.mebibytes("2048k")).isEqualTo(2);
        assertThat(Units.mebibytes("1k")).isEqualTo(1); // rounded up: never below what was asked
        assertThat(Units.mebibytes("1t")).isEqualTo(1024 * 1024);
        assertThat(Units.mebibytes("768")).isEqualTo(768);
        assertThat(Units.mebibytes("1073741824b")).isEqualTo(1024);
        assertThat(Units.mebibytes("0")).isZero();
    }

    @Test
    void badSizesAreRejected() {
        assertThatThrownBy(() -> Units.mebibytes("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.mebibytes("-1g")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.mebibytes("1x")).hasMessageContaining("not a size");
    }

    @Test
    void cpusBecomePercentOfOneCore() {
        assertThat(Units.cpuPercent("1.5")).isEqualTo(150);
        assertThat(Units.cpuPercent("0.25")).isEqualTo(25);
        assertThat(Units.cpuPercent("2")).isEqualTo(200);
        assertThat(Units.cpuPercent("150%")).isEqualTo(150);
        assertThat(Units.cpuPercent("0")).isZero();
        assertThatThrownBy(() -> Units.cpuPercent("-1")).hasMessageContaining("not a CPU count");
        assertThatThrownBy(() -> Units.cpuPercent("many")).hasMessageContaining("not a CPU count");
    }

    @Test
    void durationsReadLikeGo() {
        assertThat(Units.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Units.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Units.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.duration("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Units.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Units.duration("soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Units.duration("10m junk")).hasMessageContaining("not a duration");
    }

    @Test
    void restartPoliciesReadLikeDocker() {
        assertThat(RestartSpec.parse("on-failure:5")).isEqualTo(new RestartSpec("on-failure", 5));
        assertThat(RestartSpec.parse("on-failure")).isEqualTo(new RestartSpec("on-failure", null));
        assertThat(RestartSpec.parse("always")).isEqualTo(new RestartSpec("always", null));
        assertThat(WireJson.write(RestartSpec.parse("unless-stopped").toDocument())).isEqualTo("{\"policy\":\"unless-stopped\"}");
        assertThat(WireJson.write(RestartSpec.parse("on-failure:3").toDocument())).isEqualTo("{\"policy\":\"on-failure\",\"maxRetries\":3}");
        assertThatThrownBy(() -> RestartSpec.parse("always:3")).hasMessageContaining("only on-failure");
        assertThatThrownBy(() -> RestartSpec.parse("sometimes")).hasMessageContaining("not a restart policy");
        assertThatThrownBy(() -> RestartSpec.parse("on-failure:x")).hasMessageContaining("non-negative");
    }

    @Test
    void keyValuesSplitAtTheFirstEquals() {
        assertThat(KeyValue.parse("A=b=c")).isEqualTo(new KeyValue("A", "b=c"));
        assertThat(KeyValue.parse("EMPTY=")).isEqualTo(new KeyValue("EMPTY", ""));
        assertThatThrownBy(() -> KeyValue.parse("NOVALUE")).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> KeyValue.parse("=x")).hasMessageContaining("KEY=VALUE");
    }
}
