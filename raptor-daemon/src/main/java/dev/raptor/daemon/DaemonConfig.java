package dev.raptor.daemon;

import java.net.URI;

import dev.raptor.api.SecuritySettings;
import dev.raptor.api.auth.ApiKey;
import dev.raptor.daemon.logging.LogFormat;
import dev.raptor.docker.RegistryCredential;

import java.nio.file.Path;
import java.util.Map;

/**
 * The daemon's resolved configuration: the YAML file's values, overridden by the environment.
 *
 * @param dataDir    where state lives (database, secrets, server volumes, the socket by default)
 * @param dataDirSource which setting named it, for the boot log
 * @param httpHost   TCP address of the API
 * @param httpPort   TCP port of the API (0 = any free port)
 * @param socket     the Unix socket of the API
 * @param apiKey     the node API key from configuration; null = the one in {@code <dataDir>/api-key}, generated at first boot
 * @param apiKeySource the setting that gave {@code apiKey} ({@code RAPTOR_API_KEY} or {@code apiKey in FILE}); null with it
 * @param runtime    which container runtime
 * @param dockerHost the Docker Engine's address
 * @param node       node name labelled on containers so daemons sharing an engine keep apart; null = none
 * @param serverUser the host account servers on the process runtime run as when the daemon is root
 * @param logFormat  how log lines look: text, or one JSON object per line
 * @param metricsHost where {@code /metrics} is served without credentials; null = only on the API address, behind the node key
 * @param metricsPort its port (0 = any free port)
 * @param diskWarnBytes deep health is degraded below this much free space in the data directory
 * @param diskCriticalBytes deep health is unhealthy below this much
 * @param backups    backup compression, write-rate limit and storage (S3 when a bucket is named)
 * @param configFile the file read, or null when none was
 * @param transfers  the SFTP and FTP servers' addresses and settings
 * @param security   TLS on the API, allowed browser origins, trusted proxies, the failed-authentication limit
 * @param registries the logins image pulls use, by registry host ({@code registryAuth}); secret, never logged
 * @param files      the file API's node settings: upload limit, pull policy, servers over their quota
 * @param swarmNodes on the swarm runtime, each node's engine by its hostname ({@code dockerHost} is the manager's); empty otherwise
 * @param swarmVolumes on the swarm runtime, where a node keeps servers' data directories, by its hostname; a node missing
 *                   here keeps them at the same path as this machine ({@code <dataDir>/volumes/<id>})
 * @param agents     the node agents serving the files of servers on their nodes, and their key; none by default
 * @param swarmHelperImage on the swarm runtime, the image of the helper containers that reach a node's server files
 *                   (transfers, removing a node's copy); null = the runtime's default
 * @param swarmTlsCerts on the swarm runtime, the directory with {@code ca.pem}, {@code cert.pem} and {@code key.pem} for
 *                   {@code tcp://} engines that require TLS; null = plain TCP
 */
