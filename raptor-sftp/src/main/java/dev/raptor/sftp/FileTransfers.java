package dev.raptor.sftp;

import dev.raptor.files.FilesLocks;
import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.agent.AgentRoutes;
import dev.raptor.sftp.ftp.FtpServer;
import dev.raptor.sftp.ftp.FtpSettings;
import dev.raptor.sftp.login.LoginThrottle;
import dev.raptor.sftp.login.LoginThrottleStats;
import dev.raptor.sftp.login.Logins;
import dev.raptor.sftp.login.OpenSessions;
import dev.raptor.sftp.login.TransferProtocol;
import dev.raptor.sftp.ssh.SftpServer;
import dev.raptor.sftp.ssh.SftpSettings;
import dev.raptor.sftp.volume.ServerFilesSource;
import dev.raptor.sftp.volume.TransferActivity;
import dev.raptor.store.SqliteStore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * The node's file-transfer servers, as the daemon runs them: SFTP (unless turned off) and FTP/FTPS (when
 * configured), sharing one login decision ({@link Logins}, one brute-force guard) and one registry of open
 * sessions. Start it after the store and the volumes, close it before them.
 */
public final class FileTransfers implements AutoCloseable {
    private final OpenSessions sessions;
    private final Logins logins;
    private final SftpServer sftp;
    private final FtpServer ftp;

    /**
     * @param sftpSettings null when SFTP is off
     * @param ftpSettings  null when FTP is off (the default)
     */
    public FileTransfers(SqliteStore store, FilesLocks locks, ServerFilesSource files, SftpSettings sftpSettings,
                         FtpSettings ftpSettings, LoginThrottle.Settings throttle, Clock clock) throws IOException {
        this(store, locks, files, sftpSettings, ftpSettings, throttle, clock, AgentRoutes.NONE, null);
    }

    /**
     * @param agentRoutes which servers' files are on node agents (their SFTP channels are piped there)
     * @param agentKeys   the SFTP link's keys, derived from the agent key; null without agents
     */
    public FileTransfers(SqliteStore store, FilesLocks locks, ServerFilesSource files, SftpSettings sftpSettings,
                         FtpSettings ftpSettings, LoginThrottle.Settings throttle, Clock clock, AgentRoutes agentRoutes,
                         AgentLinkKeys agentKeys) throws IOException {
        TransferActivity activity = new TransferActivity(store);
        this.logins = new Logins(store, locks, new LoginThrottle(throttle, clock), activity, clock);
        this.sessions = new OpenSessions(store.sftpUsers(), locks);
        SftpServer s = null;
        FtpServer f = null;
        try {
            s = sftpSettings == null ? null : new SftpServer(sftpSettings, logins, sessions, files, locks, activity,
                    agentRoutes, agentKeys);
            f = ftpSettings == null ? null : new FtpServer(ftpSettings, logins, sessions, files, locks, activity, agentRoutes);
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            sessions.close();
            throw e;
        }
        this.sftp = s;
        this.ftp = f;
    }

    public void start() throws IOException {
        if (sftp != null) {
            sftp.start();
        }
        if (ftp != null) {
            ftp.start();
        }
    }

    public Optional<InetSocketAddress> sftpAddress() {
        return Optional.ofNullable(sftp).map(SftpServer::address);
    }

    /** The SFTP host key's fingerprint ({@code SHA256:...}), for the boot summary. */
    public Optional<String> sftpHostKey() {
        return Optional.ofNullable(sftp).map(s -> s.hostKey().fingerprint());
    }

    public Optional<InetSocketAddress> ftpAddress() {
        return Optional.ofNullable(ftp).map(FtpServer::address);
    }

    /** The brute-force guard's counters, for metrics. */
    public LoginThrottleStats loginStats() {
        return logins.throttleStats();
    }

    /** Sessions open now (SFTP and FTP). */
    public int openSessions() {
        return sessions.count();
    }

    /** Sessions open now over one protocol. */
    public int openSessions(TransferProtocol protocol) {
        return sessions.count(protocol);
    }

    /** The protocols served: SFTP unless off, FTP when configured. */
    public java.util.List<TransferProtocol> protocols() {
        java.util.List<TransferProtocol> out = new java.util.ArrayList<>();
        if (sftp != null) {
            out.add(TransferProtocol.SFTP);
        }
        if (ftp != null) {
            out.add(TransferProtocol.FTP);
        }
        return java.util.List.copyOf(out);
    }

    @Override
    public void close() throws IOException {
        try {
            if (ftp != null) {
                ftp.close();
            }
        } finally {
            try {
                if (sftp != null) {
                    sftp.close();
                }
            } finally {
                sessions.close();
            }
        }
    }
}
