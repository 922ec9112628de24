package dev.raptor.api.tls;

import dev.raptor.core.testing.TestCertificates;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Certificates and keys as OpenSSL and certbot write them: every key format read, a key that is not the certificate's
 * refused naming both files, and a renewal caught half-written never replacing the certificate being served.
 */
class PemIdentityTest {
    @TempDir
    static Path dir;
    static TestCertificates.Ca ca;

    @BeforeAll
    static void makeCa() {
        ca = TestCertificates.ca(dir.resolve("ca"), "ca");
    }

    @Test
    void pkcs8Pkcs1AndEcKeysAreRead() throws Exception {
        for (String type : new String[]{"rsa", "rsa-pkcs1", "ec"}) {
            TestCertificates.Server s = ca.server("read-" + type, type);

            PemIdentity id = PemIdentity.read(s.certificate(), s.key());

            assertThat(id.chain()).as(type).hasSize(2);
            assertThat(id.certificate().getSerialNumber().toString(16)).as(type).isEqualToIgnoringCase(s.serial());
        }
    }

    @Test
    void keysMatchTheirCertificatesWhenBouncyCastleIsARegisteredProviderAsInTheDaemon() throws Exception {
        // Apache MINA SSHD registers BouncyCastle in raptord before the API reads its certificate.
        boolean added = java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()) != -1;
        try {
            for (String type : new String[]{"ec", "rsa-pkcs1"}) {
                TestCertificates.Server s = ca.server("bc-" + type, type);

                PemIdentity id = PemIdentity.read(s.certificate(), s.key());

                assertThat(id.key().getAlgorithm()).as(type).isEqualTo(id.certificate().getPublicKey().getAlgorithm());
            }
        } finally {
            if (added) {
                java.security.Security.removeProvider("BC");
            }
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() {
        TestCertificates.Server a = ca.server("mismatch-a", "ec");
        TestCertificates.Server b = ca.server("mismatch-b", "ec");

        assertThatThrownBy(() -> PemIdentity.read(a.certificate(), b.key())).isInstanceOf(TlsFileException.class)
                .hasMessageContaining(a.certificate().toString()).hasMessageContaining(b.key().toString()).hasMessageContaining("does not match");
    }

    @Test
    void anEncryptedKeyIsRefusedSayingHowToDecryptIt() {
        TestCertificates.Server s = ca.server("encrypted", "rsa");
        Path encrypted = dir.resolve("encrypted.enc.key");
        TestCertificates.openssl(dir, "pkey", "-in", s.key().toString(), "-aes256", "-passout", "pass:secret", "-out", encrypted.toString());

        assertThatThrownBy(() -> PemIdentity.read(s.certificate(), encrypted)).isInstanceOf(TlsFileException.class)
                .hasMessageContaining(encrypted.toString()).hasMessageContaining("encrypted");
    }

    @Test
    void aCertificateFileWithoutACertificateIsRefusedNamingIt() {
        TestCertificates.Server s = ca.server("no-cert", "ec");

        assertThatThrownBy(() -> PemIdentity.read(s.key(), s.key())).isInstanceOf(TlsFileException.class)
                .hasMessageContaining(s.key().toString());
    }

    @Test
    void theIdentityNeverPrintsItsKey() throws Exception {
        TestCertificates.Server s = ca.server("printed", "ec");
        PemIdentity id = PemIdentity.read(s.certificate(), s.key());

        String key = Files.readString(s.key()).lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        assertThat(id.toString()).doesNotContain(key.substring(0, 20)).contains("printed");
    }

    @Test
    void aRenewalCaughtBetweenItsTwoFilesKeepsTheServedCertificateUntilBothAgree() throws Exception {
        TestCertificates.Server first = ca.server("reload-1", "ec");
        TestCertificates.Server second = ca.server("reload-2", "ec");
        Path cert = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(first.certificate(), cert);
        Files.copy(first.key(), key);
        PemIdentity served = PemIdentity.read(cert, key);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        TlsConnector.configure(ssl, served);
        ssl.start();
        // Looked at by hand (check()), never by its timer: the test decides when a look happens.
        try (CertificateReloader reloader = CertificateReloader.start(new TlsSettings(cert, key, Duration.ofDays(1)), ssl, served)) {
            Files.copy(second.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
            reloader.check();
            assertThat(reloader.served().certificate().getSerialNumber().toString(16)).as("the new certificate with the old key")
                    .isEqualToIgnoringCase(first.serial());

            Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);
            reloader.check();
            assertThat(reloader.served().certificate().getSerialNumber().toString(16)).isEqualToIgnoringCase(second.serial());
            assertThat(((java.security.cert.X509Certificate) ssl.getKeyStore().getCertificate(PemIdentity.ALIAS)).getSerialNumber())
                    .as("the running factory holds it").isEqualTo(reloader.served().certificate().getSerialNumber());
        } finally {
            ssl.stop();
        }
    }
}
