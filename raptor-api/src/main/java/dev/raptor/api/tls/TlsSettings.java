package dev.raptor.api.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The API's certificate: PEM files as certbot writes them ({@code fullchain.pem}, {@code privkey.pem}).
 *
 * @param certificate the certificate, then its chain
 * @param privateKey  its key: RSA or EC, PKCS#1, SEC1 or PKCS#8, not encrypted
 * @param checkEvery  how often the files are looked at for a renewal (one {@code stat} each)
 */
public record TlsSettings(Path certificate, Path privateKey, Duration checkEvery) {
    /** Files are looked at every 5 seconds: a renewal is served within that, at the cost of two {@code stat}s. */
    public static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    public TlsSettings {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(checkEvery, "checkEvery");
    }

    public static TlsSettings of(Path certificate, Path privateKey) {
        return new TlsSettings(certificate, privateKey, CHECK_EVERY);
    }
}
