package dev.raptor.wire.client;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * A TLS context that trusts the certificates of one PEM file and nothing else: the CA of a daemon whose
 * certificate is not signed by a public CA (a node's own CA, a test's), or the daemon's certificate itself.
 * What {@link RaptorClient.Builder#trustedCertificates} and {@code raptorctl --ca} use.
 */
public final class TrustedCertificates {
    private TrustedCertificates() {
    }

    /**
     * A context trusting every certificate in {@code pemFile}.
     *
     * @throws IllegalArgumentException when the file holds no certificate or cannot be read, naming it
     */
    public static SSLContext sslContext(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException(pemFile + " holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the certificates " + pemFile + ": " + e.getMessage(), new UncheckedIOException(e));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pemFile + " holds no usable certificate: " + e.getMessage(), e);
        }
    }
}
