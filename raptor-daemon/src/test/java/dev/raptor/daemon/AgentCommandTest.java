package dev.raptor.daemon;

import dev.raptor.core.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code raptord agent}'s settings: what stops it before it listens (exit 2, every problem named). Serving, TLS and
 * the wrong-key guard: raptor-api's NodeAgentLinkTest; on a swarm: SwarmFilesAgentTest.
 */
class AgentCommandTest {
    @TempDir
    Path tmp;

    private record Outcome(int exit, String err) {
    }

    private Outcome run(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(AgentCommand.ADDR_ENV, "127.0.0.1:0",
                AgentCommand.VOLUMES_ENV, tmp.resolve("volumes").toString(), AgentCommand.KEY_ENV, "k".repeat(40)));
        env.putAll(extra);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AgentCommand.run(env, "test", new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedNamingBothSettings() {
        TestCertificates.Server cert = TestCertificates.ca(tmp.resolve("ca"), "ca").server("agent", "ec");
        Outcome o = run(Map.of(AgentCommand.TLS_CERT_ENV, cert.certificate().toString()));
        assertThat(o.exit()).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(o.err()).contains("RAPTOR_AGENT_TLS_CERT and RAPTOR_AGENT_TLS_KEY: are given together");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() {
        TestCertificates.Ca ca = TestCertificates.ca(tmp.resolve("ca"), "ca");
        TestCertificates.Server one = ca.server("one", "ec");
        TestCertificates.Server other = ca.server("other", "ec");
        Outcome o = run(Map.of(AgentCommand.TLS_CERT_ENV, one.certificate().toString(), AgentCommand.TLS_KEY_ENV, other.key().toString()));
        assertThat(o.exit()).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(o.err()).contains("RAPTOR_AGENT_TLS_CERT, RAPTOR_AGENT_TLS_KEY: the key " + other.key())
                .contains("does not match the certificate " + one.certificate());
    }

    @Test
    void aFailedKeyLimitThatIsNotAWholeNumberIsRefused() {
        Outcome o = run(Map.of(AgentCommand.LIMIT_ENV, "many", AgentCommand.BLOCK_ENV, "0"));
        assertThat(o.exit()).isEqualTo(RaptordMain.EXIT_USAGE);
        assertThat(o.err()).contains("RAPTOR_AUTH_FAILURE_LIMIT: must be a whole number from 0").contains("(was 'many')")
                .contains("RAPTOR_AUTH_BLOCK_SECONDS: must be a whole number from 1");
    }
}
