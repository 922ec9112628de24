package dev.raptor.sftp.ftp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the FTP server runs (it is off unless an address is configured).
 *
 * @param address         where the control connection listens ({@code 127.0.0.1:2121}; port 0 picks a free one)
 * @param passivePorts    the passive data ports, FtpServer's syntax ({@code 30000-30100}); null: any free port
 * @param passiveAddress  the address told to clients for passive data connections (behind NAT), or null
 * @param dataDir         where a generated FTPS certificate is kept
 * @param certificate     a PEM certificate (chain) for FTPS, or null to generate a self-signed one
 * @param privateKey      its PEM private key (PKCS#8), with {@code certificate}
 */
public record FtpSettings(InetSocketAddress address, String passivePorts, String passiveAddress, Path dataDir,
                          Path certificate, Path privateKey) {
    public FtpSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dataDir, "dataDir");
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("an FTPS certificate and its private key are given together");
        }
    }

    public static FtpSettings of(InetSocketAddress address, Path dataDir) {
        return new FtpSettings(address, null, null, dataDir, null, null);
    }
}
