package dev.raptor.sftp.ssh;

import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.agent.AgentRoute;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.core.CoreModuleProperties;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The manager's SSH client to node agents' SFTP links ({@link AgentSftpServer}): one connection per piped channel,
 * authenticated with the client key derived from the agent key, and only to a listener holding the host key derived
 * from it ({@link AgentLinkKeys}). Every step has a deadline, so an agent that is down, unreachable or holds another key
 * fails a user's channel within seconds.
 */
final class AgentSftpClient implements AutoCloseable {
    static final Duration CONNECT = Duration.ofSeconds(5);
    static final Duration AUTH = Duration.ofSeconds(10);
    static final Duration OPEN = Duration.ofSeconds(10);

    private final AgentLinkKeys keys;
    private final SshClient client;

    AgentSftpClient(AgentLinkKeys keys) {
        this.keys = keys;
        SshClient c = SshClient.setUpDefaultClient();
        c.setServerKeyVerifier((session, remote, key) -> KeyUtils.compareKeys(keys.host().getPublic(), key));
        // AES-GCM first: hardware-accelerated on both ends, one cipher pass per byte for the link
        c.setCipherFactories(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
                BuiltinCiphers.aes256ctr));
        CoreModuleProperties.WINDOW_SIZE.set(c, 8L * 1024 * 1024);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, Duration.ofMinutes(1)); // a user idle on the manager keeps the link
        CoreModuleProperties.IDLE_TIMEOUT.set(c, Duration.ZERO);
        this.client = c;
    }

    void start() {
        client.start();
    }

    /** A connection to the agent of {@code route}, authenticated. */
    ClientSession connect(AgentRoute route) throws IOException {
        ClientSession s = client.connect("raptor-manager", route.address().getHostString(), route.address().getPort())
                .verify(CONNECT).getSession(); // by name: resolved at each connection
        try {
            s.addPublicKeyIdentity(keys.client());
            s.auth().verify(AUTH);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close(true);
            throw e;
        }
    }

    /** The innermost message worth showing a user. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }
}
