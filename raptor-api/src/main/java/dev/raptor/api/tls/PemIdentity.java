package dev.raptor.api.tls;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * A certificate chain and its private key read from PEM files: the chain as certbot's {@code fullchain.pem} holds it
 * (the leaf first), the key as RSA or EC in PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), SEC1 ({@code BEGIN EC PRIVATE
 * KEY}) or PKCS#8 ({@code BEGIN PRIVATE KEY}), parsed by BouncyCastle. A key that is not the certificate's (it cannot
 * sign what the certificate's public key verifies) is refused naming both files.
 */
public record PemIdentity(List<X509Certificate> chain, PrivateKey key, Path certificateFile, Path keyFile) {
    /** The in-memory key store's password: the store never leaves memory, so it protects nothing and is fixed. */
    static final char[] STORE_PASSWORD = "raptor-api-tls".toCharArray();
    static final String ALIAS = "api";

    public PemIdentity {
        chain = List.copyOf(chain);
    }

    /** The leaf certificate (the one the key belongs to). */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /**
     * Reads and checks both files.
     *
     * @throws TlsFileException naming the file and what is wrong: unreadable, no certificate, no or an encrypted key,
     *                          or a key that does not match the certificate (both files named)
     */
    public static PemIdentity read(Path certificateFile, Path keyFile) throws TlsFileException {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = standard(privateKey(keyFile), chain.getFirst().getPublicKey().getAlgorithm());
        if (!matches(key, chain.getFirst().getPublicKey())) {
            throw new TlsFileException("the key " + keyFile + " does not match the certificate " + certificateFile
                    + " (it is not the key the certificate was issued for): give the certificate's own key");
        }
        return new PemIdentity(chain, key, certificateFile, keyFile);
    }

    /** An in-memory PKCS#12 store of this identity, for Jetty's {@code SslContextFactory}. */
    public KeyStore keyStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e);
        }
        ks.setKeyEntry(ALIAS, key, STORE_PASSWORD, chain.toArray(new Certificate[0]));
        return ks;
    }

    @Override
    public String toString() {
        return "PemIdentity[" + certificate().getSubjectX500Principal() + ", serial " + certificate().getSerialNumber().toString(16)
                + ", from " + certificateFile + "]"; // never the key
    }

    private static List<X509Certificate> certificates(Path file) throws TlsFileException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new TlsFileException("the certificate file " + file + " holds no PEM certificate (BEGIN CERTIFICATE)");
            }
            return chain;
        } catch (IOException e) {
            throw new TlsFileException("cannot read the certificate file " + file + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new TlsFileException("the certificate file " + file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws TlsFileException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                switch (o) {
                    case PEMKeyPair pair -> {
                        return converter.getKeyPair(pair).getPrivate(); // PKCS#1 RSA, SEC1 EC
                    }
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info); // PKCS#8
                    }
                    case PEMEncryptedKeyPair e -> throw encrypted(file);
                    case PKCS8EncryptedPrivateKeyInfo e -> throw encrypted(file);
                    case ASN1ObjectIdentifier curve -> {
                        // "BEGIN EC PARAMETERS" before the key (openssl ecparam -genkey writes it): the key names its curve too
                    }
                    case X509CertificateHolder cert -> {
                        // a combined file (key and certificate): the certificate is read from its own setting
                    }
                    default -> throw new TlsFileException("the key file " + file + " holds a " + o.getClass().getSimpleName()
                            + ", not a private key");
                }
            }
        } catch (IOException e) {
            throw new TlsFileException("cannot read the key file " + file + ": " + e.getMessage(), e);
        }
        throw new TlsFileException("the key file " + file + " holds no PEM private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static TlsFileException encrypted(Path file) {
        return new TlsFileException("the key file " + file + " is encrypted: give the key without a passphrase "
                + "(openssl pkey -in KEY -out KEY.plain), kept mode 0600");
    }

    /**
     * {@code key} as the JDK's own provider holds keys of the certificate's {@code algorithm}. BouncyCastle's converter
     * answers a key of whichever provider is registered first for its name: once a library (Apache MINA SSHD, for SFTP)
     * registers BouncyCastle in the daemon, an EC key comes back as BouncyCastle's "ECDSA" key, which neither the
     * match below nor TLS should have to tell apart from the JDK's "EC". A key that is not of that algorithm is
     * left as it is (and does not match).
     */
    private static PrivateKey standard(PrivateKey key, String algorithm) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    /** Whether {@code key} signs what {@code publicKey} verifies. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