public record DaemonConfig(Path dataDir, String dataDirSource, String httpHost, int httpPort, Path socket, String apiKey,
                           String apiKeySource, RuntimeChoice runtime, String dockerHost, String node, String serverUser,
                           LogFormat logFormat, String metricsHost, int metricsPort, long diskWarnBytes, long diskCriticalBytes,
                           Path configFile, FileTransferConfig transfers, BackupConfig backups,
                           SecuritySettings security, Map<String, RegistryCredential> registries, FileOptions files,
                           Map<String, URI> swarmNodes, Map<String, Path> swarmVolumes,
                           dev.raptor.api.agent.NodeAgents agents, String swarmHelperImage, Path swarmTlsCerts,
                           EngineSlotOptions engineSlots) {

    public DaemonConfig {
        registries = registries == null ? Map.of() : Map.copyOf(registries);
        swarmNodes = swarmNodes == null ? Map.of() : Map.copyOf(swarmNodes);
        swarmVolumes = swarmVolumes == null ? Map.of() : Map.copyOf(swarmVolumes);
        agents = agents == null ? dev.raptor.api.agent.NodeAgents.NONE : agents;
        engineSlots = engineSlots == null ? EngineSlotOptions.DEFAULT : engineSlots;
    }

    /**
     * @param slots the container creates, starts and removals in flight at once; 0: sized from the machine
     * @param slotWait how long one waits for its turn before its action fails
     */
    public record EngineSlotOptions(int slots, java.time.Duration slotWait) {
        public static final EngineSlotOptions DEFAULT = new EngineSlotOptions(0, java.time.Duration.ofMinutes(10));

        /** The controllers' settings with these slots. */
        public dev.raptor.core.power.ControllerSettings applyTo(dev.raptor.core.power.ControllerSettings settings) {
            return settings.withEngineSlots(slots == 0 ? settings.engineSlots() : slots, slotWait);
        }

        @Override
        public String toString() {
            return (slots == 0 ? "sized from the machine" : String.valueOf(slots)) + ", wait " + slotWait.toSeconds() + " s";
        }
    }

    /**
     * @param uploadMaxFileBytes the largest file one upload may write, 0 = no limit
     * @param pullAllowPrivate   whether {@code pull} may fetch from loopback, private and link-local addresses
     * @param pullMaxBytes       the largest file {@code pull} downloads
     * @param stopOverDiskQuota  whether a running server found over its disk quota is stopped (it is reported either way)
     */
    public record FileOptions(long uploadMaxFileBytes, boolean pullAllowPrivate, long pullMaxBytes, boolean stopOverDiskQuota) {
    }

    /** The file holding the node API key when configuration gives none. */
    public Path apiKeyFile() {
        return dataDir.resolve(ApiKey.FILE_NAME);
    }

    /** {@code https} when the API's TCP port speaks TLS. */
    public String apiScheme() {
        return security.tls() == null ? "http" : "https";
    }

    /** Where the API key comes from, in words: the setting, or the key file. */
    public String apiKeyOrigin() {
        return apiKey != null ? apiKeySource : "the file " + apiKeyFile();
    }

    @Override
    public String toString() {
        return "DaemonConfig[dataDir=" + dataDir + " (" + dataDirSource + "), http=" + httpHost + ":" + httpPort + ", socket=" + socket
                + ", apiKey from " + apiKeyOrigin() + ", runtime=" + runtime.wireName()
                + ", dockerHost=" + dockerHost + ", node=" + node + ", serverUser=" + serverUser + ", logFormat=" + logFormat.wireName()
                + ", metrics=" + (metricsHost == null ? "on the API address" : metricsHost + ":" + metricsPort)
                + ", healthDisk=" + diskWarnBytes / (1024 * 1024) + "/" + diskCriticalBytes / (1024 * 1024) + " MiB" + ", configFile=" + configFile
                + ", sftp=" + (transfers.sftp() == null ? "off" : transfers.sftp()) + ", ftp=" + (transfers.ftp() == null ? "off" : transfers.ftp())
                + ", tls=" + (security.tls() == null ? "off" : security.tls().certificate()) + ", allowedOrigins=" + security.allowedOrigins()
                + ", trustedProxies=" + security.trustedProxies() + ", authFailureLimit=" + security.authLimit().limit() + ", backups=" + backups
                + ", registry logins for " + registries.keySet() + ", files=" + files
                + (swarmNodes.isEmpty() ? "" : ", swarmNodes=" + swarmNodes)
                + (swarmVolumes.isEmpty() ? "" : ", swarmVolumes=" + swarmVolumes)
                + (agents.isEmpty() ? "" : ", agents=" + agents.addresses() + (agents.ca() == null ? "" : " (CA " + agents.ca() + ")"))
                + (swarmHelperImage == null ? "" : ", swarmHelperImage=" + swarmHelperImage)
                + (swarmTlsCerts == null ? "" : ", swarmTlsCerts=" + swarmTlsCerts) + ", engineSlots=" + engineSlots + "]";
    }
}
