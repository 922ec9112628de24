package dev.raptor.core.install;

import dev.raptor.core.server.ServerSpec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One install to run: the server (its environment, limits and image), its script, its data directory.
 *
 * @param spec    the server's spec: the helper gets its effective environment and at least its limits
 * @param script  what to run
 * @param dataDir the server's data directory (its volume)
 */
public record InstallJob(ServerSpec spec, InstallScript script, Path dataDir) {
    public InstallJob {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The image the helper runs: the script's, else the server's. */
    public String image() {
        return script.image() != null ? script.image() : spec.image();
    }
}
