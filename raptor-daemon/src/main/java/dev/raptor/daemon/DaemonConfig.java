package dev.raptor.daemon;

import java.nio.file.Path;

/**
 * The daemon's resolved configuration: the YAML file's values, overridden by the environment.
 *
 * @param dataDir    where state lives (database, secrets, server volumes, the socket by default)
 * @param dataDirSource which setting named it, for the boot log
 * @param httpHost   TCP address of the API
 * @param httpPort   TCP port of the API (0 = any free port)
 * @param socket     the Unix socket of the API
 * @param apiKey     the node API key from configuration; null = the generated one in the data directory
 * @param runtime    which container runtime
 * @param dockerHost the Docker Engine's address
 * @param node       node name labelled on containers so daemons sharing an engine keep apart; null = none
 * @param configFile the file read, or null when none was
 */
public record DaemonConfig(Path dataDir, String dataDirSource, String httpHost, int httpPort, Path socket, String apiKey,
                           RuntimeChoice runtime, String dockerHost, String node, Path configFile) {

    @Override
    public String toString() {
        return "DaemonConfig[dataDir=" + dataDir + " (" + dataDirSource + "), http=" + httpHost + ":" + httpPort + ", socket=" + socket
                + ", apiKey=" + (apiKey == null ? "generated" : "configured") + ", runtime=" + runtime.wireName()
                + ", dockerHost=" + dockerHost + ", node=" + node + ", configFile=" + configFile + "]";
    }
}
