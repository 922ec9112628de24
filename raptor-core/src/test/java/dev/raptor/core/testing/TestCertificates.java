package dev.raptor.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made the way an operator makes them: with OpenSSL's own command line (scripts/test-tools.sh installs
 * it), never with Java code that could share the daemon's mistakes. A {@link Ca} signs server certificates for
 * {@code 127.0.0.1} and {@code localhost}; its {@code ca.pem} is what curl and the tests' clients trust.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** A certificate authority in {@code dir}: {@code ca.pem} and {@code ca.key}. */
    public record Ca(Path dir, Path certificate, Path key) {
        /**
         * A server certificate for 127.0.0.1 and localhost signed by this CA: {@code <name>.pem} (the leaf, then this CA,
         * as certbot's fullchain.pem) and {@code <name>.key}.
         *
         * @param keyType {@code rsa} (PKCS#8 {@code BEGIN PRIVATE KEY}), {@code rsa-pkcs1} ({@code BEGIN RSA PRIVATE KEY}) or
         *                {@code ec} ({@code BEGIN EC PRIVATE KEY}, certbot's default since 2.0)
         */
        public Server server(String name, String keyType) {
            return server(name, keyType, "IP:127.0.0.1,DNS:localhost");
        }

        /** As {@link #server(String, String)}, naming {@code subjectAltName} ({@code IP:10.0.0.12,DNS:worker-2}) instead. */
        public Server server(String name, String keyType, String subjectAltName) {
            Path key = dir.resolve(name + ".key");
            Path csr = dir.resolve(name + ".csr");
            Path leaf = dir.resolve(name + ".leaf.pem");
            Path chain = dir.resolve(name + ".pem");
            Path ext = dir.resolve(name + ".ext");
            switch (keyType) {
                case "rsa" -> openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
                case "rsa-pkcs1" -> openssl(dir, "genrsa", "-traditional", "-out", key.toString(), "2048");
                case "ec" -> openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
                default -> throw new IllegalArgumentException("key type " + keyType);
            }
            try {
                Files.writeString(ext, "subjectAltName=" + subjectAltName + "\nextendedKeyUsage=serverAuth\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            openssl(dir, "req", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-out", csr.toString());
            openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", certificate.toString(), "-CAkey", this.key.toString(),
                    "-CAcreateserial", "-days", "30", "-sha256", "-extfile", ext.toString(), "-out", leaf.toString());
            try {
                Files.writeString(chain, Files.readString(leaf) + Files.readString(certificate));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Server(chain, key);
        }
    }

    /** A server certificate chain and its key (PEM files). */
    public record Server(Path certificate, Path key) {
        /** The leaf's serial number in hex, as OpenSSL prints it (upper case, no leading zeros). */
        public String serial() {
            String out = openssl(certificate.getParent(), "x509", "-in", certificate.toString(), "-noout", "-serial");
            return out.strip().substring("serial=".length()).replaceFirst("^0+(?=.)", "");
        }
    }

    /** A new CA in {@code dir} (created if needed). */
    public static Ca ca(Path dir, String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(),
                "-subj", "/CN=" + name, "-days", "30", "-out", cert.toString());
        return new Ca(dir, cert, key);
    }

    /** Runs {@code openssl args...} in {@code dir}; its standard output, or an error with everything it said. */
    public static String openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (scripts/test-tools.sh installs it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
