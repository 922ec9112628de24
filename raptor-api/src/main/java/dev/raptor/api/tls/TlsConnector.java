package dev.raptor.api.tls;

import dev.raptor.api.http.ConnectorSelectors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.security.GeneralSecurityException;

/**
 * The API's TCP connector when TLS is on: TLS 1.2 and 1.3 only, with forward-secret AEAD ciphers only (AES-GCM and
 * ChaCha20-Poly1305 over ECDHE, TLS 1.3's own), HTTP/2 for clients that offer it by ALPN and HTTP/1.1 for the rest
 * (WebSocket upgrades included), and a plain HTTP request answered 400 ({@link PlainHttpRefusal}). The certificate
 * comes from PEM files ({@link PemIdentity}) and is replaced in place by {@link CertificateReloader}.
 */
public final class TlsConnector {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String[] CIPHERS = {
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    private TlsConnector() {
    }

    /** What {@link #create} made: the connector, and the factory whose certificate a reload replaces. */
    public record Made(ServerConnector connector, SslContextFactory.Server ssl) {
    }

    public static Made create(Server server, HttpConfiguration http, PemIdentity identity, ByteBufferPool buffers) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        configure(ssl, identity);
        ssl.setIncludeProtocols(PROTOCOLS);
        ssl.setIncludeCipherSuites(CIPHERS);
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        ssl.setRenegotiationAllowed(false);
        // The client checks the certificate's names; a request by IP address or another name must not be refused here.
        ssl.setSniRequired(false);

        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory http11 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());
        ServerConnector connector = new ServerConnector(server, null, null, buffers, -1, ConnectorSelectors.count(),
                new PlainHttpRefusal(tls), alpn, http2, http11);
        return new Made(connector, ssl);
    }

    /** Puts {@code identity} into {@code ssl} (before it starts, or inside {@link SslContextFactory#reload}). */
    static void configure(SslContextFactory ssl, PemIdentity identity) {
        try {
            ssl.setKeyStore(identity.keyStore());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the certificate of " + identity.certificateFile() + " in memory: " + e.getMessage(), e);
        }
        ssl.setKeyStorePassword(new String(PemIdentity.STORE_PASSWORD));
        ssl.setCertAlias(PemIdentity.ALIAS);
    }
}
