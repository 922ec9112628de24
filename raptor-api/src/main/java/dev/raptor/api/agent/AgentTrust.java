package dev.raptor.api.agent;

import dev.raptor.api.tls.TlsFileException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/**
 * What the manager trusts for agents listed as {@code https://}: the CA certificates of one PEM file
 * ({@code RAPTOR_SWARM_AGENT_CA}), and nothing else (neither the JVM's public CAs: an agent is a machine of the
 * operator's, its certificate from the operator's CA). Without that file, the JVM's own trusted CAs. Either way the
 * agent's certificate must also name the address it is listed at (host name verification stays on).
 */
public final class AgentTrust {
    private AgentTrust() {
    }

    /**
     * An SSL context trusting exactly the certificates in {@code caFile}; the JVM's default one when it is null.
     *
     * @throws TlsFileException naming the file when it cannot be read or holds no PEM certificate
     */
    public static SSLContext of(Path caFile) throws TlsFileException {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> cas;
            try (InputStream in = Files.newInputStream(caFile)) {
                cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
            } catch (IOException e) {
                throw new TlsFileException("cannot read the agents' CA file " + caFile + ": " + e.getMessage(), e);
            } catch (CertificateException e) {
                throw new TlsFileException("the agents' CA file " + caFile + " is not a PEM certificate: " + e.getMessage(), e);
            }
            if (cas.isEmpty()) {
                throw new TlsFileException("the agents' CA file " + caFile + " holds no PEM certificate (BEGIN CERTIFICATE)");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (Certificate c : cas) {
                store.setCertificateEntry("agent-ca-" + n++, c);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, trust.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileException("cannot trust the agents' CA " + caFile + ": " + e.getMessage(), e);
        }
    }
}
