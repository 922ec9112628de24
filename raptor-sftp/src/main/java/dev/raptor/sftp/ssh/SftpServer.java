package dev.raptor.sftp.ssh;

import dev.raptor.files.FilesLocks;
import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.agent.AgentRoute;
import dev.raptor.sftp.agent.AgentRoutes;
import dev.raptor.sftp.login.Credential;
import dev.raptor.sftp.login.Login;
import dev.raptor.sftp.login.LoginOutcome;
import dev.raptor.sftp.login.Logins;
import dev.raptor.sftp.login.OpenSessions;
import dev.raptor.sftp.login.TransferProtocol;
import dev.raptor.sftp.volume.ServerFilesSource;
import dev.raptor.sftp.volume.TransferActivity;
import dev.raptor.sftp.volume.UserVolume;
import dev.raptor.core.sftp.SftpUser;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.UnsupportedAttributePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Raptor's SFTP server (Apache MINA SSHD): the {@code sftp} subsystem and nothing else (no shell, no exec, no
 * forwarding of any kind), modern algorithms only, an ed25519 host key kept in the data directory
 * ({@link HostKey}), logins decided by {@link Logins} (passwords hashed off the I/O threads, on a small pool that
 * also bounds the memory Argon2 takes), and for each session a {@link JailFileSystem} over the user's
 * {@link UserVolume}. Each channel of a connection is served on a thread of its own, so a file browser's transfers
 * and listings run side by side. Sessions are registered with {@link OpenSessions}, which ends them when their
 * user or server is deleted or the server's files are locked.
 */
