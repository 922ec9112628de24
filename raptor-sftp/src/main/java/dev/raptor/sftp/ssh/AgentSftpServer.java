package dev.raptor.sftp.ssh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.raptor.core.sftp.SftpUser;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.rules.AccessRules;
import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.agent.AgentSftpSession;
import dev.raptor.sftp.login.Login;
import dev.raptor.sftp.login.TransferProtocol;
import dev.raptor.sftp.volume.TransferActivity;
import dev.raptor.sftp.volume.UserVolume;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.UnsupportedAttributePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node agent's SFTP link ({@code raptord agent}, {@code RAPTOR_AGENT_SFTP_ADDR}): an SSH listener for the manager's
 * raptord only, serving the {@code sftp} subsystem over this node's volumes with the manager's SFTP code itself
 * ({@link DirectSftpSubsystem}, the jail file system, {@link UserVolume}'s permission checks, the deny and read-only
 * rules and the quota), so an SFTP user of a server on this node gets exactly what they would get on the manager's disk.
 *
 * <p>Users never connect here: they log in on the manager, which pipes their {@code sftp} channel's bytes to a channel
 * of its own here ({@link AgentSftpPipe}). The manager authenticates with the client key derived from the agent key
 * (the only credential accepted) and checks this listener's host key, derived from it too ({@link AgentLinkKeys}). Each
 * channel says whose files and which user through its environment ({@link AgentSftpSession}); one connection serves
 * one {@code sftp} channel. What the user changes is written back to the manager as activity entries, one JSON line
 * each on the channel's extended-data (stderr) stream, which the SFTP protocol leaves unused.
 */
public final class AgentSftpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentSftpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<UserVolume> VOLUME = new AttributeKey<>();
    /** A manager that vanished without closing its connections: they end after this long without traffic. */
    static final Duration IDLE = Duration.ofMinutes(10);

    private final InetSocketAddress address;
    private final ServerVolumes volumes;
    private final AgentLinkKeys keys;
    private final SshServer sshd;

    public AgentSftpServer(InetSocketAddress address, ServerVolumes volumes, AgentLinkKeys keys) {
        this.address = address;
        this.volumes = volumes;
        this.keys = keys;
        this.sshd = configure();
    }

    private SshServer configure() {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost(address.getHostString());
        s.setPort(address.getPort());
        s.setKeyPairProvider(KeyPairProvider.wrap(keys.host()));
        s.setCipherFactories(SftpServer.ciphers(s.getCipherFactories()));
        s.setKeyExchangeFactories(s.getKeyExchangeFactories().stream().filter(f -> SftpServer.KEX.contains(f.getName())).toList());
        s.setMacFactories(s.getMacFactories().stream().filter(f -> SftpServer.MACS.contains(f.getName())).toList());
        s.setSignatureFactories(s.getSignatureFactories().stream().filter(f -> SftpServer.SIGNATURES.contains(f.getName())).toList());
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setGSSAuthenticator(null);
        s.setHostBasedAuthenticator(null);
        s.setPublickeyAuthenticator((username, key, session) -> KeyUtils.compareKeys(keys.client().getPublic(), key));
        s.setShellFactory(null);
        s.setCommandFactory(null);
        s.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        s.setAgentFactory(null);
        s.setFileSystemFactory(new FileSystemFactory() {
            @Override
            public Path getUserHomeDir(SessionContext session) {
                return null;
            }

            @Override
            public FileSystem createFileSystem(SessionContext session) throws IOException {
                UserVolume volume = session.getAttribute(VOLUME);
                if (volume == null) {
                    throw new IOException("no SFTP session was described on this connection");
                }
                return new JailFileSystem(JailFileSystemProvider.INSTANCE, volume);
            }
        });
        DirectSftpSubsystemFactory sftp = new DirectSftpSubsystemFactory() {
            @Override
            public Command createSubsystem(ChannelSession channel) {
                describe(channel);
                return super.createSubsystem(channel);
            }
        };
        sftp.setFileSystemAccessor(JailSftpAccessor.INSTANCE);
        sftp.setErrorStatusDataHandler(new SftpStatuses());
        sftp.setUnsupportedAttributePolicy(UnsupportedAttributePolicy.ThrowException);
        s.setSubsystemFactories(List.of(sftp));
        // as on the manager (SftpServer says why); the manager's pipe asks for the same request sizes the user's client does
        SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(s, SftpServer.SFTP_MAX_DATA);
        SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(s, SftpServer.SFTP_MAX_DATA);
        CoreModuleProperties.WINDOW_SIZE.set(s, 8L * 1024 * 1024);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(s, "RaptorAgent");
        CoreModuleProperties.IDLE_TIMEOUT.set(s, IDLE);
        CoreModuleProperties.AUTH_TIMEOUT.set(s, Duration.ofSeconds(30));
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(s, 3);
        return s;
    }

    /**
     * Reads the channel's session description and sets up what its file system will be: the user's volume over this
     * node's copy of the server's files, under the manager's policy, writing its activity back on the channel's stderr.
     */
    private void describe(ChannelSession channel) {
        if (channel.getSession().getAttribute(VOLUME) != null) {
            throw new IllegalStateException("one sftp channel per connection to a node agent");
        }
        AgentSftpSession d = AgentSftpSession.decode(channel.getEnvironment().getEnv().get(AgentSftpSession.ENV));
        FilePolicy policy = new FilePolicy(d.deny().isEmpty() && d.readOnly().isEmpty() ? AccessRules.NONE
                : AccessRules.of(d.deny(), d.readOnly()), d.quotaBytes());
        Instant now = Instant.now();
        SftpUser user = new SftpUser(d.serverId(), d.username(), false, List.of(), d.permissions(), null, now, now);
        Login login = new Login(user, TransferProtocol.SFTP, d.address(), now);
        ActivityBack back = new ActivityBack(new ChannelOutputStream(channel, channel.getRemoteWindow(), log,
                SshConstants.SSH_MSG_CHANNEL_EXTENDED_DATA, false));
        UserVolume volume = new UserVolume(login, id -> volumes.files(id, policy), volumes.locks(), new TransferActivity(back));
        channel.getSession().setAttribute(VOLUME, volume);
        log.atInfo().addKeyValue("server", d.serverId()).addKeyValue("username", d.username()).addKeyValue("address", d.address())
                .log("SFTP channel from the manager");
    }

    /** Activity entries as JSON lines on the channel's stderr: the manager writes them into the server's activity log. */
    private record ActivityBack(OutputStream err, ReentrantLock lock) implements TransferActivity.Sink {
        ActivityBack(OutputStream err) {
            this(err, new ReentrantLock());
        }

        @Override
        public void append(java.util.UUID serverId, String type, String message, Map<String, String> details) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", type);
            entry.put("message", message);
            entry.put("details", details);
            lock.lock();
            try {
                byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
                err.write(line);
                err.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // TransferActivity logs it; the change itself happened
            } finally {
                lock.unlock();
            }
        }
    }

    public void start() throws IOException {
        sshd.start();
        log.atInfo().addKeyValue("address", address()).addKeyValue("hostKey", keys.hostFingerprint())
                .log("node agent's SFTP link listening");
    }

    /** Where it listens (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return new InetSocketAddress(address.getAddress(), sshd.getPort());
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }
}
