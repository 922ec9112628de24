package dev.raptor.daemon;

import dev.raptor.daemon.logging.KeyAnnouncement;
import dev.raptor.daemon.logging.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code raptord}: reads the configuration, boots the {@link Daemon}, and on SIGTERM (or SIGINT)
 * shuts it down in order, leaving game servers running. {@code raptord key show|rotate} reads or replaces
 * the node API key instead ({@link KeyCommand}).
 *
 * <p>Exit codes: 2 for bad usage or configuration (the message names every bad setting; a secret whose owner or mode
 * raptord cannot fix too), 1 when
 * boot fails (engine unreachable, data directory in use...), and after a clean shutdown on SIGTERM
 * the JVM's 143 (128 + SIGTERM; the systemd unit counts it as success).
 */
public final class RaptordMain {
    public static final int EXIT_BOOT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private RaptordMain() {
    }

    public static void main(String[] args) {
        Path configFile = null;
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        usage(System.err, "--config needs a file");
                        System.exit(EXIT_USAGE);
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    usage(System.out, null);
                    return;
                }
                case "--version" -> {
                    System.out.println("raptord " + version());
                    return;
                }
                default -> {
                    if (args[i].startsWith("--config=")) {
                        configFile = Path.of(args[i].substring("--config=".length()));
                    } else if (!args[i].startsWith("-") || !command.isEmpty()) {
                        command.add(args[i]); // a command's own options ("key rotate --tokens") are the command's
                    } else {
                        usage(System.err, "unknown argument '" + args[i] + "'");
                        System.exit(EXIT_USAGE);
                    }
                }
            }
        }
        if (AgentCommand.accepts(command)) {
            // the agent is not the daemon: none of its settings, only its own three (RAPTOR_AGENT_*)
            int refused = AgentCommand.run(System.getenv(), version(), System.err);
            if (refused != 0) {
                System.exit(refused);
            }
            return; // it served until SIGTERM: the JVM ends with the signal's status once its shutdown hook is done
        }
        if (AotTraining.accepts(command)) {
            System.exit(AotTraining.run(System.getenv(), version(), System.err)); // bin/raptord's AOT cache training
            return;
        }
        if (!command.isEmpty() && !KeyCommand.accepts(command)) {
            usage(System.err, "unknown command '" + String.join(" ", command) + "'");
            System.exit(EXIT_USAGE);
        }

        DaemonConfig config;
        try {
            config = new ConfigLoader(System.getenv(), Path.of(System.getProperty("user.home")), isRoot()).load(configFile);
        } catch (ConfigException e) {
            System.err.println("raptord: the configuration is not usable:");
            e.problems().forEach(p -> System.err.println("  - " + p));
            System.exit(EXIT_USAGE);
            return;
        }
        LogFormat.use(config.logFormat());
        if (!command.isEmpty()) {
            System.exit(KeyCommand.run(command, config, System.out, System.err));
            return;
        }
        Logger log = LoggerFactory.getLogger(RaptordMain.class);
        if (!isRoot() && config.dataDirSource().startsWith("default")) {
            log.info("not running as root: using the data directory {} instead of /var/lib/raptor-daemon (set RAPTOR_DATA_DIR to choose)",
                    config.dataDir());
        }

        Daemon daemon;
        try {
            daemon = Daemon.start(config, version());
        } catch (ConfigException e) {
            // something only the operator can fix (a secret's owner or mode): restarting would not help
            log.error("raptord cannot start: {}", e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        } catch (BootException e) {
            log.error("raptord cannot start: {}", e.getMessage());
            System.exit(EXIT_BOOT_FAILED);
            return;
        } catch (RuntimeException e) {
            log.error("raptord cannot start", e);
            System.exit(EXIT_BOOT_FAILED);
            return;
        }
        daemon.keyToShow().ifPresent(key -> {
            String what = "the node API key (stored, mode 0600, in " + config.apiKeyFile() + "; `raptord key show` prints it again)";
            if (config.logFormat() == LogFormat.JSON) {
                // a log shipper parsing standard output line by line gets an object like the log's
                System.out.println(KeyAnnouncement.json(what, key));
            } else {
                System.out.println("raptord: " + what + ":");
                System.out.println("  " + key);
            }
            System.out.flush();
            daemon.keyShown();
        });

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("raptord-shutdown").unstarted(() -> {
            log.info("raptord shutting down (game servers keep running)");
            try {
                daemon.close();
                log.info("raptord stopped cleanly");
            } finally {
                stopped.countDown();
            }
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The version this build was made as. */
    public static String version() {
        try (InputStream in = RaptordMain.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version");
            return v == null || v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }

    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void usage(PrintStream out, String error) {
        if (error != null) {
            out.println("raptord: " + error);
        }
        out.println("usage: raptord [--config FILE] [--version] [--help]     run the daemon");
        out.println("       raptord agent                                    serve this node's server files to the manager's raptord");
        out.println("                                                        (RAPTOR_AGENT_ADDR, RAPTOR_AGENT_VOLUMES, RAPTOR_AGENT_KEY;");
        out.println("                                                        its SFTP link: RAPTOR_AGENT_SFTP_ADDR, default one port above;");
        out.println("                                                        README: Running on many machines)");
        out.println("       raptord [--config FILE] key show                 print the node API key (run as root)");
        out.println("       raptord [--config FILE] key rotate               replace it; a running raptord refuses the old key at once");
        out.println("       raptord [--config FILE] key rotate --tokens [--grace SECONDS]");
        out.println("                                                        replace the server-token secret; tokens signed with the");
        out.println("                                                        old one are accepted for SECONDS more (default 900, the");
        out.println("                                                        longest token lifetime; 0 if it leaked)");
        out.println();
        out.println("Settings (YAML key / environment variable, the environment wins):");
        for (Map.Entry<String, String> e : ConfigLoader.KEYS.entrySet()) {
            out.println("  " + e.getKey() + " / " + e.getValue());
        }
        out.println("The default config file is " + ConfigLoader.DEFAULT_FILE + " (used when present).");
        out.println();
        out.println("On the internet (README: Running Raptor on the internet):");
        out.println("  tls.cert, tls.key      PEM files (certbot's fullchain.pem and privkey.pem): the API port speaks HTTPS only");
        out.println("                         (TLS 1.2+, HTTP/2), reloaded when the files change; plain HTTP is answered 400");
        out.println("  allowedOrigins         panel origins (https://panel.example.com) whose pages may call the API and open");
        out.println("                         console sockets; other pages' preflights, requests and upgrades are refused 403");
        out.println("  trustedProxies         reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the client");
        out.println("  authFailures.limit     refused credentials per client address within authFailures.windowSeconds before");
        out.println("                         it is answered 429 with Retry-After (default 20 in 600 s; 0 turns it off)");
    }
}