public final class SftpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SftpServer.class);

    /** Ciphers, key exchanges and MACs offered: AEAD and CTR ciphers, curve25519/ECDH/large DH groups, SHA-2 ETM MACs. */
    static final Set<String> CIPHERS = Set.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
            "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr");
    static final Set<String> KEX = Set.of("mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com",
            "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
            "ecdh-sha2-nistp521", "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512",
            "diffie-hellman-group-exchange-sha256");
    static final Set<String> MACS = Set.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
            "hmac-sha2-256", "hmac-sha2-512");
    /** Host and user key signatures: no SHA-1 ({@code ssh-rsa}) and no DSA. */
    static final Set<String> SIGNATURES = Set.of("ssh-ed25519", "sk-ssh-ed25519@openssh.com", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-256", "rsa-sha2-512");

    /** The longest read or write one SFTP request may ask for: OpenSSH's sftp-server's (256 KiB less 1 KiB). */
    static final int SFTP_MAX_DATA = 256 * 1024 - 1024;

    private static final AttributeKey<Login> LOGIN = new AttributeKey<>();
    private static final AttributeKey<KeyLogin> KEY_LOGIN = new AttributeKey<>();
    private static final AttributeKey<Long> TRACKED = new AttributeKey<>();
    /** Where the files of the session's server are: here (empty) or on a node agent; see {@link #routed}. */
    private static final AttributeKey<CompletableFuture<Optional<AgentRoute>>> ROUTE = new AttributeKey<>();
    /** The longest a channel waits for that answer (a swarm engine that does not answer). */
    private static final java.time.Duration ROUTE_WAIT = java.time.Duration.ofSeconds(30);

    private record KeyLogin(SftpUser user, String fingerprint) {
    }

    private final SftpSettings settings;
    private final Logins logins;
    private final OpenSessions sessions;
    private final ServerFilesSource files;
    private final FilesLocks locks;
    private final TransferActivity activity;
    private final HostKey hostKey;
    private final ExecutorService hashing;
    private final SshServer sshd;
    private final AgentRoutes agentRoutes;
    private final AgentSftpClient agents;

    public SftpServer(SftpSettings settings, Logins logins, OpenSessions sessions, ServerFilesSource files,
                      FilesLocks locks, TransferActivity activity) throws IOException {
        this(settings, logins, sessions, files, locks, activity, AgentRoutes.NONE, null);
    }

    /**
     * @param agentRoutes which servers' files are on node agents: their users' {@code sftp} channels are piped there
     *                    ({@link AgentSftpPipe}); {@link AgentRoutes#NONE} on one machine
     * @param agentKeys   the agent link's keys (derived from the agent key); null when there are no agents
     */
    public SftpServer(SftpSettings settings, Logins logins, OpenSessions sessions, ServerFilesSource files,
                      FilesLocks locks, TransferActivity activity, AgentRoutes agentRoutes, AgentLinkKeys agentKeys) throws IOException {
        this.agentRoutes = agentRoutes;
        this.agents = agentKeys == null ? null : new AgentSftpClient(agentKeys);
        this.settings = settings;
        this.logins = logins;
        this.sessions = sessions;
        this.files = files;
        this.locks = locks;
        this.activity = activity;
        this.hostKey = HostKey.loadOrGenerate(settings.dataDir());
        this.hashing = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("sftp-login-", 0).factory());
        this.sshd = configure();
    }

    private SshServer configure() {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost(settings.address().getHostString());
        s.setPort(settings.address().getPort());
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey.keyPair()));
        s.setCipherFactories(ciphers(s.getCipherFactories()));
        s.setKeyExchangeFactories(only(s.getKeyExchangeFactories(), KEX));
        s.setMacFactories(only(s.getMacFactories(), MACS));
        s.setSignatureFactories(only(s.getSignatureFactories(), SIGNATURES));
        s.setPasswordAuthenticator(this::password);
        s.setPublickeyAuthenticator(this::publicKey);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setGSSAuthenticator(null);
        s.setHostBasedAuthenticator(null);
        s.setShellFactory(null);
        s.setCommandFactory(null);
        s.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        s.setAgentFactory(null);
        s.setFileSystemFactory(new FileSystemFactory() {
            @Override
            public Path getUserHomeDir(SessionContext session) {
                return null; // "/" of the session's file system
            }

            @Override
            public FileSystem createFileSystem(SessionContext session) throws IOException {
                Login login = session.getAttribute(LOGIN);
                if (login == null) {
                    throw new IOException("no login for this session");
                }
                return new JailFileSystem(JailFileSystemProvider.INSTANCE, new UserVolume(login, files, locks, activity));
            }
        });
        // MINA's subsystem, answering through the channel directly (DirectSftpSubsystem says why: downloads)
        SftpSubsystemFactory sftp = new DirectSftpSubsystemFactory();
        sftp.setFileSystemAccessor(JailSftpAccessor.INSTANCE);
        sftp.setErrorStatusDataHandler(new SftpStatuses());
        // a refusal while reading attributes is an answer, not something to warn about and paper over
        sftp.setUnsupportedAttributePolicy(UnsupportedAttributePolicy.ThrowException);
        s.setSubsystemFactories(List.of(agents == null ? sftp : routed(sftp)));
        // OpenSSH's client reads and writes in requests as long as the server's limits@openssh.com allow, up to
        // 255 KiB; MINA's default read limit, 63 KiB, made a download four times as many requests and answers as
        // from OpenSSH's own sftp-server (whose limits are 255 KiB both ways). Pending answers stay bounded per
        // channel by the client's window and DirectSftpSubsystem.MAX_QUEUED (2 MiB).
        SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(s, SFTP_MAX_DATA);
        SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(s, SFTP_MAX_DATA);
        // MINA's SFTP subsystem handles one request at a time and gives the channel window back only as it writes,
        // so with the default 2 MiB window an upload stalled on every write while the I/O thread had nothing left to
        // decrypt: 0.46x of OpenSSH's sftp-server's put on a quiet machine, 0.93x with 8 MiB. The cost is at most
        // 8 MiB of queued data per uploading channel.
        CoreModuleProperties.WINDOW_SIZE.set(s, 8L * 1024 * 1024);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(s, "Raptor");
        CoreModuleProperties.IDLE_TIMEOUT.set(s, settings.idleTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(s, java.time.Duration.ofMinutes(1));
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(s, 10);
        s.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated && session instanceof ServerSession ss) {
                    authenticated(ss);
                }
            }

            @Override
            public void sessionClosed(Session session) {
                Long id = session.getAttribute(TRACKED);
                if (id != null) {
                    sessions.ended(id);
                }
            }
        });
        return s;
    }

    /**
     * The {@code sftp} subsystem served here, or piped to the node agent that has the server's files. Where they are is
     * looked up once per connection, as soon as it is authenticated and off MINA's I/O threads (on a swarm it may ask
     * the engine: {@link #lookUpRoute}); a channel waits for that answer at most {@link #ROUTE_WAIT}, usually not at
     * all (the client's channel request comes a round trip after its login).
     */
    private SubsystemFactory routed(SftpSubsystemFactory local) {
        return new SubsystemFactory() {
            @Override
            public String getName() {
                return local.getName();
            }

            @Override
            public Command createSubsystem(ChannelSession channel) throws IOException {
                Login login = channel.getSession().getAttribute(LOGIN);
                CompletableFuture<Optional<AgentRoute>> lookup = channel.getSession().getAttribute(ROUTE);
                if (login == null || lookup == null) {
                    return local.createSubsystem(channel);
                }
                Optional<AgentRoute> route;
                try {
                    route = lookup.get(ROUTE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    String why = e instanceof TimeoutException ? "no answer within " + ROUTE_WAIT.toSeconds() + " s"
                            : AgentSftpClient.describe(e);
                    log.atWarn().addKeyValue("server", login.serverId()).addKeyValue("login", login.loginName())
                            .log("SFTP channel refused: where the server's files are cannot be told: {}", why);
                    return AgentSftpPipe.refused("raptor: where the files of this server are cannot be told now: " + why);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while looking up where the server's files are");
                }
                return route.isPresent() ? new AgentSftpPipe(agents, route.get(), login, activity) : local.createSubsystem(channel);
            }
        };
    }

    /** Starts looking up where the files of {@code login}'s server are (for {@link #routed}), on a virtual thread. */
    private void lookUpRoute(ServerSession session, Login login) {
        CompletableFuture<Optional<AgentRoute>> lookup = new CompletableFuture<>();
        session.setAttribute(ROUTE, lookup);
        Thread.ofVirtual().name("sftp-route-" + login.serverId()).start(() -> {
            try {
                lookup.complete(agentRoutes.of(login.serverId()));
            } catch (IOException | RuntimeException e) {
                lookup.completeExceptionally(e);
            }
        });
    }

    /**
     * The ciphers offered: MINA's, those in {@link #CIPHERS}, with {@link ChaCha20Poly1305} in place of MINA's
     * chacha20-poly1305 (plain Java, a block at a time; OpenSSH's client picks this cipher first, so it set the
     * speed of every transfer).
     */
    static List<NamedFactory<Cipher>> ciphers(List<NamedFactory<Cipher>> builtIn) {
        return only(builtIn, CIPHERS).stream()
                .map(f -> ChaCha20Poly1305.NAME.equals(f.getName()) ? ChaCha20Poly1305.FACTORY : f)
                .toList();
    }

    private static <T extends NamedResource> List<T> only(List<T> offered, Set<String> allowed) {
        return offered.stream().filter(f -> allowed.contains(f.getName())).toList();
    }

    /** Starts listening. */
    public void start() throws IOException {
        if (agents != null) {
            agents.start();
        }
        sshd.start();
        log.atInfo().addKeyValue("address", address()).addKeyValue("hostKey", hostKey.fingerprint()).log("SFTP server listening");
    }

    /** Where it listens (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return new InetSocketAddress(settings.address().getAddress(), sshd.getPort());
    }

    public HostKey hostKey() {
        return hostKey;
    }

    // ------------------------------------------------------------------ authentication

    private static String address(ServerSession session) {
        SocketAddress a = session.getClientAddress();
        return a instanceof InetSocketAddress i ? i.getAddress().getHostAddress() : String.valueOf(a);
    }

    /** Checked on the hashing pool, never on an I/O thread: MINA waits for the answer without blocking. */
    private boolean password(String loginName, String password, ServerSession session) {
        String address = address(session);
        AsyncAuthException answer = new AsyncAuthException();
        hashing.execute(() -> {
            boolean ok = false;
            char[] pw = password.toCharArray();
            try {
                LoginOutcome o = logins.authenticate(loginName, address, TransferProtocol.SFTP, new Credential.Password(pw));
                if (o instanceof LoginOutcome.Accepted a) {
                    session.setAttribute(LOGIN, a.login());
                    ok = true;
                }
            } catch (RuntimeException e) {
                log.atError().setCause(e).addKeyValue("login", loginName).log("SFTP password check failed");
            } finally {
                Arrays.fill(pw, '\0');
            }
            answer.setAuthed(ok);
        });
        throw answer;
    }

    private boolean publicKey(String loginName, PublicKey key, ServerSession session) {
        String fingerprint = KeyUtils.getFingerPrint(key);
        Optional<SftpUser> user = logins.keyHolder(loginName, address(session),
                new Credential.PublicKey(fingerprint, lines -> authorizes(lines, key)));
        user.ifPresent(u -> session.setAttribute(KEY_LOGIN, new KeyLogin(u, fingerprint)));
        return user.isPresent();
    }

    static boolean authorizes(Collection<String> lines, PublicKey key) {
        for (String line : lines) {
            try {
                PublicKey k = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                if (k != null && KeyUtils.compareKeys(k, key)) {
                    return true;
                }
            } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
                log.atDebug().addKeyValue("error", e.toString()).log("an authorized key line could not be read");
            }
        }
        return false;
    }

    private void authenticated(ServerSession session) {
        Login login = session.getAttribute(LOGIN);
        if (login == null) {
            KeyLogin k = session.getAttribute(KEY_LOGIN);
            if (k == null) {
                session.close(true);
                return;
            }
            login = logins.loggedIn(k.user(), session.getUsername(), address(session), TransferProtocol.SFTP, "key " + k.fingerprint());
            session.setAttribute(LOGIN, login);
        }
        long id = sessions.opened(login, reason -> session.close(true));
        session.setAttribute(TRACKED, id);
        if (agents != null) {
            lookUpRoute(session, login);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sshd.stop(true);
        } finally {
            hashing.shutdownNow();
            if (agents != null) {
                agents.close();
            }
        }
    }
}
