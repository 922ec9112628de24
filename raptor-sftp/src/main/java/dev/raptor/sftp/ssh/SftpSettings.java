package dev.raptor.sftp.ssh;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the SFTP server runs.
 *
 * @param address     where it listens ({@code 0.0.0.0:2022} by default; port 0 picks a free one)
 * @param dataDir     where its host key lives
 * @param idleTimeout a session with no traffic this long is closed
 */
public record SftpSettings(InetSocketAddress address, Path dataDir, Duration idleTimeout) {
    public static final int DEFAULT_PORT = 2022;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

    public SftpSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    public static SftpSettings of(InetSocketAddress address, Path dataDir) {
        return new SftpSettings(address, dataDir, DEFAULT_IDLE_TIMEOUT);
    }
}
