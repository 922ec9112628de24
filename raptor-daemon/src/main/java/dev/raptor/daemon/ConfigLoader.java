package dev.raptor.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.raptor.api.SecuritySettings;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.api.auth.FailedAuthLimit;
import dev.raptor.api.http.AddressRange;
import dev.raptor.api.http.CorsPolicy;
import dev.raptor.api.tls.PemIdentity;
import dev.raptor.api.tls.TlsFileException;
import dev.raptor.api.tls.TlsSettings;
import dev.raptor.daemon.logging.LogFormat;
import dev.raptor.docker.DockerRuntimeConfig;
import dev.raptor.docker.RegistryCredential;
import dev.raptor.swarm.SwarmRuntimeConfig;
import dev.raptor.api.agent.NodeAgents;
import dev.raptor.process.ProcessRuntimeConfig;
import dev.raptor.store.DataDirectory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the daemon's configuration: a YAML file ({@code --config}, default {@value #DEFAULT_FILE};
 * a missing default file is fine, a missing explicit one is not) whose keys environment variables
 * override. Every problem (an unknown key, a bad value) is collected and reported at once, naming
 * the key or variable.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>YAML key</th><th>environment</th><th>default</th></tr>
 *   <tr><td>dataDir</td><td>RAPTOR_DATA_DIR (alias DAEMON_DATA_DIR)</td><td>/var/lib/raptor-daemon as root, else ~/.local/share/raptor</td></tr>
 *   <tr><td>httpAddr</td><td>RAPTOR_HTTP_ADDR</td><td>127.0.0.1:8080</td></tr>
 *   <tr><td>socket</td><td>RAPTOR_SOCKET</td><td>&lt;dataDir&gt;/raptor.sock</td></tr>
 *   <tr><td>apiKey</td><td>RAPTOR_API_KEY</td><td>generated on first boot into &lt;dataDir&gt;/api-key</td></tr>
 *   <tr><td>runtime</td><td>RAPTOR_RUNTIME</td><td>auto</td></tr>
 *   <tr><td>dockerHost</td><td>DOCKER_HOST</td><td>unix:///var/run/docker.sock</td></tr>
 *   <tr><td>node</td><td>RAPTOR_NODE</td><td>none</td></tr>
 *   <tr><td>swarmNodes</td><td>RAPTOR_SWARM_NODES</td><td>none; {@code hostname=engine,...}, required by runtime swarm</td></tr>
 *   <tr><td>swarmVolumes</td><td>RAPTOR_SWARM_VOLUMES</td><td>none; {@code hostname=/path,...}: where a node keeps servers' data
 *       (a node not named keeps it at the same path as this machine)</td></tr>
 *   <tr><td>swarmHelperImage</td><td>RAPTOR_SWARM_HELPER_IMAGE</td><td>busybox:1.36; the image of the helper containers
 *       that reach a node's server files (transfers, deletes); it needs {@code rm}</td></tr>
 *   <tr><td>swarmTlsCerts</td><td>RAPTOR_SWARM_TLS_CERTS</td><td>none; a directory with ca.pem, cert.pem, key.pem: every
 *       {@code tcp://} engine of the swarm is then reached over TLS with that client certificate</td></tr>
 *   <tr><td>swarmAgents</td><td>RAPTOR_SWARM_AGENTS</td><td>none; {@code hostname=http://address:port,...}: the node agents
 *       ({@code raptord agent}) that serve the files of servers on those nodes</td></tr>
 *   <tr><td>swarmAgentCa</td><td>RAPTOR_SWARM_AGENT_CA</td><td>none (the JVM's CAs); a PEM file: the CA the certificates of
 *       agents listed as {@code https://} must chain to</td></tr>
 *   <tr><td>swarmAgentsSftp</td><td>RAPTOR_SWARM_AGENTS_SFTP</td><td>none: each agent's SFTP link at its
 *       swarmAgents address, one port above; {@code hostname=address:port,...} names others</td></tr>
 *   <tr><td>agentKey</td><td>RAPTOR_AGENT_KEY</td><td>none; the key the node agents accept (at least 32 characters),
 *       required with swarmAgents</td></tr>
 *   <tr><td>swarmAgentRestoreOutcomeSeconds</td><td>RAPTOR_SWARM_AGENT_RESTORE_OUTCOME_SECONDS</td><td>120 (1 to 3600): how
 *       long an agent is asked what became of a restore whose answer broke before its outcome is recorded as unknown</td></tr>
 *   <tr><td>serverUser</td><td>RAPTOR_SERVER_USER</td><td>raptor-server (created with useradd --system when missing)</td></tr>
 *   <tr><td>logFormat</td><td>RAPTOR_LOG_FORMAT</td><td>text; json writes one JSON object per line</td></tr>
 *   <tr><td>metricsAddr</td><td>RAPTOR_METRICS_ADDR</td><td>none: /metrics only on httpAddr, behind the node key</td></tr>
 *   <tr><td>healthDiskWarnMiB</td><td>RAPTOR_HEALTH_DISK_WARN_MIB</td><td>5120: deep health is degraded below this much free space</td></tr>
 *   <tr><td>healthDiskCriticalMiB</td><td>RAPTOR_HEALTH_DISK_CRITICAL_MIB</td><td>512: deep health is unhealthy below this much free space</td></tr>
 *   <tr><td>uploadMaxFileBytes</td><td>RAPTOR_UPLOAD_MAX_FILE_BYTES</td><td>0 (no limit)</td></tr>
 *   <tr><td>pullAllowPrivate</td><td>RAPTOR_PULL_ALLOW_PRIVATE</td><td>false</td></tr>
 *   <tr><td>pullMaxBytes</td><td>RAPTOR_PULL_MAX_BYTES</td><td>4g</td></tr>
 *   <tr><td>stopOverDiskQuota</td><td>RAPTOR_STOP_OVER_DISK_QUOTA</td><td>false</td></tr>
 *   <tr><td>engineSlots</td><td>RAPTOR_ENGINE_SLOTS</td><td>0: two per core, at least 4; the container creates, starts and
 *       removals in flight at once (kills, stops and reads are never held back)</td></tr>
 *   <tr><td>engineSlotWaitSeconds</td><td>RAPTOR_ENGINE_SLOT_WAIT_SECONDS</td><td>600 (1 to 86400): how long such a call waits
 *       for its turn before its action fails</td></tr>
 *   <tr><td>backupLevel</td><td>RAPTOR_BACKUP_LEVEL</td><td>3 (zstd, 1-19)</td></tr>
 *   <tr><td>backupThreads</td><td>RAPTOR_BACKUP_THREADS</td><td>0: one zstd worker per core</td></tr>
 *   <tr><td>backupWriteMiBPerSecond</td><td>RAPTOR_BACKUP_WRITE_MIB_PER_SECOND</td><td>0: no limit</td></tr>
 *   <tr><td>backupMax</td><td>RAPTOR_BACKUP_MAX</td><td>0: every server keeps all its backups; else the most it keeps</td></tr>
 *   <tr><td>backupMaxAgeDays</td><td>RAPTOR_BACKUP_MAX_AGE_DAYS</td><td>0: no age limit; else backups older are pruned</td></tr>
 *   <tr><td>backupS3Bucket (and Endpoint, Region, Prefix, AccessKey, SecretKey, PathStyle, PartSizeMiB)</td><td>RAPTOR_BACKUP_S3_*</td><td>none: backups in &lt;dataDir&gt;/backups</td></tr>
 *   <tr><td>tls.cert, tls.key</td><td>RAPTOR_TLS_CERT, RAPTOR_TLS_KEY</td><td>none: plain HTTP; PEM certificate (chain) and key serve HTTPS</td></tr>
 *   <tr><td>allowedOrigins</td><td>RAPTOR_ALLOWED_ORIGINS (comma-separated)</td><td>none: only the daemon's own pages</td></tr>
 *   <tr><td>trustedProxies</td><td>RAPTOR_TRUSTED_PROXIES (comma-separated)</td><td>none: X-Forwarded-For is ignored</td></tr>
 *   <tr><td>authFailures.limit, .windowSeconds, .blockSeconds</td><td>RAPTOR_AUTH_FAILURE_LIMIT, RAPTOR_AUTH_FAILURE_WINDOW_SECONDS, RAPTOR_AUTH_BLOCK_SECONDS</td><td>20 refused credentials in 600 s block an address for 60 s (doubling)</td></tr>
 * </table>
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("/etc/raptor/config.yml");
    public static final String DEFAULT_HTTP_ADDR = "127.0.0.1:8080";
    public static final String USER_DATA_DIR = ".local/share/raptor";
    static final long DEFAULT_DISK_WARN_MIB = 5120;
    static final long DEFAULT_DISK_CRITICAL_MIB = 512;
    private static final long MIB = 1024L * 1024;

    /** YAML key to environment variable. */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("dataDir", DataDirectory.ENV);
        keys.put("httpAddr", "RAPTOR_HTTP_ADDR");
        keys.put("socket", "RAPTOR_SOCKET");
        keys.put("apiKey", "RAPTOR_API_KEY");
        keys.put("runtime", "RAPTOR_RUNTIME");
        keys.put("dockerHost", "DOCKER_HOST");
        keys.put("node", "RAPTOR_NODE");
        keys.put("swarmNodes", "RAPTOR_SWARM_NODES");
        keys.put("swarmVolumes", "RAPTOR_SWARM_VOLUMES");
        keys.put("swarmAgents", "RAPTOR_SWARM_AGENTS");
        keys.put("swarmAgentCa", "RAPTOR_SWARM_AGENT_CA");
        keys.put("swarmHelperImage", "RAPTOR_SWARM_HELPER_IMAGE");
        keys.put("swarmTlsCerts", "RAPTOR_SWARM_TLS_CERTS");
        keys.put("agentKey", AgentCommand.KEY_ENV);
        keys.put("swarmAgentRestoreOutcomeSeconds", "RAPTOR_SWARM_AGENT_RESTORE_OUTCOME_SECONDS");
        keys.put("serverUser", "RAPTOR_SERVER_USER");
        keys.put("logFormat", LogFormat.ENV);
        keys.put("metricsAddr", "RAPTOR_METRICS_ADDR");
        keys.put("healthDiskWarnMiB", "RAPTOR_HEALTH_DISK_WARN_MIB");
        keys.put("healthDiskCriticalMiB", "RAPTOR_HEALTH_DISK_CRITICAL_MIB");
        keys.put("sftpAddr", "RAPTOR_SFTP_ADDR");
        keys.put("swarmAgentsSftp", "RAPTOR_SWARM_AGENTS_SFTP");
        keys.put("ftpAddr", "RAPTOR_FTP_ADDR");
        keys.put("ftpPassivePorts", "RAPTOR_FTP_PASSIVE_PORTS");
        keys.put("ftpPassiveAddress", "RAPTOR_FTP_PASSIVE_ADDRESS");
        keys.put("ftpsCertificate", "RAPTOR_FTPS_CERTIFICATE");
        keys.put("ftpsKey", "RAPTOR_FTPS_KEY");
        keys.put("uploadMaxFileBytes", "RAPTOR_UPLOAD_MAX_FILE_BYTES");
        keys.put("pullAllowPrivate", "RAPTOR_PULL_ALLOW_PRIVATE");
        keys.put("pullMaxBytes", "RAPTOR_PULL_MAX_BYTES");
        keys.put("stopOverDiskQuota", "RAPTOR_STOP_OVER_DISK_QUOTA");
        keys.put("engineSlots", "RAPTOR_ENGINE_SLOTS");
        keys.put("engineSlotWaitSeconds", "RAPTOR_ENGINE_SLOT_WAIT_SECONDS");
        keys.put("registryAuth", "RAPTOR_REGISTRY_AUTH");
        keys.put("backupLevel", "RAPTOR_BACKUP_LEVEL");
        keys.put("backupThreads", "RAPTOR_BACKUP_THREADS");
        keys.put("backupWriteMiBPerSecond", "RAPTOR_BACKUP_WRITE_MIB_PER_SECOND");
        keys.put("backupMax", "RAPTOR_BACKUP_MAX");
        keys.put("backupMaxAgeDays", "RAPTOR_BACKUP_MAX_AGE_DAYS");
        keys.put("backupS3Endpoint", "RAPTOR_BACKUP_S3_ENDPOINT");
        keys.put("backupS3Region", "RAPTOR_BACKUP_S3_REGION");
        keys.put("backupS3Bucket", "RAPTOR_BACKUP_S3_BUCKET");
        keys.put("backupS3Prefix", "RAPTOR_BACKUP_S3_PREFIX");
        keys.put("backupS3AccessKey", "RAPTOR_BACKUP_S3_ACCESS_KEY");
        keys.put("backupS3SecretKey", "RAPTOR_BACKUP_S3_SECRET_KEY");
        keys.put("backupS3PathStyle", "RAPTOR_BACKUP_S3_PATH_STYLE");
        keys.put("backupS3PartSizeMiB", "RAPTOR_BACKUP_S3_PART_SIZE_MIB");
        keys.put("tls.cert", "RAPTOR_TLS_CERT");
        keys.put("tls.key", "RAPTOR_TLS_KEY");
        keys.put("allowedOrigins", "RAPTOR_ALLOWED_ORIGINS");
        keys.put("trustedProxies", "RAPTOR_TRUSTED_PROXIES");
        keys.put("authFailures.limit", "RAPTOR_AUTH_FAILURE_LIMIT");
        keys.put("authFailures.windowSeconds", "RAPTOR_AUTH_FAILURE_WINDOW_SECONDS");
        keys.put("authFailures.blockSeconds", "RAPTOR_AUTH_BLOCK_SECONDS");
        KEYS = java.util.Collections.unmodifiableMap(keys);
    }

    /** Settings that take a list: a YAML list, or one string with the items separated by commas (the environment's form). */
    static final java.util.Set<String> LISTS = java.util.Set.of("allowedOrigins", "trustedProxies");

    /** The longest Unix socket path the kernel accepts (sun_path is 108 bytes with its NUL). */
    static final int MAX_SOCKET_PATH = 107;
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final Map<String, String> env;
    private final Path home;
    private final boolean root;
    private final Path defaultFile;

    /**
     * @param env  the environment ({@link System#getenv()})
     * @param home the user's home, for the non-root default data directory
     * @param root whether the daemon runs as root (uid 0)
     */
    public ConfigLoader(Map<String, String> env, Path home, boolean root) {
        this(env, home, root, DEFAULT_FILE);
    }

    /** @param defaultFile the file read when no {@code --config} is given (tests point it elsewhere) */
    public ConfigLoader(Map<String, String> env, Path home, boolean root, Path defaultFile) {
        this.env = env;
        this.home = home;
        this.root = root;
        this.defaultFile = defaultFile;
    }

    /**
     * @param explicitFile the {@code --config} argument, or null for the default file
     * @throws ConfigException naming every problem
     */
    public DaemonConfig load(Path explicitFile) {
        List<String> problems = new ArrayList<>();
        Path file = explicitFile == null ? defaultFile : explicitFile;
        Map<String, String> yaml = readFile(file, explicitFile != null, problems);
        boolean fileRead = yaml != null;
        if (yaml == null) {
            yaml = Map.of();
        }

        // data directory: RAPTOR_DATA_DIR > DAEMON_DATA_DIR > dataDir > default
        Path dataDir;
        String dataDirSource;
        DataDirectory fromEnv = DataDirectory.resolve(env);
        if (!fromEnv.source().equals("default")) {
            dataDir = fromEnv.path();
            dataDirSource = fromEnv.source();
        } else if (yaml.containsKey("dataDir")) {
            dataDir = absolute(yaml.get("dataDir"), "dataDir in " + file, problems);
            dataDirSource = "dataDir in " + file;
        } else if (root) {
            dataDir = Path.of(DataDirectory.DEFAULT_PATH);
            dataDirSource = "default";
        } else {
            dataDir = home.resolve(USER_DATA_DIR).toAbsolutePath().normalize();
            dataDirSource = "default for a non-root user (" + DataDirectory.DEFAULT_PATH + " needs root)";
        }

        Setting http = setting("httpAddr", yaml, file);
        String httpHost = "127.0.0.1";
        int httpPort = 8080;
        String addr = http.value == null ? DEFAULT_HTTP_ADDR : http.value;
        try {
            HostPort hp = HostPort.parse(addr);
            httpHost = hp.host();
            httpPort = hp.port();
        } catch (IllegalArgumentException e) {
            problems.add(http.name + ": " + e.getMessage());
        }

        Setting sock = setting("socket", yaml, file);
        Path socket = dataDir == null ? null : dataDir.resolve("raptor.sock");
        if (sock.value != null) {
            socket = absolute(sock.value, sock.name, problems);
        }
        if (socket != null && socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            problems.add((sock.value == null ? "the socket path (<dataDir>/raptor.sock)" : sock.name) + ": '" + socket
                    + "' is longer than the " + MAX_SOCKET_PATH + " bytes a Unix socket path may have; set RAPTOR_SOCKET to a shorter path");
        }

        Setting key = setting("apiKey", yaml, file);
        String apiKey = key.value;
        if (apiKey != null && apiKey.strip().length() < ApiKey.MIN_LENGTH) {
            problems.add(key.name + ": the API key must be at least " + ApiKey.MIN_LENGTH + " characters");
            apiKey = null;
        }

        Setting rt = setting("runtime", yaml, file);
        RuntimeChoice runtime = RuntimeChoice.AUTO;
        if (rt.value != null) {
            try {
                runtime = RuntimeChoice.parse(rt.value);
            } catch (IllegalArgumentException e) {
                problems.add(rt.name + ": " + e.getMessage());
            }
        }

        Setting dh = setting("dockerHost", yaml, file);
        String dockerHost = dh.value == null ? DockerRuntimeConfig.DEFAULT_HOST : dh.value.strip();
        try {
            DockerRuntimeConfig.of(dockerHost);
        } catch (IllegalArgumentException e) {
            problems.add(dh.name + ": " + e.getMessage());
        }

        Setting nd = setting("node", yaml, file);
        String node = nd.value == null || nd.value.isBlank() ? null : nd.value.strip();
        if (node != null && !NODE.matcher(node).matches()) {
            problems.add(nd.name + ": must be 1-63 letters, digits, '.', '_' or '-' (was '" + node + "')");
        }

        Setting sn = setting("swarmNodes", yaml, file);
        Map<String, URI> swarmNodes = Map.of();
        try {
            swarmNodes = SwarmRuntimeConfig.parseNodes(sn.value);
            if (runtime == RuntimeChoice.SWARM) {
                new SwarmRuntimeConfig(URI.create(dockerHost), swarmNodes, null);
            }
        } catch (IllegalArgumentException e) {
            problems.add((sn.value == null ? "swarmNodes / RAPTOR_SWARM_NODES" : sn.name) + ": " + e.getMessage() + (runtime == RuntimeChoice.SWARM
                    ? " (runtime swarm: dockerHost is the manager's engine, swarmNodes each node's, e.g. worker-1=tcp://10.0.0.2:2375)" : ""));
        }

        Setting sv = setting("swarmVolumes", yaml, file);
        Map<String, Path> swarmVolumes = Map.of();
        try {
            swarmVolumes = SwarmRuntimeConfig.parseVolumes(sv.value);
        } catch (IllegalArgumentException e) {
            problems.add((sv.value == null ? "swarmVolumes / RAPTOR_SWARM_VOLUMES" : sv.name) + ": " + e.getMessage());
        }

        Setting sh = setting("swarmHelperImage", yaml, file);
        String swarmHelperImage = sh.value == null || sh.value.isBlank() ? null : sh.value.strip();
        if (swarmHelperImage != null && swarmHelperImage.chars().anyMatch(Character::isWhitespace)) {
            problems.add(sh.name + ": must be an image reference without spaces, e.g. busybox:1.36 (was '" + swarmHelperImage + "')");
        }
        Setting st = setting("swarmTlsCerts", yaml, file);
        Path swarmTlsCerts = null;
        if (st.value != null && !st.value.isBlank()) {
            Path dir = Path.of(st.value.strip());
            List<String> missing = java.util.stream.Stream.of("ca.pem", "cert.pem", "key.pem")
                    .filter(name -> !Files.isReadable(dir.resolve(name))).toList();
            if (!dir.isAbsolute()) {
                problems.add(st.name + ": must be an absolute path (was '" + st.value.strip() + "')");
            } else if (!missing.isEmpty()) {
                problems.add(st.name + ": " + dir + " lacks " + String.join(", ", missing)
                        + " (the client certificate for TLS engines, as DOCKER_CERT_PATH holds it)");
            } else {
                swarmTlsCerts = dir;
            }
        }

        NodeAgents agents = NodeAgents.NONE;
        Setting sa = setting("swarmAgents", yaml, file);
        Setting ak = setting("agentKey", yaml, file);
        Setting ac = setting("swarmAgentCa", yaml, file);
        long outcomeSeconds = whole(setting("swarmAgentRestoreOutcomeSeconds", yaml, file), NodeAgents.RESTORE_OUTCOME_WAIT.toSeconds(),
                1, NodeAgents.MAX_RESTORE_OUTCOME_WAIT.toSeconds(), "seconds", problems);
        Path agentCa = null;
        if (ac.value != null && !ac.value.isBlank()) {
            agentCa = Path.of(ac.value.strip());
            try {
                dev.raptor.api.agent.AgentTrust.of(agentCa); // read and checked now: a CA that cannot be used stops boot, named
            } catch (TlsFileException e) {
                problems.add(ac.name + ": " + e.getMessage());
            }
        }
        try {
            Map<String, URI> addresses = NodeAgents.parse(sa.value);
            String agentKey = ak.value == null || ak.value.isBlank() ? null : ak.value.strip();
            if (!addresses.isEmpty() && agentKey == null) {
                problems.add(ak.name + ": is required with " + sa.name + " (the key its agents accept)");
            } else if (agentKey != null && agentKey.length() < AgentCommand.MIN_KEY_CHARS) {
                problems.add(ak.name + ": must be at least " + AgentCommand.MIN_KEY_CHARS + " characters");
            } else {
                agents = new NodeAgents(addresses, agentKey, agentCa, java.time.Duration.ofSeconds(outcomeSeconds));
            }
        } catch (IllegalArgumentException e) {
            problems.add(sa.name + ": " + e.getMessage());
        }

        Setting su = setting("serverUser", yaml, file);
        String serverUser = su.value == null || su.value.isBlank() ? ProcessRuntimeConfig.DEFAULT_SERVER_USER : su.value.strip();
        try {
            ProcessRuntimeConfig.at(Path.of("/")).withServerUser(serverUser);
        } catch (IllegalArgumentException e) {
            problems.add(su.name + ": " + e.getMessage().replaceFirst("^serverUser ", ""));
        }

        Setting lf = setting("logFormat", yaml, file);
        LogFormat logFormat = LogFormat.TEXT;
        if (lf.value != null) {
            try {
                logFormat = LogFormat.parse(lf.value);
            } catch (IllegalArgumentException e) {
                problems.add(lf.name + ": " + e.getMessage());
            }
        }

        Setting ma = setting("metricsAddr", yaml, file);
        HostPort metrics = null;
        if (ma.value != null && !ma.value.isBlank()) {
            try {
                metrics = HostPort.parse(ma.value);
            } catch (IllegalArgumentException e) {
                problems.add(ma.name + ": " + e.getMessage());
            }
        }

        long diskWarn = mebibytes(setting("healthDiskWarnMiB", yaml, file), DEFAULT_DISK_WARN_MIB, problems);
        long diskCritical = mebibytes(setting("healthDiskCriticalMiB", yaml, file), DEFAULT_DISK_CRITICAL_MIB, problems);
        if (diskCritical > diskWarn) {
            problems.add("healthDiskCriticalMiB (" + diskCritical + ") must not be above healthDiskWarnMiB (" + diskWarn + ")");
        }
        FileTransferConfig transfers = transfers(yaml, file, problems);
        long uploadMax = bytes(setting("uploadMaxFileBytes", yaml, file), 0, problems);
        boolean pullPrivate = bool(setting("pullAllowPrivate", yaml, file), false, problems);
        long pullMax = bytes(setting("pullMaxBytes", yaml, file), 4L << 30, problems);
        if (pullMax == 0) {
            problems.add(setting("pullMaxBytes", yaml, file).name + ": must be at least 1 byte");
        }
        boolean stopOver = bool(setting("stopOverDiskQuota", yaml, file), false, problems);
        int engineSlots = (int) whole(setting("engineSlots", yaml, file), 0, 0, 1024, problems);
        long slotWait = whole(setting("engineSlotWaitSeconds", yaml, file), 600, 1, 86_400, problems);
        SecuritySettings security = security(yaml, file, problems);

        BackupConfig backups = backups(yaml, file, problems);

        Setting ra = setting("registryAuth", yaml, file);
        Map<String, RegistryCredential> registries = Map.of();
        if (ra.value != null && !ra.value.isBlank()) {
            Path authFile = absolute(ra.value, ra.name, problems);
            if (authFile != null) {
                registries = RegistryAuthFile.read(authFile, ra.name, problems);
            }
        }

        for (String n : transfers.agentLinks().keySet()) {
            if (agents.of(n) == null) {
                problems.add(setting("swarmAgentsSftp", yaml, file).name + ": " + n + " has no agent in "
                        + setting("swarmAgents", yaml, file).name);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new DaemonConfig(dataDir, dataDirSource, httpHost, httpPort, socket, apiKey, apiKey == null ? null : key.name, runtime,
                dockerHost, node, serverUser, logFormat, metrics == null ? null : metrics.host(), metrics == null ? 0 : metrics.port(),
                diskWarn * MIB, diskCritical * MIB, fileRead ? file : null, transfers, backups, security, registries,
                new DaemonConfig.FileOptions(uploadMax, pullPrivate, pullMax, stopOver), swarmNodes, swarmVolumes, agents,
                swarmHelperImage, swarmTlsCerts, new DaemonConfig.EngineSlotOptions(engineSlots, java.time.Duration.ofSeconds(slotWait)));
    }

    /** The backup settings; S3 when a bucket is named (then its keys are required). */
    private BackupConfig backups(Map<String, String> yaml, Path file, List<String> problems) {
        int level = (int) whole(setting("backupLevel", yaml, file), 3, 1, 19, problems);
        int threads = (int) whole(setting("backupThreads", yaml, file), 0, 0, 256, problems);
        long rate = whole(setting("backupWriteMiBPerSecond", yaml, file), 0, 0, 1L << 20, problems);
        int max = (int) whole(setting("backupMax", yaml, file), 0, 0, 100_000, problems);
        int maxAgeDays = (int) whole(setting("backupMaxAgeDays", yaml, file), 0, 0, 100_000, problems);
        dev.raptor.backup.BackupSettings settings = dev.raptor.backup.BackupSettings.defaults().withCompression(level, threads)
                .withWriteBytesPerSecond(rate * MIB).withRetention(new dev.raptor.backup.retention.RetentionPolicy(max, maxAgeDays));
        Setting bucket = setting("backupS3Bucket", yaml, file);
        if (bucket.value == null || bucket.value.isBlank()) {
            for (String k : List.of("backupS3Endpoint", "backupS3AccessKey", "backupS3SecretKey")) {
                Setting other = setting(k, yaml, file);
                if (other.value != null && !other.value.isBlank()) {
                    problems.add(other.name + ": is set, but backupS3Bucket (RAPTOR_BACKUP_S3_BUCKET) is not: name the bucket too");
                }
            }
            return new BackupConfig(settings, null);
        }
        java.net.URI endpoint = null;
        Setting ep = setting("backupS3Endpoint", yaml, file);
        if (ep.value != null && !ep.value.isBlank()) {
            try {
                endpoint = java.net.URI.create(ep.value.strip());
                if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
                    problems.add(ep.name + ": must be an http(s) URL such as https://s3.example.net (was '" + ep.value + "')");
                }
            } catch (IllegalArgumentException e) {
                problems.add(ep.name + ": must be an http(s) URL (was '" + ep.value + "')");
            }
        }
        Setting access = setting("backupS3AccessKey", yaml, file);
        Setting secret = setting("backupS3SecretKey", yaml, file);
        if (access.value == null || access.value.isBlank()) {
            problems.add("backupS3AccessKey (" + KEYS.get("backupS3AccessKey") + "): is required with " + bucket.name);
        }
        if (secret.value == null || secret.value.isBlank()) {
            problems.add("backupS3SecretKey (" + KEYS.get("backupS3SecretKey") + "): is required with " + bucket.name);
        }
        Setting region = setting("backupS3Region", yaml, file);
        Setting prefix = setting("backupS3Prefix", yaml, file);
        Setting style = setting("backupS3PathStyle", yaml, file);
        boolean pathStyle = true;
        if (style.value != null && !style.value.isBlank()) {
            switch (style.value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "1" -> pathStyle = true;
                case "false", "no", "0" -> pathStyle = false;
                default -> problems.add(style.name + ": must be true or false (was '" + style.value + "')");
            }
        }
        long part = whole(setting("backupS3PartSizeMiB", yaml, file), 64, 5, 5 * 1024, problems);
        if (!problems.isEmpty()) {
            return new BackupConfig(settings, null);
        }
        return new BackupConfig(settings, new dev.raptor.backup.storage.S3Settings(endpoint,
                region.value == null || region.value.isBlank() ? "us-east-1" : region.value.strip(), bucket.value.strip(),
                prefix.value == null ? "" : prefix.value.strip(), access.value.strip(), secret.value.strip(), pathStyle,
                (int) (part * MIB), 5));
    }

    /** A whole number between {@code min} and {@code max}. */
    private static long whole(Setting s, long fallback, long min, long max, List<String> problems) {
        return whole(s, fallback, min, max, null, problems);
    }

    /**
     * tls.cert and tls.key (read and checked now: a key that is not the certificate's stops boot naming both files),
     * allowedOrigins, trustedProxies and the failed-authentication limit.
     */
    private SecuritySettings security(Map<String, String> yaml, Path file, List<String> problems) {
        SecuritySettings security = SecuritySettings.defaults();
        Setting cert = setting("tls.cert", yaml, file);
        Setting key = setting("tls.key", yaml, file);
        Path certificate = cert.value == null ? null : absolute(cert.value, cert.name, problems);
        Path privateKey = key.value == null ? null : absolute(key.value, key.name, problems);
        if ((cert.value == null) != (key.value == null)) {
            problems.add("tls.cert and tls.key (RAPTOR_TLS_CERT, RAPTOR_TLS_KEY) are given together or not at all");
        } else if (certificate != null && privateKey != null) {
            try {
                PemIdentity.read(certificate, privateKey);
                security = security.withTls(TlsSettings.of(certificate, privateKey));
            } catch (TlsFileException e) {
                problems.add(cert.name + " and " + key.name + ": " + e.getMessage());
            }
        }

        Setting origins = setting("allowedOrigins", yaml, file);
        List<String> allowed = new ArrayList<>();
        for (String o : items(origins.value)) {
            try {
                allowed.add(CorsPolicy.normalize(o));
            } catch (IllegalArgumentException e) {
                problems.add(origins.name + ": " + e.getMessage());
            }
        }
        security = security.withAllowedOrigins(allowed);

        Setting proxies = setting("trustedProxies", yaml, file);
        List<AddressRange> trusted = new ArrayList<>();
        for (String p : items(proxies.value)) {
            try {
                trusted.add(AddressRange.parse(p));
            } catch (IllegalArgumentException e) {
                problems.add(proxies.name + ": " + e.getMessage());
            }
        }
        security = security.withTrustedProxies(trusted);

        FailedAuthLimit.Settings d = FailedAuthLimit.Settings.DEFAULTS;
        long limit = whole(setting("authFailures.limit", yaml, file), d.limit(), 0, 1_000_000, "refused credentials (0 turns the limit off)", problems);
        long window = whole(setting("authFailures.windowSeconds", yaml, file), d.window().toSeconds(), 1, 86_400, "seconds", problems);
        long block = whole(setting("authFailures.blockSeconds", yaml, file), d.firstBlock().toSeconds(), 1, 86_400, "seconds", problems);
        return security.withAuthLimit(new FailedAuthLimit.Settings((int) limit, java.time.Duration.ofSeconds(window),
                java.time.Duration.ofSeconds(block), java.time.Duration.ofSeconds(Math.max(block, d.maxBlock().toSeconds()))));
    }

    /** A list setting's items: comma-separated, blanks dropped. */
    private static List<String> items(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(value.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** A whole number in [min, max]; {@code unit} (or null) says what it counts in an error. */
    private static long whole(Setting s, long fallback, long min, long max, String unit, List<String> problems) {
        if (s.value == null || s.value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(s.value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        problems.add(s.name + ": must be a whole number " + (unit == null ? "from " : "of " + unit + ", ") + min + " to " + max + " (was '" + s.value + "')");
        return fallback;
    }

    /** A size in MiB: a whole number, 0 or more. */
    private static long mebibytes(Setting s, long fallback, List<String> problems) {
        if (s.value == null || s.value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(s.value.strip());
            if (v >= 0 && v <= 1L << 30) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        problems.add(s.name + ": must be a whole number of MiB, 0 or more (was '" + s.value + "')");
        return fallback;
    }

    private static final Pattern PORT_RANGE = Pattern.compile("\\d{1,5}(-\\d{1,5})?(,\\d{1,5}(-\\d{1,5})?)*");

    /** sftpAddr (default 0.0.0.0:2022, "off"), ftpAddr (default off), FTP's passive ports and address, the FTPS files. */
    private FileTransferConfig transfers(Map<String, String> yaml, Path file, List<String> problems) {
        Setting sftp = setting("sftpAddr", yaml, file);
        java.net.InetSocketAddress sftpAddr = address(sftp.value == null ? FileTransferConfig.DEFAULT_SFTP_ADDR : sftp.value,
                sftp.name, problems);
        Setting ftp = setting("ftpAddr", yaml, file);
        java.net.InetSocketAddress ftpAddr = ftp.value == null ? null : address(ftp.value, ftp.name, problems);
        Setting passive = setting("ftpPassivePorts", yaml, file);
        String ports = passive.value == null || passive.value.isBlank() ? null : passive.value.replace(" ", "");
        if (ports != null && !PORT_RANGE.matcher(ports).matches()) {
            problems.add(passive.name + ": must be ports or ranges such as 30000-30100 or 30000,30002 (was '" + passive.value + "')");
        }
        Setting passiveAddr = setting("ftpPassiveAddress", yaml, file);
        Setting cert = setting("ftpsCertificate", yaml, file);
        Setting key = setting("ftpsKey", yaml, file);
        Path certificate = cert.value == null ? null : absolute(cert.value, cert.name, problems);
        Path privateKey = key.value == null ? null : absolute(key.value, key.name, problems);
        if ((certificate == null) != (privateKey == null)) {
            problems.add("ftpsCertificate and ftpsKey (RAPTOR_FTPS_CERTIFICATE, RAPTOR_FTPS_KEY) are given together or not at all");
        }
        for (Path p : new Path[]{certificate, privateKey}) {
            if (p != null && !Files.isReadable(p)) {
                problems.add((p == certificate ? cert.name : key.name) + ": cannot read " + p);
            }
        }
        Setting links = setting("swarmAgentsSftp", yaml, file);
        Map<String, java.net.InetSocketAddress> agentLinks = new java.util.LinkedHashMap<>();
        if (links.value != null && !links.value.isBlank()) {
            for (String pair : links.value.split(",")) {
                String p = pair.strip();
                int eq = p.indexOf('=');
                if (p.isEmpty()) {
                    continue;
                }
                if (eq <= 0) {
                    problems.add(links.name + ": '" + p + "' is not hostname=address:port");
                    continue;
                }
                try {
                    HostPort hp = HostPort.parse(p.substring(eq + 1));
                    agentLinks.put(p.substring(0, eq).strip(), java.net.InetSocketAddress.createUnresolved(hp.host(), hp.port()));
                } catch (IllegalArgumentException e) {
                    problems.add(links.name + ": " + p.substring(0, eq).strip() + ": " + e.getMessage());
                }
            }
        }
        return new FileTransferConfig(sftpAddr, ftpAddr, ports, passiveAddr.value == null || passiveAddr.value.isBlank()
                ? null : passiveAddr.value.strip(), certificate, privateKey, agentLinks);
    }

    /** {@code host:port}, or null for {@code off}. */
    private static java.net.InetSocketAddress address(String value, String name, List<String> problems) {
        if (value.strip().equalsIgnoreCase("off")) {
            return null;
        }
        try {
            HostPort hp = HostPort.parse(value);
            return new java.net.InetSocketAddress(hp.host(), hp.port());
        } catch (IllegalArgumentException e) {
            problems.add(name + ": " + e.getMessage() + " (or off)");
            return null;
        }
    }

    /** A setting's value (environment over file) and the name to blame in messages. */
    private record Setting(String value, String name) {
    }

    private Setting setting(String key, Map<String, String> yaml, Path file) {
        String var = KEYS.get(key);
        String v = env.get(var);
        if (v != null && !v.isBlank()) {
            return new Setting(v, var);
        }
        if (yaml.containsKey(key)) {
            return new Setting(yaml.get(key), key + " in " + file);
        }
        return new Setting(null, key);
    }

    /** The file's settings, or null when there is no file to read (default file absent). */
    private static Map<String, String> readFile(Path file, boolean explicit, List<String> problems) {
        if (!Files.exists(file)) {
            if (explicit) {
                problems.add("--config: " + file + " does not exist");
            }
            return null;
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            problems.add(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
            return Map.of();
        } catch (IOException e) {
            problems.add(file + ": cannot be read: " + e.getMessage());
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            problems.add(file + ": must be a mapping of settings (" + String.join(", ", KEYS.keySet()) + ")");
            return out;
        }
        read(root, "", file, out, problems);
        return out;
    }

    /** The settings of one mapping: {@code tls: {cert: …}} is the setting {@code tls.cert}; list settings take lists. */
    private static void read(JsonNode mapping, String prefix, Path file, Map<String, String> out, List<String> problems) {
        for (Map.Entry<String, JsonNode> e : mapping.properties()) {
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            boolean group = KEYS.keySet().stream().anyMatch(k -> k.startsWith(key + "."));
            if (group && v.isObject()) {
                read(v, key + ".", file, out, problems);
            } else if (!KEYS.containsKey(key)) {
                problems.add(file + ": unknown setting '" + key + "' (known: " + String.join(", ", KEYS.keySet()) + ")");
            } else if (v.isNull()) {
                // an empty value means "the default"
            } else if (LISTS.contains(key) && v.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : v) {
                    if (!item.isValueNode() || item.isNull()) {
                        problems.add(key + " in " + file + ": every item must be a single value");
                    } else if (item.asText().contains(",")) {
                        problems.add(key + " in " + file + ": '" + item.asText() + "' holds a comma; list each item on its own");
                    } else {
                        items.add(item.asText());
                    }
                }
                out.put(key, String.join(",", items));
            } else if (!v.isValueNode()) {
                problems.add(key + " in " + file + ": must be " + (LISTS.contains(key) ? "a list or a single value" : "a single value")
                        + ", not a " + (v.isArray() ? "list" : "mapping"));
            } else {
                out.put(key, v.asText());
            }
        }
    }

    /** A size: bytes, or a number with k, m, g or t (powers of 1024); {@code fallback} when unset. */
    private static long bytes(Setting s, long fallback, List<String> problems) {
        if (s.value == null || s.value.isBlank()) {
            return fallback;
        }
        String v = s.value.strip().toLowerCase(java.util.Locale.ROOT);
        int shift = switch (v.charAt(v.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1).strip());
            if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            problems.add(s.name + ": must be a size in bytes, or with k, m, g or t, such as 512m (was '" + s.value + "')");
            return fallback;
        }
    }

    private static boolean bool(Setting s, boolean fallback, List<String> problems) {
        if (s.value == null || s.value.isBlank()) {
            return fallback;
        }
        return switch (s.value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> {
                problems.add(s.name + ": must be true or false (was '" + s.value + "')");
                yield fallback;
            }
        };
    }

    private static Path absolute(String value, String name, List<String> problems) {
        try {
            return Path.of(value.strip()).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            problems.add(name + ": not a valid path (" + e.getReason() + ")");
            return null;
        }
    }

    /** {@code host:port} or {@code [ipv6]:port}. */
    record HostPort(String host, int port) {
        static HostPort parse(String text) {
            String t = text.strip();
            String host;
            String port;
            if (t.startsWith("[")) {
                int end = t.indexOf(']');
                if (end < 0 || end + 1 >= t.length() || t.charAt(end + 1) != ':') {
                    throw new IllegalArgumentException("must be host:port or [ipv6]:port, e.g. 127.0.0.1:8080 (was '" + text + "')");
                }
                host = t.substring(1, end);
                port = t.substring(end + 2);
            } else {
                int colon = t.lastIndexOf(':');
                if (colon <= 0 || t.indexOf(':') != colon) {
                    throw new IllegalArgumentException("must be host:port or [ipv6]:port, e.g. 127.0.0.1:8080 (was '" + text + "')");
                }
                host = t.substring(0, colon);
                port = t.substring(colon + 1);
            }
            if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("has no valid host (was '" + text + "')");
            }
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port must be a number 0-65535 (was '" + port + "')");
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("the port must be 0-65535 (was " + p + ")");
            }
            return new HostPort(host, p);
        }
    }
}
