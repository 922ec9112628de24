package dev.raptor.daemon;

import dev.raptor.api.ApiSettings;
import dev.raptor.api.agent.NodeAgentServer;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.FailedAuthLimit;
import dev.raptor.api.tls.PemIdentity;
import dev.raptor.api.tls.TlsFileException;
import dev.raptor.api.tls.TlsSettings;
import dev.raptor.files.ServerVolumes;
import dev.raptor.files.usage.UsageSettings;
import dev.raptor.sftp.ssh.AgentSftpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code raptord agent}: the small mode of raptord that runs on each worker of a swarm and serves the files of the
 * servers whose volumes are on that worker ({@link NodeAgentServer}) to the manager's raptord, which forwards its
 * file API there. Configured by three environment variables, all required: {@value #ADDR_ENV} (where it listens: an
 * address the manager reaches), {@value #VOLUMES_ENV} (the directory that holds the servers' volumes on this node: the
 * manager's {@code RAPTOR_SWARM_VOLUMES} entry for it) and {@value #KEY_ENV} (the key it shares with the manager).
 * Optional: {@value #TLS_CERT_ENV} and {@value #TLS_KEY_ENV} (PEM certificate chain and key: HTTPS only, the manager
 * then lists it as {@code https://} and checks the certificate against {@code RAPTOR_SWARM_AGENT_CA}), and the API's
 * failed-authentication settings ({@code RAPTOR_AUTH_FAILURE_LIMIT}, {@code ..._WINDOW_SECONDS},
 * {@code RAPTOR_AUTH_BLOCK_SECONDS}), which block an address that sent too many wrong agent keys.
 * Its SFTP link ({@link AgentSftpLink}, {@code RAPTOR_AGENT_SFTP_ADDR}) serves the manager's piped SFTP channels.
 */
final class AgentCommand {
    static final String ADDR_ENV = "RAPTOR_AGENT_ADDR";
    static final String VOLUMES_ENV = "RAPTOR_AGENT_VOLUMES";
    static final String KEY_ENV = "RAPTOR_AGENT_KEY";
    static final String TLS_CERT_ENV = "RAPTOR_AGENT_TLS_CERT";
    static final String TLS_KEY_ENV = "RAPTOR_AGENT_TLS_KEY";
    static final String LIMIT_ENV = "RAPTOR_AUTH_FAILURE_LIMIT";
    static final String WINDOW_ENV = "RAPTOR_AUTH_FAILURE_WINDOW_SECONDS";
    static final String BLOCK_ENV = "RAPTOR_AUTH_BLOCK_SECONDS";
    static final int MIN_KEY_CHARS = 32;

    private AgentCommand() {
    }

    static boolean accepts(List<String> words) {
        return words.size() == 1 && words.getFirst().equals("agent");
    }

    /** Serves until SIGTERM (then 0); returns the exit code when it cannot start (2: bad settings, 1: cannot listen). */
    static int run(Map<String, String> env, String version, PrintStream err) {
        List<String> problems = new ArrayList<>();
        String addr = env.get(ADDR_ENV);
        ConfigLoader.HostPort listen = null;
        if (addr == null || addr.isBlank()) {
            problems.add(ADDR_ENV + ": is required: host:port the manager reaches this agent on, e.g. 10.0.0.12:7090");
        } else {
            try {
                listen = ConfigLoader.HostPort.parse(addr);
            } catch (IllegalArgumentException e) {
                problems.add(ADDR_ENV + ": " + e.getMessage());
            }
        }
        String dir = env.get(VOLUMES_ENV);
        Path volumes = null;
        if (dir == null || dir.isBlank()) {
            problems.add(VOLUMES_ENV + ": is required: the directory of this node's server volumes (its RAPTOR_SWARM_VOLUMES entry)");
        } else if (!Path.of(dir.strip()).isAbsolute()) {
            problems.add(VOLUMES_ENV + ": must be an absolute path (was '" + dir + "')");
        } else {
            volumes = Path.of(dir.strip());
        }
        String key = env.get(KEY_ENV);
        if (key == null || key.isBlank()) {
            problems.add(KEY_ENV + ": is required: the key the manager sends (its " + KEY_ENV + ")");
        } else if (key.strip().length() < MIN_KEY_CHARS) {
            problems.add(KEY_ENV + ": must be at least " + MIN_KEY_CHARS + " characters");
        }
        String cert = blankToNull(env.get(TLS_CERT_ENV));
        String tlsKey = blankToNull(env.get(TLS_KEY_ENV));
        TlsSettings tls = null;
        if ((cert == null) != (tlsKey == null)) {
            problems.add(TLS_CERT_ENV + " and " + TLS_KEY_ENV + ": are given together (HTTPS) or not at all (plain HTTP)");
        } else if (cert != null) {
            try {
                PemIdentity.read(Path.of(cert), Path.of(tlsKey)); // checked now: a pair that cannot serve stops here, named
                tls = TlsSettings.of(Path.of(cert), Path.of(tlsKey));
            } catch (TlsFileException e) {
                problems.add(TLS_CERT_ENV + ", " + TLS_KEY_ENV + ": " + e.getMessage());
            }
        }
        FailedAuthLimit.Settings d = FailedAuthLimit.Settings.DEFAULTS;
        long limit = whole(env, LIMIT_ENV, d.limit(), 0, problems);
        long window = whole(env, WINDOW_ENV, d.window().toSeconds(), 1, problems);
        long block = whole(env, BLOCK_ENV, d.firstBlock().toSeconds(), 1, problems);
        InetSocketAddress sftpLink = AgentSftpLink.address(env, listen, problems);
        if (!problems.isEmpty()) {
            err.println("raptord agent: the configuration is not usable:");
            problems.forEach(p -> err.println("  - " + p));
            return RaptordMain.EXIT_USAGE;
        }
        Logger log = LoggerFactory.getLogger(AgentCommand.class);
        NodeAgentServer agent;
        ServerVolumes serverVolumes;
        try {
            Files.createDirectories(volumes);
            serverVolumes = new ServerVolumes(volumes, UsageSettings.defaults());
            ApiSettings settings = ApiSettings.defaults(listen.host(), listen.port(), null, version);
            settings = settings.withSecurity(settings.security().withTls(tls).withAuthLimit(new FailedAuthLimit.Settings((int) limit,
                    Duration.ofSeconds(window), Duration.ofSeconds(block), Duration.ofSeconds(Math.max(block, d.maxBlock().toSeconds())))));
            agent = NodeAgentServer.create(serverVolumes, ApiKey.of(key.strip(), KEY_ENV), settings).start();
        } catch (Exception e) {
            log.error("raptord agent cannot start on {}: {}", addr, e.toString());
            return RaptordMain.EXIT_BOOT_FAILED;
        }
        AgentSftpServer sftp = null;
        if (sftpLink != null) {
            try {
                sftp = AgentSftpLink.start(sftpLink, serverVolumes, key.strip());
            } catch (IOException | RuntimeException e) {
                log.error("raptord agent cannot serve its SFTP link on {} ({}): {}", sftpLink, AgentSftpLink.ENV, e.toString());
                agent.close();
                serverVolumes.close();
                return RaptordMain.EXIT_BOOT_FAILED;
            }
            log.atInfo().addKeyValue("address", sftp.address()).log("raptord agent's SFTP link for the manager on {}", sftp.address());
        }
        AgentSftpServer sftpServer = sftp;
        log.atInfo().addKeyValue("volumes", volumes).addKeyValue("port", agent.port())
                .addKeyValue("scheme", agent.scheme())
                .log("raptord agent serving the files of {} on {}:{} ({})", volumes, listen.host(), agent.port(), agent.scheme());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("raptord-agent-shutdown").unstarted(() -> {
            try {
                if (sftpServer != null) {
                    try {
                        sftpServer.close();
                    } catch (IOException e) {
                        log.warn("closing the SFTP link failed: {}", e.toString());
                    }
                }
                agent.close();
                serverVolumes.close();
                log.info("raptord agent stopped");
            } finally {
                stopped.countDown();
            }
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** A whole number setting from the environment, at least {@code min}; {@code fallback} when unset. */
    private static long whole(Map<String, String> env, String name, long fallback, long min, List<String> problems) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        problems.add(name + ": must be a whole number from " + min + " to 1000000 (was '" + v + "')");
        return fallback;
    }
}
