package dev.raptor.sftp.ftp;

import dev.raptor.files.FilesLocks;
import dev.raptor.sftp.agent.AgentRoute;
import dev.raptor.sftp.agent.AgentRoutes;
import dev.raptor.sftp.login.Logins;
import dev.raptor.sftp.login.OpenSessions;
import dev.raptor.sftp.volume.ServerFilesSource;
import dev.raptor.sftp.volume.TransferActivity;
import dev.raptor.sftp.volume.UserVolume;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;
import org.apache.ftpserver.listener.Listener;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.ClientAuth;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Raptor's FTP server (Apache FtpServer), off unless configured: plain FTP and explicit FTPS ({@code AUTH TLS},
 * with {@code PROT P} data connections) on one port, passive data ports from the settings, the same users,
 * guard and activity as SFTP ({@link FtpLogins}), and for each session a {@link JailFtpFiles} over the user's
 * {@link UserVolume}. Sessions are registered with {@link OpenSessions}, which closes their control connection when
 * their user or server is deleted or the files are locked.
 */
public final class FtpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FtpServer.class);

    private final FtpSettings settings;
    private final org.apache.ftpserver.FtpServer server;
    private final Listener listener;
    /** The MINA session of each control connection, by the client's address (FtpServer's sessions hide theirs). */
    private final Map<SocketAddress, IoSession> connections = new ConcurrentHashMap<>();
    private final Map<SocketAddress, Long> tracked = new ConcurrentHashMap<>();

    public FtpServer(FtpSettings settings, Logins logins, OpenSessions sessions, ServerFilesSource files, FilesLocks locks,
                     TransferActivity activity) throws IOException {
        this(settings, logins, sessions, files, locks, activity, AgentRoutes.NONE);
    }

    /**
     * @param agentRoutes servers whose files are on a node agent: FTP does not reach those (only SFTP is piped to
     *                    agents), so their users' logins end at once with a 421 saying so, rather than showing this
     *                    machine's empty copy of the volume path
     */
    public FtpServer(FtpSettings settings, Logins logins, OpenSessions sessions, ServerFilesSource files, FilesLocks locks,
                     TransferActivity activity, AgentRoutes agentRoutes) throws IOException {
        this.settings = settings;
        SslConfiguration tls;
        try {
            tls = tls(FtpsCertificate.context(settings));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up FTPS: " + e.getMessage(), e);
        }
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setActiveEnabled(false); // the server never connects out to an address a client names
        data.setPassivePorts(settings.passivePorts() == null ? "0" : settings.passivePorts());
        if (settings.passiveAddress() != null) {
            data.setPassiveExternalAddress(settings.passiveAddress());
        }
        data.setSslConfiguration(tls);
        ListenerFactory lf = new ListenerFactory();
        lf.setServerAddress(settings.address().getHostString());
        lf.setPort(settings.address().getPort());
        lf.setSslConfiguration(tls);
        lf.setImplicitSsl(false);
        lf.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        lf.setIdleTimeout(1800);
        lf.setSessionFilter(io -> {
            connections.put(io.getRemoteAddress(), io);
            return true;
        });
        this.listener = lf.createListener();
        FtpServerFactory f = new FtpServerFactory();
        f.addListener("default", listener);
        f.setUserManager(new FtpLogins(logins));
        f.setFileSystem(user -> new JailFtpFiles(new UserVolume(((FtpUser) user).login(), files, locks, activity)));
        f.setFtplets(new java.util.HashMap<>(Map.of("raptor", new DefaultFtplet() {
            @Override
            public FtpletResult onLogin(FtpSession session, FtpRequest request) throws FtpException, IOException {
                if (session.getUser() instanceof FtpUser u) {
                    String elsewhere = onAgent(agentRoutes, u, activity);
                    if (elsewhere != null) {
                        session.write(new DefaultFtpReply(FtpReply.REPLY_421_SERVICE_NOT_AVAILABLE_CLOSING_CONTROL_CONNECTION, elsewhere));
                        return FtpletResult.DISCONNECT;
                    }
                    SocketAddress client = session.getClientAddress();
                    long id = sessions.opened(u.login(), reason -> {
                        IoSession io = connections.get(client);
                        if (io != null) {
                            io.closeNow();
                        }
                        // FtpServer handles a session's events in order: its own close (which ends the data
                        // connection) waits behind a transfer under way, which would go on writing. End it here.
                        session.getDataConnection().closeDataConnection();
                    });
                    tracked.put(client, id);
                }
                return FtpletResult.DEFAULT;
            }

            @Override
            public FtpletResult onDisconnect(FtpSession session) {
                SocketAddress client = session.getClientAddress();
                connections.remove(client);
                Long id = tracked.remove(client);
                if (id != null) {
                    sessions.ended(id);
                }
                return FtpletResult.DEFAULT;
            }
        })));
        this.server = f.createServer();
    }

    /** Why {@code u}'s server cannot be served over FTP here (its files are on a node agent), or null. */
    private static String onAgent(AgentRoutes routes, FtpUser u, TransferActivity activity) {
        Optional<AgentRoute> route;
        try {
            route = routes.of(u.login().serverId());
        } catch (IOException e) {
            return "Where this server's files are cannot be told now: " + e.getMessage();
        }
        if (route.isEmpty()) {
            return null;
        }
        String why = "The files of this server are on node " + route.get().node()
                + ", which FTP does not reach (only SFTP goes through node agents): use SFTP.";
        log.atWarn().addKeyValue("server", u.login().serverId()).addKeyValue("login", u.login().loginName())
                .addKeyValue("node", route.get().node()).log("FTP session ended: the server's files are on a node agent");
        activity.record(u.login().serverId(), "login-failed", "an FTP login as " + u.login().user().username() + " from "
                        + u.login().address() + " was ended: its files are on node " + route.get().node() + ", which FTP does not reach",
                TransferActivity.details(u.login().user().username(), "ftp", u.login().address(), "reason", "files on a node agent",
                        "node", route.get().node()));
        return why;
    }

    private static SslConfiguration tls(SSLContext ctx) {
        return new SslConfiguration() {
            @Override
            public SSLSocketFactory getSocketFactory() {
                return ctx.getSocketFactory();
            }

            @Override
            public SSLContext getSSLContext() {
                return ctx;
            }

            @Override
            public SSLContext getSSLContext(String protocol) {
                return ctx;
            }

            @Override
            public String[] getEnabledCipherSuites() {
                return null; // the JDK's defaults: no export, null or RC4 suites
            }

            @Override
            public String getEnabledProtocol() {
                return "TLSv1.3";
            }

            @Override
            public String[] getEnabledProtocols() {
                return new String[]{"TLSv1.3", "TLSv1.2"};
            }

            @Override
            public ClientAuth getClientAuth() {
                return ClientAuth.NONE;
            }
        };
    }

    public void start() throws IOException {
        try {
            server.start();
        } catch (FtpException e) {
            throw new IOException("cannot start the FTP server on " + settings.address() + ": " + e.getMessage(), e);
        }
        log.atInfo().addKeyValue("address", address()).addKeyValue("passivePorts", settings.passivePorts())
                .log("FTP server listening (explicit FTPS offered)");
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(settings.address().getAddress(), listener.getPort());
    }

    @Override
    public void close() {
        server.stop();
    }
}
