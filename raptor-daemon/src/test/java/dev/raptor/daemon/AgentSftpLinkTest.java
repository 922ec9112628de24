package dev.raptor.daemon;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where {@code raptord agent}'s SFTP link listens ({@code RAPTOR_AGENT_SFTP_ADDR}). */
class AgentSftpLinkTest {
    private static final ConfigLoader.HostPort AGENT = new ConfigLoader.HostPort("10.0.0.12", 7090);

    @Test
    void byDefaultItListensOnTheAgentsAddressOnePortAbove() {
        List<String> problems = new ArrayList<>();
        InetSocketAddress a = AgentSftpLink.address(Map.of(), AGENT, problems);
        assertThat(a.getHostString() + ":" + a.getPort()).isEqualTo("10.0.0.12:7091");
        assertThat(AgentSftpLink.address(Map.of(), new ConfigLoader.HostPort("10.0.0.12", 0), problems).getPort())
                .as("an agent on any free port: its link on any free port too").isZero();
        assertThat(problems).isEmpty();
    }

    @Test
    void anAddressOrOffMayBeGivenAndABadOneIsNamed() {
        List<String> problems = new ArrayList<>();
        InetSocketAddress a = AgentSftpLink.address(Map.of(AgentSftpLink.ENV, "0.0.0.0:2222"), AGENT, problems);
        assertThat(a.getPort()).isEqualTo(2222);
        assertThat(AgentSftpLink.address(Map.of(AgentSftpLink.ENV, "off"), AGENT, problems)).isNull();
        assertThat(problems).isEmpty();
        assertThat(AgentSftpLink.address(Map.of(AgentSftpLink.ENV, "nowhere"), AGENT, problems)).isNull();
        assertThat(problems).singleElement().asString().startsWith("RAPTOR_AGENT_SFTP_ADDR: ").contains("(or off)");
    }
}
