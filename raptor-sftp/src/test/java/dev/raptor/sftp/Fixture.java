package dev.raptor.sftp;

import dev.raptor.core.allocation.Allocation;
import dev.raptor.core.allocation.Protocol;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.files.FilePolicy;
import dev.raptor.files.ServerFiles;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.rules.AccessRules;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.sftp.agent.AgentLinkKeys;
import dev.raptor.sftp.agent.AgentRoutes;
import dev.raptor.sftp.ftp.FtpServer;
import dev.raptor.sftp.ftp.FtpSettings;
import dev.raptor.sftp.login.LoginThrottle;
import dev.raptor.sftp.login.Logins;
import dev.raptor.sftp.login.OpenSessions;
import dev.raptor.sftp.ssh.SftpServer;
import dev.raptor.sftp.ssh.SftpSettings;
import dev.raptor.sftp.volume.TransferActivity;
import dev.raptor.store.SqliteStore;
import dev.raptor.store.StoreOptions;
import dev.raptor.core.sftp.NewSftpUser;
import dev.raptor.store.sftp.PasswordCost;
import dev.raptor.core.sftp.SftpPermission;
import dev.raptor.core.sftp.SftpUser;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real node's file-transfer side for tests: a SQLite store, server volumes, and the SFTP server on a free
 * loopback port, wired the way the daemon wires them. Each server gets its own volume; policies (rules, quota)
 * may be set per server.
 */
final class Fixture implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";
    private static final AtomicInteger PORTS = new AtomicInteger(30000);

    final Path dataDir;
    final SqliteStore store;
    final ServerVolumes volumes;
    final Map<UUID, FilePolicy> policies = new ConcurrentHashMap<>();
    final TransferActivity activity;
    final LoginThrottle throttle;
    final Logins logins;
    final OpenSessions sessions;
    final SftpServer sftp;
    final FtpServer ftp;
    private volatile Source source;

    /** Where the SFTP server gets a server's files (tests may put a slow one in). */
    @FunctionalInterface
    interface Source {
        ServerFiles files(UUID server);
    }

    Fixture(Path dataDir) throws IOException {
        this(dataDir, LoginThrottle.Settings.DEFAULTS);
    }

    Fixture(Path dataDir, LoginThrottle.Settings throttleSettings) throws IOException {
        this(dataDir, throttleSettings, AgentRoutes.NONE, null);
    }

    /** A manager whose servers named by {@code agentRoutes} have their files on a node agent. */
    Fixture(Path dataDir, AgentRoutes agentRoutes, AgentLinkKeys agentKeys) throws IOException {
        this(dataDir, LoginThrottle.Settings.DEFAULTS, agentRoutes, agentKeys);
    }

    private Fixture(Path dataDir, LoginThrottle.Settings throttleSettings, AgentRoutes agentRoutes, AgentLinkKeys agentKeys)
            throws IOException {
        this.dataDir = dataDir;
        this.store = SqliteStore.open(dataDir, StoreOptions.defaults().withPasswordCost(PasswordCost.TESTING));
        this.volumes = new ServerVolumes(dataDir.resolve("volumes"), UsageSettings.defaults());
        this.activity = new TransferActivity(store);
        this.throttle = new LoginThrottle(throttleSettings, Clock.systemUTC());
        this.logins = new Logins(store, volumes.locks(), throttle, activity, Clock.systemUTC());
        this.sessions = new OpenSessions(store.sftpUsers(), volumes.locks());
        this.sftp = new SftpServer(SftpSettings.of(new InetSocketAddress("127.0.0.1", 0), dataDir), logins, sessions,
                id -> source == null ? volumes.files(id, policies.getOrDefault(id, FilePolicy.UNRESTRICTED)) : source.files(id),
                volumes.locks(), activity, agentRoutes, agentKeys);
        sftp.start();
        this.ftp = new FtpServer(new FtpSettings(new InetSocketAddress("127.0.0.1", 0), null, null, dataDir, null, null),
                logins, sessions, id -> source == null ? volumes.files(id, policies.getOrDefault(id, FilePolicy.UNRESTRICTED))
                : source.files(id), volumes.locks(), activity, agentRoutes);
        ftp.start();
    }

    int ftpPort() {
        return ftp.address().getPort();
    }

    void source(Source s) {
        this.source = s;
    }

    int port() {
        return sftp.address().getPort();
    }

    /** A new server with an empty volume. */
    UUID server(String name) throws IOException {
        ServerSpec spec = ServerSpec.builder("raptor-test/gameserver:1").name(name)
                .allocation(Allocation.primary("127.0.0.1", PORTS.incrementAndGet(), Protocol.TCP)).build();
        UUID id = store.create(spec).id();
        Files.createDirectories(volumes.root(id));
        return id;
    }

    Path root(UUID server) {
        return volumes.root(server);
    }

    SftpUser user(UUID server, String username) {
        return store.sftpUsers().create(server, new NewSftpUser(username, PASSWORD.toCharArray(), null, null, null));
    }

    SftpUser user(UUID server, String username, List<String> keys, Set<SftpPermission> permissions, Instant expiresAt,
                  boolean withPassword) {
        return store.sftpUsers().create(server, new NewSftpUser(username, withPassword ? PASSWORD.toCharArray() : null,
                keys, permissions, expiresAt));
    }

    void quota(UUID server, long bytes) {
        policies.put(server, new FilePolicy(AccessRules.NONE, bytes));
    }

    void rules(UUID server, List<String> deny, List<String> readOnly) {
        policies.put(server, new FilePolicy(AccessRules.of(deny, readOnly), 0));
    }

    @Override
    public void close() throws IOException {
        try {
            sftp.close();
            ftp.close();
        } finally {
            sessions.close();
            volumes.close();
            store.close();
        }
    }
}
